/**
 * npm run bench:sync [-- --smoke]: a station back online after days offline. One oximeter's
 * backlog (SpO₂ and pulse once a second, or every 5 s for the week, each up to 200 ms off as a
 * real one's are) plus spot measurements (blood pressure and temperature four times a day) is flushed by the
 * station's sync thread (SyncThread), as the station does, to a FHIR server in a process of its own
 * (bench/fhir-server-process.ts), so the server's work does not count against the station's loop:
 *  1. the test FHIR server (Medplum's router with its in-memory repository, validating every
 *     resource), 3 hours at per-minute summaries, batches of 8 entries (Medplum takes no more
 *     conditional creates in one): proof that what is sent is stored, once;
 *  2. the identifier-keeping sink (bench/fhir-sink.ts), 7 days at per-minute summaries, and
 *  3. the sink, 1 day at "all readings", both with the default batches of 500: the station's own
 *     cost. Medplum's in-memory repository searches everything it holds for each conditional
 *     create, so a week to it would take hours and measure the test server, not the station.
 * Printed for each: readings and outbox items, time to flush, resources the server holds and per
 * second, and the station's event-loop delay (perf_hooks monitorEventLoopDelay) during the flush
 * against the idle loop measured just before it. Goal: a week flushed in under 60 s, p99 within
 * 5 ms of idle. `--smoke`: 20 min, 1 hour and 10 min, seconds in all.
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { openRecordsDatabase } from '../src/node/records/database';
import { FileKeyProvider } from '../src/node/records/key-provider';
import { RecordStore } from '../src/node/records/store';
import { tempDataDir } from '../src/node/records/test-support';
import { DEFAULT_SETTINGS, type StationSettings } from '../src/node/settings/schema';
import { Outbox } from '../src/node/sync/outbox';
import { SyncThread } from '../src/node/sync/sync-thread';
import { SMOKE, smokeOr } from './smoke';

const SPOTS_EVERY_MINUTES = 6 * 60;
const IDLE_MS = smokeOr(5_000, 1_000);
/** How often the bench (like a Sync panel) asks the status while flushing. */
const STATUS_EVERY_MS = 250;

interface Scenario {
  server: 'test FHIR server' | 'sink';
  minutes: number;
  /** The oximeter's reading interval. */
  readingEveryMs: number;
  volume: StationSettings['fhirServer']['volume'];
  maxEntries: number;
}

const SCENARIOS: Scenario[] = [
  { server: 'test FHIR server', minutes: smokeOr(3 * 60, 20), readingEveryMs: 1_000, volume: 'minute-summaries', maxEntries: 8 },
  // Every 5 s, not every second: the same 20,160 summaries, but the week's 1.2 million readings
  // would take the records ~15 minutes to write before the flush could start.
  { server: 'sink', minutes: smokeOr(7 * 24 * 60, 60), readingEveryMs: 5_000, volume: 'minute-summaries', maxEntries: 500 },
  { server: 'sink', minutes: smokeOr(24 * 60, 10), readingEveryMs: 1_000, volume: 'all-readings', maxEntries: 500 },
];

async function stationWithBacklog({ minutes, readingEveryMs }: Scenario): Promise<string> {
  const dataDir = tempDataDir();
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  const store = new RecordStore(db);
  const patient = store.createPatient({ givenName: 'Bench', familyName: 'Patient', birthDate: '1950-01-01', gender: 'female', identifier: null });
  // Whole minutes, so the last summary is due when the flush starts.
  const start = Math.floor(Date.now() / 60_000) * 60_000 - (minutes + 2) * 60_000;
  db.transaction(() => {
    for (let minute = 0; minute < minutes; minute += 1) {
      const minuteStart = start + minute * 60_000;
      for (let at = 0; at < 60_000; at += readingEveryMs) {
        const second = minute * 60 + at / 1_000;
        const oximeter = { deviceId: 'ox-1', deviceTime: null, receivedAt: minuteStart + at + ((second * 37) % 200), source: 'pulse-oximeter' } as const;
        store.recordReading(patient.id, null, { ...oximeter, metric: 'spo2', unit: '%', value: 93 + (second % 5) });
        store.recordReading(patient.id, null, { ...oximeter, metric: 'pulseRate', unit: '/min', value: 70 + (second % 15) });
      }
      if (minute % SPOTS_EVERY_MINUTES !== 0) continue;
      const cuff = { deviceId: 'cuff-1', unit: 'mm[Hg]', deviceTime: null, receivedAt: minuteStart, source: 'blood-pressure-cuff', measurementId: `bp-${minute}` } as const;
      store.recordReading(patient.id, null, { ...cuff, metric: 'systolic', value: 125 + (minute % 9) });
      store.recordReading(patient.id, null, { ...cuff, metric: 'diastolic', value: 80 + (minute % 7) });
      store.recordReading(patient.id, null, { deviceId: 'thermo-1', deviceTime: null, receivedAt: minuteStart, metric: 'bodyTemperature', unit: 'Cel', value: 36.8 });
    }
  })();
  db.close();
  return dataDir;
}

