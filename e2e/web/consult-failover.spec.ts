/**
 * A consultation-server instance crashes mid-visit (issue 17): two `start:server` instances share
 * visits through a real redis-server, behind one address (a TCP balancer standing in for the health
 * system's load balancer: stations and clinician links know one URL, not the instances). The visit
 * runs through instance A, which holds both seats, with simulated oximeter vitals flowing on the
 * data channel; A is killed with SIGKILL. Both pages' own recovery rejoins through B within 15 s
 * (A's seats are freed by its lapsed lease), the call is connected again on both sides, and the
 * clinician applied every vitals item the station numbered, in order, without a gap.
 */
import { randomBytes } from 'node:crypto';
import { startTestRedis } from '../../src/node/consult/test-redis';
import { startWebStation } from './web-station';
import { VIDEO_VISIT_LAUNCH_OPTIONS, expect, signIn, test, tile } from './fixtures';
import { expectEveryNumericDelivered, freePort, lastSeqSent, startConsultServer, trace, tracedParticipant } from './call-helpers';
import { startTcpBalancer } from './harness/tcp-balancer';

test.use({ launchOptions: VIDEO_VISIT_LAUNCH_OPTIONS });

/** Issue 17: the visit continues through the other instance within this long of the crash. */
const RECOVERY_BUDGET_MS = 15_000;

test('a crashed consultation-server instance: the visit continues through the other within 15 s, no numerics lost', async ({ browser }) => {
  test.setTimeout(180_000);
  const redis = await startTestRedis();
  const [portA, portB, webPort] = [await freePort(), await freePort(), await freePort()];
  const balancer = await startTcpBalancer([portA, portB]);
  // Same secrets on both instances: a token either one issued is good on the other.
  const env = { VITALBRIDGE_CONSULT_TOKEN_SECRET: randomBytes(32).toString('base64'), VITALBRIDGE_CONSULT_STATION_KEY: randomBytes(18).toString('base64url') };
  const instance = (port: number) =>
    startConsultServer(['--port', String(port), '--redis', redis.url, '--public-url', balancer.url, '--allow-origin', `http://127.0.0.1:${webPort}`], env);
  const instances: Awaited<ReturnType<typeof instance>>[] = [];
  let station: Awaited<ReturnType<typeof startWebStation>> | undefined;
  try {
    instances.push(await instance(portA), await instance(portB));
    const [a] = instances;
    process.env.VITALBRIDGE_CONSULT_STATION_KEY = env.VITALBRIDGE_CONSULT_STATION_KEY;
    station = await startWebStation(['--port', String(webPort), '--consult-server', balancer.url]);

    const patient = await tracedParticipant(browser, station.url, '__vitalbridgeVitalsSent');
    await signIn(patient.page, station.accounts);
    await patient.page.locator('[data-action="start-visit"]').click();
    await patient.page.locator('[data-action="consent-accept"]').click();
    const link = (await patient.page.locator('[data-role="visit-link"]').innerText({ timeout: 20_000 })).trim();
    expect(new URL(link).origin).toBe(balancer.url);
    const clinician = await tracedParticipant(browser, link, '__vitalbridgeVitalsReceived');
    await clinician.page.locator('[data-action="join-visit"]').click();
    await patient.page.locator('[data-action="admit"]').click({ timeout: 20_000 });
    const doctor = clinician.page;
    const callPhase = (page: typeof doctor) => page.locator('[data-call-phase]');
    const vitalsLink = doctor.locator('[data-role="vitals-link"]');
    await expect(vitalsLink).toHaveAttribute('data-linked', 'true', { timeout: 30_000 });
    await expect(tile(doctor, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
    for (const page of [patient.page, doctor]) await expect(callPhase(page)).toHaveAttribute('data-call-phase', 'connected');
    // A is up and first in line: it carries every connection so far, both signalling seats included.
    expect(new Set(balancer.routed)).toEqual(new Set([portA]));
    const peersBefore = await doctor.evaluate(() => window.__peerConnections.length);

    // Enough numerics on the channel before the crash that the no-loss check below has something to count.
    await expect.poll(async () => (await trace(doctor)).flatMap((item) => item.readings).length, { timeout: 20_000 }).toBeGreaterThan(10);
    const seqAtCrash = await lastSeqSent(patient.page);
    const crashedAt = Date.now();
    await a!.crash();
    // Recovered: both pages connected again over a fresh peer connection, negotiated through B, and
    // vitals numbered after the crash applied at the clinician.
    await expect
      .poll(
        async () => {
          const [stationPhase, doctorPhase, linked, peers] = await Promise.all([
            callPhase(patient.page).getAttribute('data-call-phase'),
            callPhase(doctor).getAttribute('data-call-phase'),
            vitalsLink.getAttribute('data-linked'),
            doctor.evaluate(() => window.__peerConnections.length),
          ]);
          return stationPhase === 'connected' && doctorPhase === 'connected' && linked === 'true' && peers > peersBefore;
        },
        { timeout: RECOVERY_BUDGET_MS + 5_000 },
      )
      .toBe(true);
    const recoveredAfterMs = Date.now() - crashedAt;
    test.info().annotations.push({ type: 'recovered after', description: `${recoveredAfterMs} ms` });
    expect(recoveredAfterMs).toBeLessThanOrEqual(RECOVERY_BUDGET_MS);
    expect(balancer.routed).toContain(portB);

    await expectEveryNumericDelivered(doctor, patient.page, seqAtCrash);
    await expect(tile(doctor, 'spo2')).toHaveAttribute('data-state', 'live');

    await patient.page.locator('[data-action="end-visit"]').click();
    await Promise.all([patient.context.close(), clinician.context.close()]);
  } catch (error) {
    const logs = instances.map((server, index) => `--- consult server ${'AB'[index]} ---\n${server.output()}`).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs}\n--- station ---\n${station?.stderr() ?? ''}`);
  } finally {
    delete process.env.VITALBRIDGE_CONSULT_STATION_KEY;
    await station?.stop();
    for (const server of instances) await server.stop();
    await balancer.stop();
    await redis.stop();
  }
});
