/**
 * npm run bench:records [-- --smoke]: what recording costs the station's event loop. Feeds the station recorder
 * (encrypted SQLCipher database, WAL, synchronous=FULL) a synthetic load far above a real station's
 * — numerics from many devices plus 500 Hz ECG and 60 Hz pleth — paced at SPEEDUP× real time, so
 * the recorder flushes on its own interval as in the station, twice on fresh databases:
 *  - before (the baseline, kept here only): each batch written on the main thread, in the call;
 *  - after: each batch handed to the recorder's worker thread (RecorderThread), as the station does.
 * A third run that discards the batches gives the floor the load generator itself sets.
 * For each it reports the main-thread cost per flush (how long handing over a batch holds the event
 * loop), the event loop's delay (perf_hooks monitorEventLoopDelay over the whole run), the time to
 * commit and the share of wall time spent committing, and the hot-path enqueue cost.
 * A real station emits a few numerics a second and 60–500 waveform samples a second per device.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { stationReading } from '../src/shared/contract';
import { openAuditLog } from '../src/node/audit/audit-log';
import { openRecordsDatabase } from '../src/node/records/database';
import { RecordStore } from '../src/node/records/store';
import { newKeyProvider } from '../src/node/records/test-support';
import { CurrentEncounter } from '../src/node/station/persistence/encounter';
import { type BatchWriter, writeBatch } from '../src/node/station/persistence/recorder-batch';
import { RecorderThread } from '../src/node/station/persistence/recorder-thread';
import { StationRecorder } from '../src/node/station/persistence/station-recorder';
import { percentile } from './chromium';
import { smokeOr } from './smoke';

const SIMULATED_SECONDS = smokeOr(120, 10);
/** Simulated time runs this much faster than the wall clock; the recorder flushes once per simulated second. */
const SPEEDUP = 10;
/** BENCH_RECORDS_DEVICES=1 measures a real single-patient station; the default is a stress load. */
const DEVICES = Number(process.env.BENCH_RECORDS_DEVICES ?? 20);
/** Numerics per device per simulated second (SpO₂, pulse, PI from each oximeter, and so on). */
const READINGS_PER_DEVICE_SECOND = 3;
const ECG_HZ = 500;
const PLETH_HZ = 60;
/** Drivers hand over waveform chunks of about this length. */
const CHUNK_MS = 100;

interface PhaseResult {
  /** Main-thread time of each hand-over to the writer (the whole transaction when it is written in the call). */
  blockedMs: number[];
  /** From hand-over to the commit being known on the main thread. */
  commitMs: number[];
  loopDelayMs: { p50: number; p99: number; max: number };
  enqueueNs: number[];
  wallMs: number;
  readings: number;
  waveformSegments: number;
  failedFlushes: number;
}

type MakeWriter = (setup: { dataDir: string; key: Buffer; store: RecordStore }) => BatchWriter;

/** The floor: everything but the writing (load generator, recorder queueing), batches discarded. */
const discarding: MakeWriter = () => ({ write: async () => ({ committed: true, readings: 0, waveformSegments: 0, alarms: 0, refused: [], storedAlarms: [] }), close: async () => {} });
/** The synchronous path the recorder had before its worker: the transaction runs inside write(). */
const onMainThread: MakeWriter = ({ store }) => ({ write: async (writes) => writeBatch(store, writes), close: async () => {} });
const onWorkerThread: MakeWriter = ({ dataDir, key }) => new RecorderThread({ dataDir, key, log: (line) => process.stderr.write(`${line}\n`) });

function timed(writer: BatchWriter, result: Pick<PhaseResult, 'blockedMs' | 'commitMs'>): BatchWriter {
  return {
    async write(writes) {
      const start = performance.now();
      const outcome = writer.write(writes);
      result.blockedMs.push(performance.now() - start);
      const settled = await outcome;
      result.commitMs.push(performance.now() - start);
      return settled;
    },
    close: () => writer.close(),
  };
}