function startServer(kind: Scenario['server']) {
  const args = ['--import', 'tsx', new URL('./fhir-server-process.ts', import.meta.url).pathname, ...(kind === 'sink' ? ['--sink'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value);
  return {
    baseUrl: next(),
    async counts(): Promise<Record<string, number>> {
      child.stdin.write('count\n');
      return JSON.parse(await next()) as Record<string, number>;
    },
    stop: () => new Promise<void>((resolve) => child.once('exit', () => resolve()).kill('SIGTERM')),
  };
}

/** The event loop's delay (ms) over `run`. */
async function loopDelay(run: () => Promise<void>) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  await run();
  histogram.disable();
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
}

async function measure(scenario: Scenario): Promise<void> {
  const prepared = performance.now();
  const dataDir = await stationWithBacklog(scenario);
  const prepareMs = performance.now() - prepared;
  const server = startServer(scenario.server);
  const baseUrl = await server.baseUrl;
  const keyProvider = new FileKeyProvider(dataDir);
  const keys = { data: (await keyProvider.getDataKey({ create: false }))!, audit: (await keyProvider.auditKeyProvider().getDataKey({ create: true }))!, sync: new Uint8Array(0) };
  const db = await openRecordsDatabase({ dataDir, keyProvider });
  const outbox = new Outbox(db);
  const items = outbox.counts().waiting;
  const readings = db.prepare('SELECT count(*) FROM readings').pluck().get() as number;

  const idle = await loopDelay(() => sleep(IDLE_MS));
  let flushMs = 0;
  const fhirServer = { ...DEFAULT_SETTINGS.fhirServer, baseUrl, auth: 'none' as const, maxEntries: scenario.maxEntries, volume: scenario.volume };
  const flushing = await loopDelay(async () => {
    const started = performance.now();
    const sync = new SyncThread({ dataDir, keys, env: {}, fhirServer, patientIdentifierSystem: null, careSetting: 'station', locale: null, outbox, log: (line) => console.warn(line) });
    for (;;) {
      const status = sync.status();
      if (status.problem) throw new Error(status.problem);
      if (status.parked > 0) throw new Error(`the ${scenario.server} refused ${status.parked} items: ${JSON.stringify(outbox.parked().slice(0, 3))}`);
      if (status.waiting + status.inFlight === 0) break;
      await sleep(STATUS_EVERY_MS);
    }
    flushMs = performance.now() - started;
    await sync.close();
  });
  const counts = await server.counts();
  const resources = Object.values(counts).reduce((sum, count) => sum + count, 0);
  db.close();
  await server.stop();

  const span = scenario.minutes >= 1440 ? `${scenario.minutes / 1440} d` : scenario.minutes >= 60 ? `${scenario.minutes / 60} h` : `${scenario.minutes} min`;
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  console.log(`\n${span} to the ${scenario.server}, volume ${scenario.volume}, batches of ${scenario.maxEntries}: ${readings} readings (SpO₂ and pulse every ${scenario.readingEveryMs / 1000} s; written in ${(prepareMs / 1000).toFixed(1)} s), ${items} outbox items`);
  console.log(`  flush: ${(flushMs / 1000).toFixed(1)} s, server holds ${resources} resources ${JSON.stringify(counts)}, ${(resources / (flushMs / 1000)).toFixed(0)} resources/s`);
  console.log(`  event-loop delay idle:     p50 ${ms(idle.p50)}, p99 ${ms(idle.p99)}, max ${ms(idle.max)} (${IDLE_MS / 1000} s)`);
  console.log(`  event-loop delay flushing: p50 ${ms(flushing.p50)}, p99 ${ms(flushing.p99)}, max ${ms(flushing.max)} (p99 ${ms(flushing.p99 - idle.p99)} over idle)`);
}

console.log(`bench:sync${SMOKE ? ' --smoke (figures mean nothing)' : ''}: one oximeter's SpO₂ and pulse + spot BP and temperature every ${SPOTS_EVERY_MINUTES / 60} h`);
for (const scenario of SCENARIOS) await measure(scenario);
