/**
 * npm run bench:latency [-- --smoke]: how long a device report takes from entering the hub to the display frame
 * that shows it in the renderer (web mode in Chromium), under the simulator's 60 Hz pleth plus a
 * synthetic 500 Hz ECG. The baseline, measured in the same run on the same reports, is the
 * transport-to-core time: from the report leaving the device transport (DeviceIo.read resolving) to
 * the hub stamping it. Prints p50/p99 of both, their ratio, and the stages in between.
 */
import { join, resolve } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import type { StationReading } from '../src/shared/contract';
import { PeripheralHub } from '../src/node/hub/hub';
import { FrameBatcher } from '../src/node/station/frame-batcher';
import { createSimulator } from '../src/node/simulator';
import { ensureRendererBuild } from '../src/node/web/renderer-build';
import { fixedActorScreen } from '../src/node/station/access/fixed-actor-screen';
import { standInHandlers } from '../src/node/station/stand-in-handlers';
import { startWebHost } from '../src/node/web/web-host';
import type { FrameShownReport } from '../src/renderer/station/display-loop';
import { launchChromium, percentile } from './chromium';
import { smokeOr } from './smoke';
import { SYNTHETIC_ECG_DRIVER_ID, SyntheticEcgSource, syntheticEcgManifest } from './synthetic-ecg';

const WARM_UP_MS = smokeOr(3_000, 1_000);
/** Long enough for 240 heart-rate reports, so p99 is the third worst rather than simply the worst of a handful. */
const MEASURE_MS = smokeOr(60_000, 3_000);
const FRAME_MS = 1000 / 60;
const CLOCK_RESOLUTION_MS = 1;
/** The benchmark measures the data path, not sign-in: its screen is this nurse, already signed in. */
const BENCH_NURSE = { id: 'bench-nurse', name: 'Benchmark nurse', role: 'nurse' } as const;

interface Shown {
  deviceId: string;
  seq: number;
  receivedAt: number;
  arrivedAt: number;
  shownAt: number;
}

declare global {
  interface Window {
    __latencySamples?: Shown[];
  }
}

