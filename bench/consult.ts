/**
 * npm run bench:consult [-- --smoke]: how long a live reading takes from the station core (the hub stamping it)
 * to the clinician's page in a video visit: web mode with the simulated peripherals, the station's
 * page publishing over the call's data channel, the clinician's page applying it (and the display
 * frame that first shows it). The baseline, measured in the same run between the same two pages,
 * is a bare RTCDataChannel carrying a message of the same size at the same time.
 *
 * Everything runs on this host, so the core's stamps and both pages share one wall clock.
 * The signalling server's own load figures come from `npm run bench:signalling`.
 */
import type { Page } from 'playwright-core';
import type { ItemBody } from '../src/shared/consult/vitals-protocol';
import type { FrameShownReport } from '../src/renderer/station/display-loop';
import { startWebStation } from '../e2e/web/web-station';
import { signIn } from '../e2e/web/sign-in';
import { launchChromium, percentile } from './chromium';
import { smokeOr } from './smoke';

const WARM_UP_MS = smokeOr(3_000, 1_000);
const MEASURE_MS = smokeOr(30_000, 2_000);
/** The bare channel's message rate and size: about what the vitals link sends per reading item. */
const BASELINE_INTERVAL_MS = 100;
const BASELINE_MESSAGE_CHARS = 420;
const CLOCK_RESOLUTION_MS = 1;
/**
 * Fake camera and microphone; and no background throttling: in a real visit each page is the visible
 * window of its own machine, while here both share one headless browser.
 */
const BROWSER_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

interface Sample {
  receivedAt: number;
  appliedAt: number;
}

declare global {
  interface Window {
    __consultBench: { applied: Sample[]; shown: number[]; bare: number[] };
    __bareChannel?: RTCDataChannel;
  }
}

async function main(): Promise<void> {
  const station = await startWebStation();
  const browser = await launchChromium(BROWSER_ARGS);
  try {
    const stationContext = await browser.newContext({ viewport: { width: 1366, height: 768 }, permissions: ['camera', 'microphone'] });
    const clinicianContext = await browser.newContext({ viewport: { width: 1366, height: 768 }, permissions: ['camera', 'microphone'] });
    await clinicianContext.addInitScript(() => {
      window.__consultBench = { applied: [], shown: [], bare: [] };
      window.__vitalbridgeVitalsReceived = (_seq: number, body: ItemBody) => {
        if (body.kind !== 'readings') return;
        const appliedAt = Date.now();
        for (const reading of body.readings) if (reading.provenance === 'live') window.__consultBench.applied.push({ receivedAt: reading.receivedAt, appliedAt });
      };
      window.__vitalbridgeFrameShown = (report: FrameShownReport) => {
        for (const frame of report.frames) for (const reading of frame.readings) window.__consultBench.shown.push(report.shownAtWallClock - reading.receivedAt);
      };
    });
    const stationPage = await stationContext.newPage();
    await stationPage.goto(station.url);
    await signIn(stationPage, station.accounts);
    await stationPage.locator('[data-action="start-visit"]').click();
    await stationPage.locator('[data-action="consent-accept"]').click();
    const link = (await stationPage.locator('[data-role="visit-link"]').innerText({ timeout: 20_000 })).trim();
    const clinicianPage = await clinicianContext.newPage();
    await clinicianPage.goto(link);
    await clinicianPage.locator('[data-action="join-visit"]').click();
    await stationPage.locator('[data-action="admit"]').click({ timeout: 20_000 });
    await clinicianPage.locator('[data-role="vitals-link"][data-linked="true"]').waitFor({ timeout: 30_000 });
    await clinicianPage.locator('[data-metric="spo2"][data-state="live"]').waitFor({ timeout: 30_000 });

    const hidden = await Promise.all([stationPage, clinicianPage].map((page) => page.evaluate(() => document.visibilityState)));
    if (hidden.some((state) => state !== 'visible')) throw new Error(`both pages must be visible to measure (${hidden.join(', ')})`);
    await connectBareChannel(stationPage, clinicianPage);
    await clinicianPage.waitForTimeout(WARM_UP_MS);
    await clinicianPage.evaluate(() => (window.__consultBench = { applied: [], shown: [], bare: [] }));
    const stopBaseline = await stationPage.evaluateHandle(
      ({ interval, size }) => {
        const padding = 'x'.repeat(size);
        const timer = setInterval(() => window.__bareChannel!.send(JSON.stringify({ sentAt: Date.now(), padding })), interval);
        return () => clearInterval(timer);
      },
      { interval: BASELINE_INTERVAL_MS, size: BASELINE_MESSAGE_CHARS },
    );
    await clinicianPage.waitForTimeout(MEASURE_MS);
    await stopBaseline.evaluate((stop) => stop());
    const results = await clinicianPage.evaluate(() => window.__consultBench);
    const dropped = await stationPage.locator('[data-role="vitals-sharing"]').getAttribute('data-waveform-dropped');
    report(results, Number(dropped ?? 0));
    await stationPage.locator('[data-action="end-visit"]').click();
  } finally {
    await browser.close();
    await station.stop();
  }
}

