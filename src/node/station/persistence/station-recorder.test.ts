import { randomBytes, randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { stationReading, type StationReading, type WaveformBatch } from '../../../shared/contract';
import type { Actor } from '../../../shared/clinical/actor';
import type { AlarmLogEntry } from '../../../shared/clinical/alarm-engine';
import { openAuditLog } from '../../audit/audit-log';
import { openRecordsDatabase, type RecordsDb } from '../../records/database';
import { ANONYMOUS_PATIENT } from '../../records/anonymous-patient';
import { RecordStore } from '../../records/store';
import { newKeyProvider, tempDataDir } from '../../records/test-support';
import { CurrentEncounter, RESUME_WITHIN_MS, type Encounter } from './encounter';
import { RecorderThread, startRecorderWorker } from './recorder-thread';
import { RecorderFlushError, StationRecorder, type StationRecorderOptions } from './station-recorder';
import { buildPatientBundle } from '../../fhir/patient-bundle';
import { ManualClock } from '../../simulator/clock';
import { News2Service } from '../clinical/news2-service';
import { savedNews2 } from './news2-resume';
import { recorderQueueChannel } from '../../diagnostics/channels';

const T0 = Date.UTC(2025, 0, 15, 9);
const nurse: Actor = { id: 'user-7', name: 'Nurse Ada', role: 'nurse' };
const open: { db: RecordsDb; recorder: StationRecorder }[] = [];

async function setUp(options: Pick<StationRecorderOptions, 'flushAtPending' | 'flushIntervalMs'> = {}) {
  const dataDir = tempDataDir();
  const key = randomBytes(32);
  const db = await openRecordsDatabase({ dataDir, keyProvider: newKeyProvider(key) });
  const store = new RecordStore(db);
  const audit = await openAuditLog(db, { dataDir, keyProvider: newKeyProvider(key).auditKeyProvider() });
  const encounter = CurrentEncounter.start(store, audit);
  // What the kiosk hands the recorder: one object whose patient and visit change between visits.
  let current: Encounter = encounter;
  const switching: Encounter = {
    get patientId() {
      return current.patientId;
    },
    get visitId() {
      return current.visitId;
    },
  };
  const switchEncounter = () => (current = CurrentEncounter.start(store, audit));
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  // The real worker thread, with a handle on each one started (to crash it).
  const threads: Worker[] = [];
  const start = (data: Parameters<typeof startRecorderWorker>[0]) => threads[threads.push(startRecorderWorker(data)) - 1]!;
  // A long interval: the tests flush explicitly unless they are about the interval.
  const recorder = new StationRecorder({ writer: new RecorderThread({ dataDir, key, log, start }), encounter: switching, log, flushIntervalMs: 3_600_000, ...options });
  open.push({ db, recorder });
  // The recorder a restarted station opens on the same folder.
  const restartRecorder = (resumed: Encounter) => {
    const next = new StationRecorder({ writer: new RecorderThread({ dataDir, key, log }), encounter: resumed, log, flushIntervalMs: 3_600_000 });
    open.push({ db, recorder: next });
    return next;
  };
  return { db, store, audit, encounter, switchEncounter, recorder, restartRecorder, lines, threads };
}

afterEach(async () => {
  for (const { db, recorder } of open.splice(0)) {
    await recorder.close();
    if (db.open) db.close();
  }
});

const spo2 = (value: number, at: number, seq = 0): StationReading =>
  stationReading({ source: 'pulse-oximeter', deviceId: 'oximeter-1', metric: 'spo2', value, unit: '%', deviceTime: null, receivedAt: at, seq });

const plethChunk = (startedAt: number, n: number): WaveformBatch => ({ deviceId: 'oximeter-1', metric: 'pleth', rateHz: 60, startedAt, samples: Array.from({ length: n }, (_, i) => i % 128) });

function logEntry(overrides: Partial<AlarmLogEntry>): AlarmLogEntry {
  return {
    alarmId: 'A1',
    key: 'physiological:spo2:low',
    kind: 'physiological',
    message: 'SpO₂ low',
    priority: 'medium',
    firstValue: 88,
    worstValue: 86,
    unit: '%',
    limit: 90,
    raisedAt: T0,
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    escalatedAt: null,
    recurrences: 0,
    ...overrides,
  };
}

/** What the recorder publishes at its next flush tick on the diagnostics channel the soak's probe reads. */
function nextQueueReport(): Promise<{ pending: number; alarms: number; charted: number }> {
  return new Promise((resolve) => {
    const listener = (message: unknown) => {
      unsubscribe(recorderQueueChannel.name, listener);
      resolve(message as { pending: number; alarms: number; charted: number });
    };
    subscribe(recorderQueueChannel.name, listener);
  });
}

describe('station recorder', () => {
  it('queues readings and writes them from its worker thread under the encounter; flush resolves once they are readable here', async () => {
    const { store, encounter, recorder } = await setUp();
    for (let i = 0; i < 5; i++) recorder.recordReading(spo2(95 + (i % 3), T0 + i * 1_000, i));
    expect(store.readings(encounter.patientId)).toEqual([]);
    await recorder.flush();
    const stored = store.readings(encounter.patientId);
    expect(stored.map((r) => [r.value, r.receivedAt, r.visitId])).toEqual([0, 1, 2, 3, 4].map((i) => [95 + (i % 3), T0 + i * 1_000, encounter.visitId]));
    expect(recorder.counts.readings).toBe(5);
  });

  it('flushes on its own once the queue is long, without waiting for the interval', async () => {
    const { store, encounter, recorder } = await setUp({ flushAtPending: 10 });
    for (let i = 0; i < 10; i++) recorder.recordReading(spo2(97, T0 + i, i));
    await expect.poll(() => store.readings(encounter.patientId).length, { timeout: 10_000 }).toBe(10);
  });

  it('refuses an implausible reading without losing the rest of the batch, and logs no value', async () => {
    const { store, encounter, recorder, lines } = await setUp();
    recorder.recordReading(spo2(97, T0));
    recorder.recordReading({ ...spo2(97, T0 + 1), value: 250 });
    recorder.recordReading(spo2(96, T0 + 2));
    await recorder.flush();
    expect(store.readings(encounter.patientId).map((r) => r.value)).toEqual([97, 96]);
    expect(recorder.counts.refused).toBe(1);
    expect(lines).toEqual(['records: refused 1 implausible spo2 reading(s); not stored']);
  });

  it('keeps a batch the database refused and writes it on the next interval once it can, exactly once', async () => {
    const { db, store, encounter, recorder, lines } = await setUp({ flushIntervalMs: 50 });
    recorder.recordReading(spo2(97, T0));
    // A trigger that fails every insert (in the schema, so the worker's connection sees it) stands in for a full disk.
    db.exec(`CREATE TRIGGER refuse_readings BEFORE INSERT ON readings BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    await expect(recorder.flush()).rejects.toThrow(RecorderFlushError);
    expect(recorder.counts).toMatchObject({ failedFlushes: 1, readings: 0 });
    expect(lines).toContain('records: could not write 1 queued item(s), will retry: disk I/O error');
    expect(store.readings(encounter.patientId)).toEqual([]);
    db.exec('DROP TRIGGER refuse_readings');
    recorder.recordReading(spo2(96, T0 + 1));
    await expect.poll(() => store.readings(encounter.patientId).map((r) => r.value), { timeout: 10_000 }).toEqual([97, 96]);
    expect(recorder.counts.readings).toBe(2);
  });

  it('logs a worker that died with a batch in hand, starts a new one and writes the batch, exactly once', async () => {
    const { store, encounter, recorder, lines, threads } = await setUp({ flushIntervalMs: 50 });
    recorder.recordReading(spo2(97, T0));
    const handedOver = recorder.flush();
    await threads[0]!.terminate();
    await expect(handedOver).rejects.toThrow('the recording worker stopped');
    expect(lines).toEqual([
      expect.stringMatching(/^records: the recording worker stopped \(exit code \d+\); queued items are kept and a new worker starts in 200 ms$/),
      'records: could not write 1 queued item(s), will retry: the recording worker stopped',
    ]);
    recorder.recordReading(spo2(96, T0 + 1));
    await expect.poll(() => store.readings(encounter.patientId).map((r) => r.value), { timeout: 10_000 }).toEqual([97, 96]);
    expect(threads).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toMatch(/97|96/);
  });

  it('stores pleth as ~10 s segments per device, and starts a new segment at a gap', async () => {
    const { store, encounter, recorder } = await setUp();
    // 12 s of contiguous chunks of 0.5 s (30 samples at 60 Hz), then a 5 s gap, then 1 s more.
    for (let i = 0; i < 24; i++) recorder.recordWaveform(plethChunk(T0 + i * 500, 30));
    recorder.recordWaveform(plethChunk(T0 + 17_000, 60));
    await recorder.close();
    const segments = store.waveforms(encounter.patientId);
    expect(segments.map((s) => [s.startedAt - T0, s.samples.length])).toEqual([
      [0, 600],
      [10_000, 120],
      [17_000, 60],
    ]);
    expect(segments[0]!.samples.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('cuts pleth segments at exactly 10 s, splitting the chunk that crosses the boundary, and keeps the raw scale the device declared', async () => {
    const { store, encounter, recorder } = await setUp();
    const scale = { min: 0, max: 127 };
    // 100 chunks of 14 samples (233 ms at 60 Hz): 600 is no multiple of 14.
    for (let i = 0; i < 100; i++) recorder.recordWaveform({ ...plethChunk(T0 + Math.round((i * 14 * 1_000) / 60), 14), samples: Array.from({ length: 14 }, (_, j) => (i * 14 + j) % 128), scale });
    await recorder.close();
    const segments = store.waveforms(encounter.patientId);
    expect(segments.map((s) => [s.startedAt - T0, s.samples.length, s.scale])).toEqual([
      [0, 600, scale],
      [10_000, 600, scale],
      [20_000, 200, scale],
    ]);
    // Nothing lost or reordered at the cuts.
    expect(segments.flatMap((s) => s.samples)).toEqual(Array.from({ length: 1_400 }, (_, i) => i % 128));
  });

  it('starts a new pleth segment where the raw scale changes, and stores none for a device that declares none', async () => {
    const { store, encounter, recorder } = await setUp();
    recorder.recordWaveform({ ...plethChunk(T0, 30), scale: { min: 0, max: 127 } });
    recorder.recordWaveform({ ...plethChunk(T0 + 500, 30), scale: { min: 0, max: 255 } });
    recorder.recordWaveform(plethChunk(T0 + 1_000, 30));
    await recorder.close();
    expect(store.waveforms(encounter.patientId).map((s) => [s.startedAt - T0, s.scale])).toEqual([
      [0, { min: 0, max: 127 }],
      [500, { min: 0, max: 255 }],
      [1_000, null],
    ]);
  });

  it('files each item under the encounter current when it was recorded, and cuts a pleth segment where the encounter changes', async () => {
    const { store, encounter: first, switchEncounter, recorder } = await setUp();
    recorder.recordReading(spo2(97, T0));
    recorder.recordWaveform(plethChunk(T0, 30));
    const second = switchEncounter();
    recorder.recordReading(spo2(96, T0 + 500));
    // Contiguous with the chunk before, but another patient's.
    recorder.recordWaveform(plethChunk(T0 + 500, 30));
    // One batch, written after the change: each item keeps the encounter it was recorded under.
    await recorder.flush();
    const filed = (patientId: string) => ({
      readings: store.readings(patientId).map((r) => [r.value, r.visitId]),
      segments: store.waveforms(patientId).map((s) => [s.startedAt - T0, s.samples.length]),
    });
    expect(filed(first.patientId)).toEqual({ readings: [[97, first.visitId]], segments: [[0, 30]] });
    // flush() also ended the segment still open.
    expect(filed(second.patientId)).toEqual({ readings: [[96, second.visitId]], segments: [[500, 30]] });
  });

  it('records the alarm log: raised once, escalation and acknowledgement as they happen', async () => {
    const { store, encounter, recorder, db } = await setUp();
    recorder.recordAlarmLog([logEntry({})]);
    recorder.recordAlarmLog([logEntry({})]);
    await recorder.flush();
    recorder.recordAlarmLog([logEntry({ priority: 'high', escalatedAt: T0 + 120_000 })]);
    recorder.recordAlarmLog([logEntry({ priority: 'high', acknowledgedAt: T0 + 130_000, acknowledgedBy: nurse }), logEntry({ alarmId: 'A2', key: 'technical:cuff:disconnected', kind: 'technical', message: 'cuff disconnected', priority: 'low', raisedAt: T0 + 5 })]);
    await recorder.flush();
    const rows = db.prepare('SELECT priority, condition, raised_at, acknowledged_by, patient_id FROM alarms ORDER BY raised_at').all();
    expect(rows).toEqual([
      { priority: 'high', condition: 'SpO₂ low', raised_at: T0, acknowledged_by: 'user-7', patient_id: encounter.patientId },
      { priority: 'low', condition: 'cuff disconnected', raised_at: T0 + 5, acknowledged_by: null, patient_id: encounter.patientId },
    ]);
    expect(store.alarmPatient((db.prepare('SELECT id FROM alarms LIMIT 1').pluck().get() as string))).toBe(encounter.patientId);
    // What raised each alarm, for the HL7 PCD-04 reports: the engine's key and the first value beyond the limit.
    expect(db.prepare('SELECT source_key, source_value, source_unit, source_limit FROM alarms ORDER BY raised_at').all()).toEqual([
      { source_key: 'physiological:spo2:low', source_value: 88, source_unit: '%', source_limit: 90 },
      { source_key: 'technical:cuff:disconnected', source_value: 88, source_unit: '%', source_limit: 90 },
    ]);
  });

  it("records each alarm's kind and when its condition ended, again when it comes back and ends once more", async () => {
    const { recorder, db } = await setUp();
    const ends = () => db.prepare('SELECT kind, ended_at FROM alarms ORDER BY raised_at').all();
    // Raised and already ended by the time the recorder first sees it (a flush interval can span both).
    recorder.recordAlarmLog([logEntry({ clearedAt: T0 + 4_000 }), logEntry({ alarmId: 'A2', key: 'technical:cuff:disconnected', kind: 'technical', message: 'cuff disconnected', raisedAt: T0 + 5 })]);
    await recorder.flush();
    expect(ends()).toEqual([
      { kind: 'physiological', ended_at: T0 + 4_000 },
      { kind: 'technical', ended_at: null },
    ]);
    recorder.recordAlarmLog([logEntry({ clearedAt: null, recurrences: 1 })]);
    await recorder.flush();
    expect(ends()[0]).toEqual({ kind: 'physiological', ended_at: null });
    recorder.recordAlarmLog([logEntry({ clearedAt: T0 + 9_000, recurrences: 1 })]);
    recorder.recordAlarmLog([logEntry({ clearedAt: T0 + 9_000, recurrences: 1 })]);
    await recorder.flush();
    expect(ends()[0]).toEqual({ kind: 'physiological', ended_at: T0 + 9_000 });
  });

  it('forgets each alarm the engine has dropped from its log once its writes are committed, so 200 alarms leave it tracking only the log', async () => {
    const { recorder, db } = await setUp({ flushIntervalMs: 20 });
    // The engine's log keeps its newest entries (maxLogEntries; 5 here): each alarm raised, then ended.
    const raised = (n: number) => logEntry({ alarmId: `A${n}`, raisedAt: T0 + n * 60_000 });
    const ended = (n: number) => ({ ...raised(n), clearedAt: T0 + n * 60_000 + 30_000 });
    const log: AlarmLogEntry[] = [];
    for (let n = 1; n <= 200; n++) {
      log.push(raised(n));
      if (log.length > 5) log.shift();
      recorder.recordAlarmLog(log);
      log[log.length - 1] = ended(n);
      recorder.recordAlarmLog(log);
      if (n % 20 === 0) await recorder.flush();
    }
    recorder.recordAlarmLog(log);
    await recorder.flush();
    expect(await nextQueueReport()).toMatchObject({ pending: 0, alarms: 5 });
    expect(db.prepare('SELECT COUNT(*) FROM alarms WHERE ended_at IS NOT NULL').pluck().get()).toBe(200);
    expect(db.prepare('SELECT COUNT(*) FROM alarms').pluck().get()).toBe(200);
  });

  it("stores an alarm's end queued just before a new patient's empty log, then forgets the alarm", async () => {
    const { recorder, db } = await setUp({ flushIntervalMs: 20 });
    recorder.recordAlarmLog([logEntry({})]);
    await recorder.flush();
    // The condition ends, and the kiosk starts the next patient before the recorder writes it.
    recorder.recordAlarmLog([logEntry({ clearedAt: T0 + 4_000 })]);
    recorder.recordAlarmLog([]);
    await recorder.flush();
    expect(db.prepare('SELECT ended_at FROM alarms').all()).toEqual([{ ended_at: T0 + 4_000 }]);
    expect(await nextQueueReport()).toMatchObject({ alarms: 0 });
  });

  it('close waits for the last batch to commit and ends the worker; nothing is accepted afterwards', async () => {
    const { store, encounter, recorder, threads } = await setUp();
    let workerExited = false;
    threads[0]!.once('exit', () => (workerExited = true));
    recorder.recordReading(spo2(97, T0));
    recorder.recordWaveform(plethChunk(T0, 30));
    await recorder.close();
    expect(workerExited).toBe(true);
    expect(store.readings(encounter.patientId).map((r) => r.value)).toEqual([97]);
    expect(store.waveforms(encounter.patientId).map((s) => s.samples.length)).toEqual([30]);
    recorder.recordReading(spo2(96, T0 + 1));
    await expect(recorder.flush()).resolves.toBeUndefined();
    expect(store.readings(encounter.patientId).map((r) => r.value)).toEqual([97]);
  });
});

describe('NEWS2 in the records', () => {
  it('files every charted observation (who, when) and every score, and the export carries them as FHIR Observations derived from their inputs', async () => {
    const { store, encounter, recorder } = await setUp();
    const clock = new ManualClock(T0);
    const device = (metric: StationReading['metric'], value: number, unit: StationReading['unit'], seq: number) =>
      stationReading({ source: 'pulse-oximeter', deviceId: 'dev', metric, value, unit, deviceTime: null, receivedAt: clock.now() + 0.4, seq });
    const latest = [device('spo2', 96, '%', 1), device('systolic', 118, 'mm[Hg]', 2), device('pulseRate', 95, '/min', 3), device('bodyTemperature', 37.2, 'Cel', 4)];
    const news2 = new News2Service({ clock, readings: { latest: () => latest, devices: () => [] } });
    // As at the station: each reading reaches the recorder before the score it changes.
    for (const reading of latest) recorder.recordReading(reading);
    news2.feed.subscribe((state) => recorder.recordNews2(state));
    news2.enter({ respiratoryRate: 22, consciousness: 'A', onOxygen: false }, nurse);
    await recorder.flush();

    const record = store.news2Record(encounter.patientId);
    expect(record.charted.map(({ kind, value, enteredBy, enteredRole, enteredAt }) => ({ kind, value, enteredBy, enteredRole, enteredAt }))).toEqual([
      { kind: 'respiratoryRate', value: 22, enteredBy: 'user-7', enteredRole: 'nurse', enteredAt: T0 },
      { kind: 'consciousness', value: 'A', enteredBy: 'user-7', enteredRole: 'nurse', enteredAt: T0 },
      { kind: 'onOxygen', value: false, enteredBy: 'user-7', enteredRole: 'nurse', enteredAt: T0 },
    ]);
    // RR 22 scores 2, pulse 95 scores 1: total 3, low risk.
    expect(record.scores).toHaveLength(1);
    expect(record.scores[0]).toMatchObject({ scoredAt: T0, total: 3, risk: 'low', scores: { respiratoryRate: 2, pulse: 1, spo2: 0, consciousness: 0 } });
    expect(record.scores[0]?.chartedInputs.sort()).toEqual(record.charted.map((c) => c.id).sort());

    const patient = store.requirePatient(encounter.patientId);
    const context = { stationId: 'station-0001', patientIdentifierSystem: null, careSetting: 'station' as const, softwareVersion: '1.0.0', visits: store.patientVisits(patient.id) };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions walk FHIR JSON freely; a wrong path fails the test
    const bundle = buildPatientBundle(patient, store.readings(patient.id), record, T0, context) as { entry: { fullUrl: string; resource: Record<string, any> }[] };
    const resources = bundle.entry.map((e) => e.resource);
    const score = resources.find((r) => r.code?.coding?.some((c: { code: string }) => c.code === '1104051000000101'))!;
    expect(score).toMatchObject({ resourceType: 'Observation', status: 'final', valueInteger: 3 });
    expect(score.code.coding[0].system).toBe('http://snomed.info/sct');
    expect(score.category[0].coding[0].code).toBe('survey');
    expect(score.component).toHaveLength(7);
    expect(score.component.map((c: { valueInteger: number }) => c.valueInteger).reduce((a: number, b: number) => a + b, 0)).toBe(3);
    const urls = new Set(bundle.entry.map((e) => e.fullUrl));
    const codeAt = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource.code?.coding?.[0]?.code]));
    // The three charted observations, then the oximeter's SpO2, the systolic's panel, the pulse and the temperature.
    expect(score.derivedFrom).toHaveLength(7);
    for (const ref of score.derivedFrom) expect(urls.has(ref.reference)).toBe(true);
    expect(score.derivedFrom.slice(3).map((ref: { reference: string }) => codeAt.get(ref.reference))).toEqual(['2708-6', '85354-9', '8867-4', '8310-5']);
    const rr = resources.find((r) => r.code?.coding?.[0]?.code === '9279-1')!;
    expect(rr.valueQuantity).toMatchObject({ value: 22, code: '/min' });
    const acvpu = resources.find((r) => r.code?.coding?.[0]?.code === '80288-4')!;
    expect(acvpu.valueCodeableConcept.coding[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '248234008' });
    news2.stop();
  });
});

describe('NEWS2 charted entries in memory', () => {
  it('keeps only the current charted entries: 50 charting rounds file 150 entries once each, and a new patient leaves none', async () => {
    const { store, encounter, recorder } = await setUp({ flushIntervalMs: 20 });
    const clock = new ManualClock(T0);
    const news2 = new News2Service({ clock, readings: { latest: () => [], devices: () => [] } });
    news2.feed.subscribe((state) => recorder.recordNews2(state));
    for (let round = 0; round < 50; round++) {
      news2.enter({ respiratoryRate: 16 + (round % 4), consciousness: 'A', onOxygen: false }, nurse);
      // The same state again (another screen's update) files nothing twice.
      recorder.recordNews2(news2.current());
      await clock.advance(60_000);
    }
    await recorder.flush();
    expect(await nextQueueReport()).toMatchObject({ charted: 3 });
    expect(store.news2Record(encounter.patientId).charted).toHaveLength(150);
    news2.reset();
    expect(await nextQueueReport()).toMatchObject({ charted: 0 });
    news2.stop();
  });
});

describe('NEWS2 after a restart', () => {
  it('a restarted staff-mode station carries on with the visit: trend and charted entries come back with their original times, nothing is filed twice, and an old entry goes stale', async () => {
    const { store, audit, encounter, recorder, restartRecorder } = await setUp();
    const clock = new ManualClock(T0);
    const device = (metric: StationReading['metric'], value: number, unit: StationReading['unit'], seq: number) =>
      stationReading({ source: 'pulse-oximeter', deviceId: 'dev', metric, value, unit, deviceTime: null, receivedAt: clock.now(), seq });
    const readings = {
      latest: () => [device('spo2', 96, '%', 1), device('systolic', 118, 'mm[Hg]', 2), device('pulseRate', 95, '/min', 3), device('bodyTemperature', 37.2, 'Cel', 4)],
      devices: () => [],
    };
    const before = new News2Service({ clock, readings });
    before.feed.subscribe((state) => recorder.recordNews2(state));
    before.enter({ respiratoryRate: 22, consciousness: 'A', onOxygen: false }, nurse);
    await clock.advance(5 * 60_000);
    // RR 26 scores 3 (a red score), pulse 95 scores 1: total 4, low-medium.
    before.enter({ respiratoryRate: 26 }, nurse);
    const trendBefore = before.current().trend;
    expect(trendBefore).toEqual([
      { at: T0, total: 3, risk: 'low' },
      { at: T0 + 5 * 60_000, total: 4, risk: 'low-medium' },
    ]);
    await recorder.flush();
    before.stop();
    encounter.end();

    await clock.advance(60_000);
    const resumed = CurrentEncounter.start(store, audit, { resume: true });
    expect({ patientId: resumed.patientId, visitId: resumed.visitId }).toEqual({ patientId: encounter.patientId, visitId: encounter.visitId });
    const record = store.news2Record(resumed.patientId);
    const after = new News2Service({ clock, readings });
    const recorderAfter = restartRecorder(resumed);
    recorderAfter.resumeNews2(record);
    after.restore(savedNews2(record, resumed, (id, role) => ({ id, role, name: 'Nurse Ada' })));
    after.feed.subscribe((state) => recorderAfter.recordNews2(state));

    const state = after.current();
    expect(state.trend).toEqual(trendBefore);
    expect(state.manual).toEqual({
      respiratoryRate: { value: 26, enteredBy: nurse, enteredAt: T0 + 5 * 60_000 },
      consciousness: { value: 'A', enteredBy: nurse, enteredAt: T0 },
      onOxygen: { value: false, enteredBy: nurse, enteredAt: T0 },
    });
    expect(state.assessment.ok && state.assessment.result.total).toBe(4);
    after.refresh();
    await recorderAfter.flush();
    expect(store.news2Record(resumed.patientId).charted).toHaveLength(4);
    expect(store.news2Record(resumed.patientId).scores.map((score) => score.scoredAt)).toEqual([T0, T0 + 5 * 60_000]);

    // ACVPU and oxygen were charted at T0: 31 minutes on they are stale, not current, and nothing is scored.
    await clock.advance(25 * 60_000);
    after.refresh();
    const stale = after.current().assessment;
    expect(stale.ok).toBe(false);
    expect(!stale.ok && stale.problems.filter((problem) => problem.reason === 'stale').map((problem) => problem.input).sort()).toEqual(['consciousness', 'onOxygen']);
    expect(after.current().trend).toEqual(trendBefore);
    after.stop();
  });

  it('carries on with the patient after a crash or a short stop, but a station off longer than RESUME_WITHIN_MS starts a new anonymous patient', async () => {
    const { store, audit, encounter } = await setUp();
    const open = (now: number) => CurrentEncounter.start(store, audit, { resume: true, now });
    // A crash leaves the visit open: carried on however long the station was off.
    expect(open(Date.now() + 24 * 3_600_000).visitId).toBe(encounter.visitId);
    encounter.end();
    const endedAt = store.latestVisit()!.endedAt!;
    expect(open(endedAt + RESUME_WITHIN_MS).visitId).toBe(encounter.visitId);
    store.endVisit(encounter.visitId);
    const next = open(store.latestVisit()!.endedAt! + RESUME_WITHIN_MS + 1);
    expect(next.patientId).not.toBe(encounter.patientId);
    expect(store.getPatient(next.patientId)).toMatchObject(ANONYMOUS_PATIENT);
  });

  it('a new patient (a kiosk launch or the next kiosk visit) and another visit of the same patient bring back nothing', async () => {
    const { store, audit, encounter } = await setUp();
    store.recordNews2Charted(encounter.patientId, encounter.visitId, { id: randomUUID(), kind: 'respiratoryRate', value: 18, enteredBy: 'user-7', enteredRole: 'nurse', enteredAt: T0 });
    store.recordNews2Score(encounter.patientId, encounter.visitId, { id: randomUUID(), scoredAt: T0, total: 1, risk: 'low', scores: {}, chartedInputs: [], deviceInputs: [] });
    const lookup = (id: string, role: Actor['role']) => ({ id, role, name: 'Nurse Ada' });
    expect(savedNews2(store.news2Record(encounter.patientId), encounter, lookup).trend).toHaveLength(1);

    const kioskLaunch = CurrentEncounter.start(store, audit);
    expect(kioskLaunch.patientId).not.toBe(encounter.patientId);
    expect(savedNews2(store.news2Record(kioskLaunch.patientId), kioskLaunch, lookup)).toEqual({ manual: {}, trend: [] });
    const laterVisit = { patientId: encounter.patientId, visitId: store.startVisit(encounter.patientId, 'station').id };
    expect(savedNews2(store.news2Record(encounter.patientId), laterVisit, lookup)).toEqual({ manual: {}, trend: [] });
  });
});

describe('current encounter', () => {
  it('starts with an anonymous patient and an open visit, audited as the station; naming is audited without the name', async () => {
    const { store, audit, encounter } = await setUp();
    expect(store.requirePatient(encounter.patientId)).toMatchObject({ givenName: 'Unnamed', familyName: 'patient', identifier: null });
    expect(store.visitPatient(encounter.visitId)).toBe(encounter.patientId);
    encounter.namePatient({ givenName: 'Zebediah', familyName: 'Quartermaine', birthDate: '1941-03-02', gender: 'male', identifier: null }, { id: 'user-7', role: 'nurse' });
    expect(store.requirePatient(encounter.patientId).familyName).toBe('Quartermaine');
    encounter.end();
    const entries = audit.entries();
    expect(entries.map((e) => [e.actor, e.role, e.action, e.object])).toEqual([
      ['station', 'system', 'patient.create', encounter.patientId],
      ['station', 'system', 'visit.start', encounter.visitId],
      ['user-7', 'nurse', 'patient.edit', encounter.patientId],
      ['station', 'system', 'visit.end', encounter.visitId],
    ]);
    expect(JSON.stringify(entries)).not.toContain('Quartermaine');
  });
});