async function main(): Promise<void> {
  const projectRoot = resolve(import.meta.dirname, '..');
  const rendererDir = join(projectRoot, 'out', 'renderer');
  await ensureRendererBuild({ projectRoot, outDir: rendererDir }, (line) => console.error(line));

  const simulator = createSimulator({ seed: 1 });
  const ecg = new SyntheticEcgSource();
  const hub = new PeripheralHub({ sources: [simulator.source, ecg], drivers: [...simulator.manifests, syntheticEcgManifest], pollIntervalMs: 2_000, log: () => undefined });
  const batcher = new FrameBatcher({});
  const transportToCore = new Map<number, number>();
  let measuring = false;
  hub.on('devices', (devices) => batcher.pushDevices(devices));
  hub.on('waveform', (batch) => batcher.pushWaveform(batch));
  hub.on('reading', (reading: StationReading) => {
    batcher.pushReading(reading);
    if (!isSynthetic(hub, reading)) return;
    const deliveredAt = ecg.heartRateDeliveries.shift();
    if (measuring && deliveredAt !== undefined) transportToCore.set(reading.seq, reading.receivedAt - deliveredAt);
  });
  await hub.start();
  batcher.pushDevices(hub.devices());
  const dataDir = await mkdtemp(join(tmpdir(), 'vitalbridge-bench-'));
  const web = await startWebHost({
    host: {
      handlers: standInHandlers({
        getAccessState: () => ({ needsEnrolment: false, user: { userId: BENCH_NURSE.id, username: BENCH_NURSE.name, role: BENCH_NURSE.role, locked: false, patientScope: null }, inactivityLockMs: 3_600_000, kiosk: { enabled: false, visitOpen: false } }),
        getSnapshot: () => ({ devices: hub.devices(), latest: hub.latest(), now: Date.now() }),
        requestMeasurement: ({ deviceId }) => {
          hub.requestMeasurement(deviceId);
          return undefined;
        },
      }),
      subscribe: (sink) => batcher.subscribe(sink),
      openScreen: () => fixedActorScreen(BENCH_NURSE),
    },
    rendererDir,
    port: 0,
    connectSources: [],
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.addInitScript(() => {
      window.__latencySamples = [];
      window.__vitalbridgeFrameShown = (report: FrameShownReport) => {
        for (const frame of report.frames) {
          for (const reading of frame.readings) {
            // Wall-clock times: the page and the core share this host's clock.
            window.__latencySamples!.push({ deviceId: reading.deviceId, seq: reading.seq, receivedAt: reading.receivedAt, arrivedAt: frame.arrivedAtWallClock, shownAt: report.shownAtWallClock });
          }
        }
      };
    });
    await page.goto(web.url);
    await page.locator('[data-metric="heartRate"][data-state="live"]').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(WARM_UP_MS);
    await page.evaluate(() => (window.__latencySamples = []));
    const loadBefore = loadavg()[0]!;
    measuring = true;
    await page.waitForTimeout(MEASURE_MS);
    measuring = false;
    const loadAfter = loadavg()[0]!;
    const shown = await page.evaluate(() => window.__latencySamples ?? []);
    report(shown.filter((sample) => transportToCore.has(sample.seq) && isSyntheticId(hub, sample.deviceId)), transportToCore);
    // The figures mean little without the machine's state: other work competing for its cores stretches the tails.
    console.log(`Machine load (1-minute average) ${loadBefore.toFixed(2)} at the start, ${loadAfter.toFixed(2)} at the end of the measurement, on ${cpus().length} cores.`);
  } finally {
    await browser.close();
    await web.close();
    simulator.stop();
    batcher.close();
    await hub.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function isSyntheticId(hub: PeripheralHub, deviceId: string): boolean {
  return hub.devices().some((device) => device.id === deviceId && device.driverId === SYNTHETIC_ECG_DRIVER_ID);
}
function isSynthetic(hub: PeripheralHub, reading: StationReading): boolean {
  return reading.metric === 'heartRate' && isSyntheticId(hub, reading.deviceId);
}

function report(shown: Shown[], transportToCore: Map<number, number>): void {
  if (shown.length === 0) throw new Error('no heart-rate report was seen on screen; is the renderer hook wired?');
  const baseline = shown.map((sample) => transportToCore.get(sample.seq)!);
  const endToEnd = shown.map((sample) => sample.shownAt - sample.receivedAt);
  const toRenderer = shown.map((sample) => sample.arrivedAt - sample.receivedAt);
  const onScreen = shown.map((sample) => sample.shownAt - sample.arrivedAt);
  const row = (label: string, values: number[]) =>
    console.log(`${label.padEnd(44)} ${percentile(values, 50).toFixed(1).padStart(7)} ${percentile(values, 99).toFixed(1).padStart(7)}`);
  console.log(`Load: simulator (60 Hz pleth, oximeter numerics) + synthetic 500 Hz ECG; ${shown.length} heart-rate reports over ${MEASURE_MS / 1000} s`);
  console.log(`${'stage (ms)'.padEnd(44)} ${'p50'.padStart(7)} ${'p99'.padStart(7)}`);
  row('baseline: device transport -> hub', baseline);
  row('hub -> frame showing it (end to end)', endToEnd);
  row('  of which hub -> renderer receives it', toRenderer);
  row('  of which renderer receives -> frame shown', onScreen);
  const p99Baseline = percentile(baseline, 99);
  const p99EndToEnd = percentile(endToEnd, 99);
  // The hub stamps whole milliseconds, so a baseline below that counts as one millisecond.
  const ratio = (p: number) => percentile(endToEnd, p) / Math.max(percentile(baseline, p), CLOCK_RESOLUTION_MS);
  console.log(`ratio end-to-end / baseline (baseline floored at the ${CLOCK_RESOLUTION_MS} ms clock resolution): p50 ${ratio(50).toFixed(0)}×, p99 ${ratio(99).toFixed(0)}×`);
  const margin = p99EndToEnd - p99Baseline;
  console.log(`p99 end-to-end exceeds p99 baseline by ${margin.toFixed(1)} ms (goal ≤ ${FRAME_MS.toFixed(1)} ms): ${margin <= FRAME_MS ? 'goal met' : 'goal NOT met'}.`);
  console.log(
    [
      'Interpretation: the baseline is what reaching the station core costs anyway (transport to hub, same reports, same run);',
      'the end-to-end figure adds batching, the WebSocket, the renderer and the wait for its next display frame.',
      'A numeric leaves the batcher at the end of the turn it arrived in, even under the continuous waveform load, so',
      `hub -> renderer is the WebSocket and parsing; the wait for the display frame is up to one frame (${FRAME_MS.toFixed(1)} ms),`,
      'since a value is only on screen once a frame paints it, and sets the floor of the p99 margin. Anything above the goal',
      'is time the core or the page spent waiting for a CPU: compare the machine load below.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