async function runPhase(makeWriter: MakeWriter): Promise<PhaseResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vitalbridge-bench-records-'));
  try {
    const key = randomBytes(32);
    const db = await openRecordsDatabase({ dataDir, keyProvider: newKeyProvider(key) });
    const store = new RecordStore(db);
    const encounter = CurrentEncounter.start(store, await openAuditLog(db, { dataDir, keyProvider: newKeyProvider(key).auditKeyProvider() }));
    const result: PhaseResult = { blockedMs: [], commitMs: [], loopDelayMs: { p50: 0, p99: 0, max: 0 }, enqueueNs: [], wallMs: 0, readings: 0, waveformSegments: 0, failedFlushes: 0 };
    const recorder = new StationRecorder({
      writer: timed(makeWriter({ dataDir, key, store }), result),
      encounter,
      log: (line) => process.stderr.write(`${line}\n`),
      flushIntervalMs: 1_000 / SPEEDUP,
    });
    // One committed batch before the clock starts: the worker has opened its connection (as it does
    // while the station starts) and both paths have run their code once.
    recorder.recordReading(stationReading({ source: 'pulse-oximeter', deviceId: 'warm-up', metric: 'spo2', value: 97, unit: '%', deviceTime: null, receivedAt: Date.now(), seq: 0 }));
    await recorder.flush();
    const warmUp = { ...recorder.counts };
    result.blockedMs.length = 0;
    result.commitMs.length = 0;
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const started = performance.now();
    const t0 = Date.now();
    let seq = 1;
    for (let chunkIndex = 0; chunkIndex < (SIMULATED_SECONDS * 1_000) / CHUNK_MS; chunkIndex++) {
      const simulatedMs = chunkIndex * CHUNK_MS;
      await sleep(Math.max(0, started + simulatedMs / SPEEDUP - performance.now()));
      // Device timestamps follow the simulated clock, so consecutive chunks are contiguous.
      const at = t0 + simulatedMs;
      for (let device = 0; device < DEVICES; device++) {
        const ecg = { deviceId: `ecg-${device}`, metric: 'ecg' as const, rateHz: ECG_HZ, startedAt: at, samples: Array.from({ length: (ECG_HZ * CHUNK_MS) / 1_000 }, (_, i) => 512 + ((i * 37) % 300)) };
        const pleth = { deviceId: `ox-${device}`, metric: 'pleth' as const, rateHz: PLETH_HZ, startedAt: at, samples: Array.from({ length: (PLETH_HZ * CHUNK_MS) / 1_000 }, (_, i) => (i * 11) % 128) };
        const before = process.hrtime.bigint();
        recorder.recordWaveform(ecg);
        recorder.recordWaveform(pleth);
        result.enqueueNs.push(Number(process.hrtime.bigint() - before) / 2);
      }
      if (simulatedMs % 1_000 !== 0) continue;
      for (let device = 0; device < DEVICES; device++) {
        for (let n = 0; n < READINGS_PER_DEVICE_SECOND; n++) {
          const reading = stationReading({ source: 'pulse-oximeter', deviceId: `ox-${device}`, metric: n % 2 ? 'pulseRate' : 'spo2', value: n % 2 ? 72 : 97, unit: n % 2 ? '/min' : '%', deviceTime: null, receivedAt: at + n, seq: seq++ });
          const before = process.hrtime.bigint();
          recorder.recordReading(reading);
          result.enqueueNs.push(Number(process.hrtime.bigint() - before));
        }
      }
    }
    await recorder.close();
    result.wallMs = performance.now() - started;
    loopDelay.disable();
    result.loopDelayMs = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
    Object.assign(result, { readings: recorder.counts.readings - warmUp.readings, waveformSegments: recorder.counts.waveformSegments, failedFlushes: recorder.counts.failedFlushes });
    db.close();
    return result;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const fmt = (n: number) => n.toFixed(2);
const spread = (values: readonly number[]) => `p50 ${fmt(percentile(values, 50))} ms, p99 ${fmt(percentile(values, 99))} ms, max ${fmt(Math.max(...values))} ms`;

function report(name: string, result: PhaseResult): void {
  const committing = result.commitMs.reduce((sum, ms) => sum + ms, 0);
  console.log(`${name}: ${result.readings} readings, ${result.waveformSegments} waveform segments in ${result.commitMs.length} batches (${result.failedFlushes} failed), ${fmt(result.wallMs / 1_000)} s`);
  console.log(`  main-thread cost per flush: ${spread(result.blockedMs)}`);
  console.log(`  event loop delay: p50 ${fmt(result.loopDelayMs.p50)} ms, p99 ${fmt(result.loopDelayMs.p99)} ms, max ${fmt(result.loopDelayMs.max)} ms`);
  console.log(`  hand-over to commit known: ${spread(result.commitMs)}; committing ${fmt((100 * committing) / result.wallMs)}% of wall time`);
  console.log(`  hot path (recordReading/recordWaveform enqueue): p50 ${fmt(percentile(result.enqueueNs, 50) / 1_000)} µs, p99 ${fmt(percentile(result.enqueueNs, 99) / 1_000)} µs`);
}

console.log(`load: ${DEVICES} oximeters + ${DEVICES} ECGs, ${SIMULATED_SECONDS} simulated s at ${SPEEDUP}× real time (${SIMULATED_SECONDS * DEVICES * (ECG_HZ + PLETH_HZ)} samples), one flush per simulated second`);
report('reference — batches discarded, nothing written', await runPhase(discarding));
const before = await runPhase(onMainThread);
report('before — batches written on the main thread (baseline)', before);
const after = await runPhase(onWorkerThread);
report('after — batches written by the recorder worker thread', after);
console.log(
  `main thread per flush p99: ${fmt(percentile(before.blockedMs, 99))} ms → ${fmt(percentile(after.blockedMs, 99))} ms; event loop delay p99: ${fmt(before.loopDelayMs.p99)} ms → ${fmt(after.loopDelayMs.p99)} ms, max ${fmt(before.loopDelayMs.max)} ms → ${fmt(after.loopDelayMs.max)} ms`,
);
