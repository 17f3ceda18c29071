/**
 * npm run bench:records: what recording costs. Feeds the station recorder (encrypted SQLCipher
 * database, WAL, synchronous=FULL) a synthetic load far above a real station's — numerics from many
 * devices plus 500 Hz ECG and 60 Hz pleth — and reports the sustained write rate, the time each
 * flush transaction holds the event loop (p50/p99/max), and the cost of the hot-path call (enqueue).
 * A real station emits a few numerics a second and 60–500 waveform samples a second per device.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stationReading } from '../src/shared/contract';
import { AuditLog } from '../src/node/audit/audit-log';
import { openRecordsDatabase } from '../src/node/records/database';
import { FileKeyProvider } from '../src/node/records/key-provider';
import { RecordStore } from '../src/node/records/store';
import { CurrentEncounter } from '../src/node/station/persistence/encounter';
import { StationRecorder } from '../src/node/station/persistence/station-recorder';
import { percentile } from './chromium';

const SIMULATED_SECONDS = 120;
/** BENCH_RECORDS_DEVICES=1 measures a real single-patient station; the default is a stress load. */
const DEVICES = Number(process.env.BENCH_RECORDS_DEVICES ?? 20);
/** Numerics per device per simulated second (SpO₂, pulse, PI from each oximeter, and so on). */
const READINGS_PER_DEVICE_SECOND = 3;
const ECG_HZ = 500;
const PLETH_HZ = 60;
/** Drivers hand over waveform chunks of about this length. */
const CHUNK_MS = 100;

const dataDir = await mkdtemp(join(tmpdir(), 'vitalbridge-bench-records-'));
try {
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  const store = new RecordStore(db);
  const encounter = CurrentEncounter.start(store, new AuditLog(db));
  const recorder = new StationRecorder({ store, encounter, log: (line) => process.stderr.write(`${line}\n`), flushIntervalMs: 3_600_000 });
  const flushMs: number[] = [];
  const enqueueNs: number[] = [];
  const t0 = Date.now();
  let seq = 0;
  const started = performance.now();
  for (let second = 0; second < SIMULATED_SECONDS; second++) {
    for (let chunk = 0; chunk < 1_000 / CHUNK_MS; chunk++) {
      const at = t0 + second * 1_000 + chunk * CHUNK_MS;
      for (let device = 0; device < DEVICES; device++) {
        const ecg = { deviceId: `ecg-${device}`, metric: 'ecg' as const, rateHz: ECG_HZ, startedAt: at, samples: Array.from({ length: (ECG_HZ * CHUNK_MS) / 1_000 }, (_, i) => 512 + ((i * 37) % 300)) };
        const pleth = { deviceId: `ox-${device}`, metric: 'pleth' as const, rateHz: PLETH_HZ, startedAt: at, samples: Array.from({ length: (PLETH_HZ * CHUNK_MS) / 1_000 }, (_, i) => (i * 11) % 128) };
        const before = process.hrtime.bigint();
        recorder.recordWaveform(ecg);
        recorder.recordWaveform(pleth);
        enqueueNs.push(Number(process.hrtime.bigint() - before) / 2);
      }
    }
    for (let device = 0; device < DEVICES; device++) {
      for (let n = 0; n < READINGS_PER_DEVICE_SECOND; n++) {
        const reading = stationReading({ deviceId: `ox-${device}`, metric: n % 2 ? 'pulseRate' : 'spo2', value: n % 2 ? 72 : 97, unit: n % 2 ? '/min' : '%', deviceTime: null, receivedAt: t0 + second * 1_000 + n, seq: seq++ });
        const before = process.hrtime.bigint();
        recorder.recordReading(reading);
        enqueueNs.push(Number(process.hrtime.bigint() - before));
      }
    }
    // The station flushes once a second.
    const flushStart = performance.now();
    recorder.flush();
    flushMs.push(performance.now() - flushStart);
  }
  recorder.close();
  const elapsedS = (performance.now() - started) / 1_000;
  const { readings, waveformSegments } = recorder.counts;
  const samples = SIMULATED_SECONDS * DEVICES * (ECG_HZ + PLETH_HZ);
  db.close();
  const fmt = (n: number) => n.toFixed(2);
  console.log(`load: ${DEVICES} oximeters + ${DEVICES} ECGs, ${SIMULATED_SECONDS} simulated s, ${readings} readings, ${waveformSegments} waveform segments (${samples} samples)`);
  console.log(`wall time ${fmt(elapsedS)} s → ${fmt(SIMULATED_SECONDS / elapsedS)}× real time; ${Math.round(readings / elapsedS)} readings/s and ${Math.round(samples / elapsedS)} samples/s sustained`);
  console.log(`flush (one transaction, one fsync) per simulated second: p50 ${fmt(percentile(flushMs, 50))} ms, p99 ${fmt(percentile(flushMs, 99))} ms, max ${fmt(Math.max(...flushMs))} ms`);
  console.log(`hot path (recordReading/recordWaveform enqueue): p50 ${fmt(percentile(enqueueNs, 50) / 1_000)} µs, p99 ${fmt(percentile(enqueueNs, 99) / 1_000)} µs`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
