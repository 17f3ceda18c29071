/**
 * A video visit end to end in web mode with the simulated peripherals: a nurse signed in at the
 * station starts a visit (consent first), a clinician opens the link in a second browser context
 * and joins, the station admits them, and video frames are decoded at both ends. A third party
 * with the same link is refused; a closed peer connection and a dropped signalling socket heal
 * without a click; and with a relay-only consultation server on a real coturn the media goes
 * through TURN.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { VIDEO_VISIT_LAUNCH_OPTIONS, VIEWPORTS, expect, screenshot, seriousAxeViolations, signIn, test, useWebStation } from './fixtures';
import { framesPresented, freePort, mediaFlow, recordConnections, startConsultServer, startCoturn } from './call-helpers';
import { startWebStation, type WebStation } from './web-station';

test.use({ launchOptions: VIDEO_VISIT_LAUNCH_OPTIONS });

/** Uncaught errors of every page (a missing Node polyfill shows up here as "global is not defined"). */
const pageErrors: string[] = [];
test.afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

async function participant(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORTS.laptop, permissions: ['camera', 'microphone'] });
  await recordConnections(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${url}: ${error.message}`));
  await page.goto(url);
  return { context, page };
}

/** Waits until the page's newest peer connection decodes fresh video frames. */
async function expectVideoFlowing(page: Page, timeout = 30_000): Promise<void> {
  const phase = page.locator('[data-call-phase]');
  await expect(phase).toHaveAttribute('data-call-phase', 'connected', { timeout });
  const before = (await mediaFlow(page)).framesDecoded;
  await expect.poll(async () => (await mediaFlow(page)).framesDecoded, { timeout, intervals: [250] }).toBeGreaterThan(before + 15);
  expect(await framesPresented(page, 'video[data-role="remote-video"]', 6)).toBeGreaterThan(5);
}

async function startVisitOnStation(page: Page): Promise<string> {
  await page.locator('[data-action="start-visit"]').click();
  await expect(page.locator('[data-role="visit-consent"]')).toBeVisible();
  // No camera before consent.
  expect(await page.evaluate(() => window.__peerConnections.length)).toBe(0);
  await page.locator('[data-action="consent-accept"]').click();
  const link = (await page.locator('[data-role="visit-link"]').innerText({ timeout: 20_000 })).trim();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/clinician\.html#token=/);
  return link;
}

async function joinAsClinician(browser: Browser, link: string) {
  const clinician = await participant(browser, link);
  await clinician.page.locator('[data-action="join-visit"]').click();
  return clinician;
}

test.describe('video visit in web mode', () => {
  const station = useWebStation();

  test('consent, lobby and admit, video both ways, a refused third party, and recovery without a click', async ({ browser }) => {
    test.setTimeout(180_000);
    const patient = await participant(browser, station.url);
    await station.signIn(patient.page);
    await patient.page.locator('[data-action="start-visit"]').waitFor();
    await patient.page.locator('[data-action="start-visit"]').click();
    await expect(patient.page.locator('[data-role="visit-consent"]')).toBeVisible();
    await screenshot(patient.page, 'visit-consent-laptop');
    expect(await seriousAxeViolations(patient.page)).toEqual([]);
    await patient.page.locator('[data-action="consent-decline"]').click();
    await expect(patient.page.locator('[data-role="visit-consent"]')).toHaveCount(0);

    const link = await startVisitOnStation(patient.page);
    await expect(patient.page.locator('video[data-role="local-video"]')).toBeVisible();

    const clinician = await joinAsClinician(browser, link);
    await expect(clinician.page.locator('[data-role="call-status"]')).toContainText('waiting room', { timeout: 20_000 });
    await expect(patient.page.locator('[data-role="call-status"]')).toContainText('clinician is waiting');
    await screenshot(clinician.page, 'visit-clinician-lobby-laptop');
    expect(await seriousAxeViolations(clinician.page)).toEqual([]);

    await patient.page.locator('[data-action="admit"]').click();
    await expectVideoFlowing(patient.page);
    await expectVideoFlowing(clinician.page);
    await expect(patient.page.locator('[data-role="call-quality"]')).not.toHaveAttribute('data-quality', 'unknown', { timeout: 15_000 });
    await screenshot(patient.page, 'visit-station-in-call-laptop');
    await screenshot(clinician.page, 'visit-clinician-in-call-laptop');
    expect(await seriousAxeViolations(patient.page)).toEqual([]);
    expect(await seriousAxeViolations(clinician.page)).toEqual([]);

    // A forwarded link seats nobody else.
    const intruder = await joinAsClinician(browser, link);
    await expect(intruder.page.locator('[data-role="call-status"]')).toContainText('already been used by someone else', { timeout: 15_000 });
    await expect(intruder.page.locator('[data-call-phase]')).toHaveAttribute('data-call-phase', 'refused');
    await intruder.context.close();
    await expect(clinician.page.locator('[data-call-phase]')).toHaveAttribute('data-call-phase', 'connected');

    // The clinician's peer connection dies (as on a network change): both sides renegotiate by themselves.
    const connectionsBefore = (await mediaFlow(clinician.page)).connections;
    await clinician.page.evaluate(() => window.__peerConnections.at(-1)?.close());
    await expect.poll(async () => (await mediaFlow(clinician.page)).connections, { timeout: 20_000 }).toBeGreaterThan(connectionsBefore);
    await expectVideoFlowing(clinician.page);
    await expectVideoFlowing(patient.page);

    // The clinician's signalling socket drops: it rejoins with its seat token and the call is renegotiated.
    const beforeSocketDrop = (await mediaFlow(patient.page)).connections;
    await clinician.page.evaluate(() => window.__sockets.at(-1)?.close());
    await expect.poll(async () => (await mediaFlow(patient.page)).connections, { timeout: 20_000 }).toBeGreaterThan(beforeSocketDrop);
    await expectVideoFlowing(patient.page);
    await expectVideoFlowing(clinician.page);

    // A reload of the clinician's tab takes the seat back (seat token in sessionStorage).
    await clinician.page.reload();
    await clinician.page.locator('[data-action="join-visit"]').click();
    await expectVideoFlowing(clinician.page);
    await expectVideoFlowing(patient.page);

    await clinician.page.locator('[data-action="toggle-mute"]').click();
    await expect(clinician.page.locator('[data-action="toggle-mute"]')).toHaveAttribute('aria-pressed', 'true');

    await patient.page.locator('[data-action="end-visit"]').click();
    await expect(clinician.page.locator('[data-role="call-status"]')).toContainText('The station ended the visit', { timeout: 15_000 });
    await expect(patient.page.locator('[data-action="close-visit"]')).toBeVisible();
    await patient.page.locator('[data-action="close-visit"]').click();
    await expect(patient.page.locator('[data-action="start-visit"]')).toBeVisible();
    await Promise.all([patient.context.close(), clinician.context.close()]);
  });

  test('a denied camera is explained with what to do next, and the visit link still works', async ({ browser }) => {
    test.setTimeout(90_000);
    const context = await browser.newContext({ viewport: VIEWPORTS.laptop, permissions: [] });
    await recordConnections(context);
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const page = await context.newPage();
    await page.goto(station.url);
    await station.signIn(page);
    await startVisitOnStation(page);
    const problem = page.locator('[data-role="media-problem"]');
    await expect(problem).toHaveAttribute('data-problem', 'denied');
    await expect(problem).toContainText('Allow the camera and microphone');
    await expect(problem.locator('[data-action="retry-media"]')).toBeVisible();
    await page.locator('[data-action="end-visit"]').click();
    await context.close();
  });
});

interface RelayOnlySetup {
  turnTtlSeconds?: number;
  maxAllocateLifetimeSeconds?: number;
}

/**
 * A visit on a relay-only consultation server with a real coturn: station and clinician joined,
 * admitted, video flowing both ways over relay/relay; `run` then does what its test is about.
 */
async function relayOnlyVisit(browser: Browser, setup: RelayOnlySetup, run: (patient: Page, clinician: Page) => Promise<void>): Promise<void> {
  const turn = await startCoturn({ maxAllocateLifetimeSeconds: setup.maxAllocateLifetimeSeconds });
  const stationKey = randomBytes(18).toString('base64url');
  const webPort = await freePort();
  let consult: Awaited<ReturnType<typeof startConsultServer>> | undefined;
  let station: WebStation | undefined;
  try {
    consult = await startConsultServer(
      [
        // --turn-secret=…: a random base64url secret starting with "-" would otherwise read as an option (1 run in 64).
        '--turn', `turn:127.0.0.1:${turn.port}?transport=udp`, `--turn-secret=${turn.secret}`, '--relay-only', '--allow-origin', `http://127.0.0.1:${webPort}`,
        ...(setup.turnTtlSeconds ? ['--turn-ttl', String(setup.turnTtlSeconds)] : []),
      ],
      { VITALBRIDGE_CONSULT_STATION_KEY: stationKey },
    );
    process.env.VITALBRIDGE_CONSULT_STATION_KEY = stationKey;
    station = await startWebStation(['--port', String(webPort), '--consult-server', consult.url]);

    const patient = await participant(browser, station.url);
    await signIn(patient.page, station.accounts);
    const link = await startVisitOnStation(patient.page);
    expect(new URL(link).origin).toBe(consult.url);
    const clinician = await joinAsClinician(browser, link);
    await expect(patient.page.locator('[data-action="admit"]')).toBeVisible({ timeout: 20_000 });
    await patient.page.locator('[data-action="admit"]').click();
    await expectVideoFlowing(patient.page, 45_000);
    await expectVideoFlowing(clinician.page, 45_000);
    for (const page of [patient.page, clinician.page]) {
      await expect.poll(async () => (await mediaFlow(page)).selectedPair).toBe('relay/relay');
    }
    await run(patient.page, clinician.page);
    await patient.page.locator('[data-action="end-visit"]').click();
    await Promise.all([patient.context.close(), clinician.context.close()]);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- consult server ---\n${consult?.output() ?? ''}\n--- station ---\n${station?.stderr() ?? ''}`);
  } finally {
    delete process.env.VITALBRIDGE_CONSULT_STATION_KEY;
    await station?.stop();
    await consult?.stop();
    await turn.stop();
  }
}

/** The local candidate of the page's current peer connection's selected pair (a relay allocation), and how many connections the page made. */
function connectionPath(page: Page): Promise<{ connections: number; localCandidate: string | null; iceState: string }> {
  return page.evaluate(async () => {
    const pc = window.__peerConnections.at(-1)!;
    const stats = [...(await pc.getStats()).values()] as (Record<string, unknown> & { type: string })[];
    const transport = stats.find((stat) => stat.type === 'transport');
    const pair = stats.find((stat) => stat.id === transport?.selectedCandidatePairId);
    const local = stats.find((stat) => stat.id === pair?.localCandidateId);
    return { connections: window.__peerConnections.length, localCandidate: local ? `${local.address}:${local.port}` : null, iceState: pc.iceConnectionState };
  });
}

test.describe('relay-only visit through coturn', () => {
  test('media flows over a TURN relay when the server demands relay only', async ({ browser }) => {
    test.setTimeout(180_000);
    await relayOnlyVisit(browser, {}, async () => undefined);
  });

  // coturn refuses an Allocate with an expired credential (turn-credentials.test.ts), so every relay
  // a call needs after its credential's expiry (an ICE restart after a network change, a new
  // candidate) needs fresh ones. (An allocation made earlier keeps being refreshed: coturn keeps the
  // key it derived at Allocate; a TURN server that re-checks the expiry on every request, as the REST
  // API draft asks, would drop it.) Credentials of 20 s, allocations of 20 s: the call outlives three
  // credentials on the same connection, moving to new relays with fresh credentials before each expires.
  // Without the renewal the call stays on its first relays and this fails on renewedAllocations.
  test('a relayed call outlives its TURN credentials: fresh ones and new relay allocations before each expires, the same connection throughout', async ({ browser }) => {
    test.setTimeout(240_000);
    await relayOnlyVisit(browser, { turnTtlSeconds: 20, maxAllocateLifetimeSeconds: 20 }, async (patient, clinician) => {
      const connections = { patient: (await connectionPath(patient)).connections, clinician: (await connectionPath(clinician)).connections };
      const relays = new Set<string>();
      const connectedAt = Date.now();
      // The call's subject is its length: three credential lifetimes on the same connection. Each renewal
      // restarts ICE onto new allocations (a new relayed address), so the addresses show it happening.
      await expect
        .poll(
          async () => {
            const path = await connectionPath(patient);
            expect(path.connections, 'the call fell back on a new peer connection (a recovery): the relay was lost').toBe(connections.patient);
            if (path.localCandidate) relays.add(path.localCandidate);
            return { outlivedThreeCredentials: Date.now() - connectedAt >= 60_000, renewedAllocations: relays.size >= 4 };
          },
          { timeout: 120_000, intervals: [1_000] },
        )
        .toEqual({ outlivedThreeCredentials: true, renewedAllocations: true });
      for (const [page, made] of [[patient, connections.patient], [clinician, connections.clinician]] as const) {
        expect(await connectionPath(page)).toMatchObject({ connections: made, iceState: expect.stringMatching(/^(connected|completed)$/) });
        await expectVideoFlowing(page, 15_000);
      }
    });
  });
});
