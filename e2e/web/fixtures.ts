/** Playwright setup shared by the web-mode tests: Debian Chromium, and helpers for the page hooks. */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { WEB_SOCKET_PATH } from '../../src/shared/contract';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from '../chromium-flags';
import type { StaffRole, StationAccount } from './accounts';
import { signIn } from './sign-in';
import { startWebStation, type WebStation, type WebStationSetup } from './web-station';

export const SCREEN_DIR = resolve(import.meta.dirname, '..', '..', 'test-results', 'screens');
export const VIEWPORTS = { kiosk: { width: 1920, height: 1080 }, laptop: { width: 1366, height: 768 } } as const;

/** The three sizes every new screen is looked at in (screenshotsAt), the smallest first. */
export const REVIEW_SIZES = [
  ['1024x768', { width: 1024, height: 768 }],
  ['1366x768', VIEWPORTS.laptop],
  ['1920x1080', VIEWPORTS.kiosk],
] as const;

/** Debian's Chromium with the flags this headless host needs, whichever config runs the files. */
export const test = base.extend({
  launchOptions: [
    { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    { scope: 'worker' },
  ],
});
export { expect };
export { signIn, signInAs, signInForm, signedInUser, submitSignIn } from './sign-in';

/** For `test.use` in the video-visit specs: fake camera and microphone, and video that plays without a click. */
export const VIDEO_VISIT_LAUNCH_OPTIONS = {
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS, '--autoplay-policy=no-user-gesture-required'],
};

/** A station as the tests use it: its address, its data folder, and sign-in of fresh accounts. */
export interface StationUnderTest extends Pick<WebStation, 'url' | 'dataDir' | 'accounts'> {
  /** Signs a fresh account of `role` (nurse by default) in at the page's sign-in form; see signIn. */
  signIn(page: Page, role?: StaffRole): Promise<StationAccount>;
}

/**
 * Starts web mode before the first test of the enclosing file or describe block and stops it after
 * the last. The returned station is readable once the tests run.
 */
export function useWebStation(extraArgs: readonly string[] = [], setup: WebStationSetup = {}): StationUnderTest {
  let station: WebStation | undefined;
  test.beforeAll(async () => {
    test.setTimeout(150_000);
    station = await startWebStation(extraArgs, setup);
  });
  // A failure on the page is often explained by the station's own log (a fault, a crash), and by
  // what each page showed. Playwright's own page snapshot of a timed-out test (error-context.md) is
  // taken only after the afterAll below has stopped the station, so it always reads "Lost the
  // connection to the station" (issue 10 item 12 was misdiagnosed from it): these are taken now,
  // with the station still running.
  test.afterEach(async ({ browser }) => {
    const info = test.info();
    if (!station || info.status === info.expectedStatus) return;
    await info.attach('station stderr', { body: station.stderr(), contentType: 'text/plain' });
    const pages = browser.contexts().flatMap((context) => context.pages());
    for (const [index, page] of pages.entries()) {
      // A page may close meanwhile (axe's own, the test's code still running after a timeout).
      const snapshot = await page.locator('body').ariaSnapshot({ timeout: 5_000 }).catch((error: unknown) => `(no snapshot: ${String(error)})`);
      const title = await page.title().catch(() => 'closed');
      // Named by title, not address: the address carries the station's or the visit's secrets.
      await info.attach(`page ${index + 1} at the failure (${title})`, { body: snapshot, contentType: 'text/yaml' });
    }
  });
  test.afterAll(async () => {
    await station?.stop();
  });
  const started = (): WebStation => {
    if (!station) throw new Error('the web station is read before its beforeAll hook started it');
    return station;
  };
  return {
    get url() {
      return started().url;
    },
    get dataDir() {
      return started().dataDir;
    },
    get accounts() {
      return started().accounts;
    },
    signIn: (page, role) => signIn(page, started().accounts, role),
  };
}

/** What the station told a page over one contract socket: events by name, answers by the method asked. */
export type ContractMessage = { socket: number } & ({ kind: 'event'; event: string } | { kind: 'result'; method: string; ok: boolean; code: string | null });