/** A second, bare peer connection between the two pages, signalled through this process (no trickle). */
async function connectBareChannel(stationPage: Page, clinicianPage: Page): Promise<void> {
  const offer = await stationPage.evaluate(async () => {
    const pc = new RTCPeerConnection();
    window.__bareChannel = pc.createDataChannel('bare');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((done) => (pc.iceGatheringState === 'complete' ? done() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done())));
    (window as unknown as { __barePc: RTCPeerConnection }).__barePc = pc;
    return pc.localDescription!.toJSON();
  });
  const answer = await clinicianPage.evaluate(async (remote) => {
    const pc = new RTCPeerConnection();
    pc.addEventListener('datachannel', ({ channel }) => {
      channel.addEventListener('message', ({ data }) => window.__consultBench.bare.push(Date.now() - (JSON.parse(String(data)) as { sentAt: number }).sentAt));
    });
    await pc.setRemoteDescription(remote);
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((done) => (pc.iceGatheringState === 'complete' ? done() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done())));
    (window as unknown as { __barePc: RTCPeerConnection }).__barePc = pc;
    return pc.localDescription!.toJSON();
  }, offer);
  await stationPage.evaluate(async (remote) => {
    await (window as unknown as { __barePc: RTCPeerConnection }).__barePc.setRemoteDescription(remote);
    const channel = window.__bareChannel!;
    if (channel.readyState !== 'open') await new Promise((done) => channel.addEventListener('open', done, { once: true }));
  }, answer);
}

function report(results: Window['__consultBench'], waveformChunksDropped: number): void {
  const applied = results.applied.map((sample) => sample.appliedAt - sample.receivedAt);
  if (applied.length === 0 || results.bare.length === 0) throw new Error('no samples: is the visit connected and are the page hooks wired?');
  const row = (label: string, values: readonly number[]) =>
    console.log(`${label.padEnd(52)} ${String(values.length).padStart(6)} ${percentile(values, 50).toFixed(1).padStart(7)} ${percentile(values, 99).toFixed(1).padStart(7)}`);
  console.log(`Load: web mode with the simulated peripherals (60 Hz pleth waveform on the same channel, oximeter numerics), video both ways; ${MEASURE_MS / 1000} s`);
  console.log(`${'path (ms, wall clock shared by core and pages)'.padEnd(52)} ${'n'.padStart(6)} ${'p50'.padStart(7)} ${'p99'.padStart(7)}`);
  row('baseline: bare RTCDataChannel station page -> clinician page', results.bare);
  row('core (hub) -> clinician page applies the reading', applied);
  row('core (hub) -> clinician display frame showing it', results.shown);
  const ratio = (values: readonly number[], p: number) => percentile(values, p) / Math.max(percentile(results.bare, p), CLOCK_RESOLUTION_MS);
  console.log(`ratio applied / baseline (baseline floored at ${CLOCK_RESOLUTION_MS} ms): p50 ${ratio(applied, 50).toFixed(1)}×, p99 ${ratio(applied, 99).toFixed(1)}×`);
  console.log(`ratio shown / baseline: p50 ${ratio(results.shown, 50).toFixed(1)}×, p99 ${ratio(results.shown, 99).toFixed(1)}×`);
  console.log(`waveform chunks dropped under backpressure (channel buffer over its limit) during the visit: ${waveformChunksDropped}`);
  console.log(
    [
      'Interpretation: the baseline is what the data channel between these two pages costs by itself, same messages, same time.',
      "The vitals path adds the core's frame batching (up to one 16 ms frame), the station page's WebSocket, JSON and",
      "zod validation at both ends, and for 'shown' the wait for the clinician's next display frame.",
      'Signalling load (visits joining, relay latency, Redis fan-out) is measured separately: npm run bench:signalling.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