/**
 * Records every message the station sends over the page's contract sockets (the app's own first,
 * then any other the page opens), with the method each answer belongs to. Call before the page
 * loads.
 */
export function watchContract(page: Page): ContractMessage[] {
  const messages: ContractMessage[] = [];
  let sockets = 0;
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).pathname !== WEB_SOCKET_PATH) return;
    const socket = sockets++;
    const methods = new Map<unknown, string>();
    const parse = (payload: string | Buffer): Record<string, unknown> | null => {
      try {
        const message: unknown = JSON.parse(payload.toString());
        return typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : null;
      } catch {
        return null;
      }
    };
    ws.on('framesent', ({ payload }) => {
      const message = parse(payload);
      if (message?.type === 'invoke') methods.set(message.id, String(message.method));
    });
    ws.on('framereceived', ({ payload }) => {
      const message = parse(payload);
      if (message?.type === 'event') messages.push({ socket, kind: 'event', event: String(message.event) });
      if (message?.type === 'result') {
        const error = message.error as { code?: unknown } | undefined;
        messages.push({ socket, kind: 'result', method: methods.get(message.id) ?? 'unknown', ok: message.ok === true, code: error ? String(error.code) : null });
      }
    });
  });
  return messages;
}

/** How many `event` messages arrived on `socket` (the app's own by default) after position `from`. */
export const eventsSince = (messages: readonly ContractMessage[], event: string, from = 0, socket = 0): number =>
  messages.slice(from).filter((message) => message.socket === socket && message.kind === 'event' && message.event === event).length;

/** The answers to `method` on `socket` (the app's own by default), oldest first. */
export const answersTo = (messages: readonly ContractMessage[], method: string, socket = 0) =>
  messages.filter((message): message is Extract<ContractMessage, { kind: 'result' }> => message.socket === socket && message.kind === 'result' && message.method === method);

export const tile = (page: Page, metric: string) => page.locator(`[data-metric="${metric}"]`);
export const tileValue = (page: Page, metric: string) => tile(page, metric).locator('[data-role="value"]');

/** A fingerprint of the pleth canvas pixels, to see the trace move. */
export function canvasFingerprint(page: Page, metric: string): Promise<string> {
  return page.locator(`canvas[data-waveform="${metric}"]`).evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context || canvas.width === 0) return 'empty';
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let hash = 0;
    let lit = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i]! > 0) lit++;
      hash = (hash * 31 + data[i]!) | 0;
    }
    return `${lit}:${hash}`;
  });
}

/** Serious and critical axe findings, each as "rule: target". */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREEN_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREEN_DIR, `${name}.png`) });
}

/** A screenshot of the page at each size (`<name>-<size>`), then back at the first size, which must have no serious or critical axe finding. */
export async function screenshotsAt(page: Page, name: string, sizes: readonly (readonly [string, { width: number; height: number }])[]): Promise<void> {
  for (const [size, viewport] of sizes) {
    await page.setViewportSize(viewport);
    await screenshot(page, `${name}-${size}`);
  }
  await page.setViewportSize(sizes[0]![1]);
  expect(await seriousAxeViolations(page)).toEqual([]);
}

/** A page in a browser context of its own, at laptop size, camera and microphone allowed, opened at `url`. */
export async function openVisitPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORTS.laptop, permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/**
 * The person signed in at `stationPage` starts a video visit with the patient's consent; the
 * clinician opens the link in a page of their own, joins and is admitted. Returns the clinician's
 * page once the vitals link is up.
 */
export async function startVisitWithClinician(browser: Browser, stationPage: Page): Promise<Page> {
  await stationPage.locator('[data-action="start-visit"]').click();
  await stationPage.locator('[data-action="consent-accept"]').click();
  const link = (await stationPage.locator('[data-role="visit-link"]').innerText({ timeout: 20_000 })).trim();
  const doctor = await openVisitPage(browser, link);
  await doctor.locator('[data-action="join-visit"]').click();
  await stationPage.locator('[data-action="admit"]').click({ timeout: 20_000 });
  await expect(doctor.locator('[data-role="vitals-link"]')).toHaveAttribute('data-linked', 'true', { timeout: 30_000 });
  return doctor;
}
