import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { stationReading, type StationReading } from '../../../shared/contract';
import type { Actor } from '../../../shared/clinical/actor';
import type { AlarmLogEntry } from '../../../shared/clinical/alarm-engine';
import { AuditLog } from '../../audit/audit-log';
import { openRecordsDatabase, type RecordsDb } from '../../records/database';
import { RecordStore } from '../../records/store';
import { tempDataDir } from '../../records/test-support';
import { CurrentEncounter } from './encounter';
import { StationRecorder } from './station-recorder';

const T0 = Date.UTC(2025, 0, 15, 9);
const nurse: Actor = { id: 'user-7', name: 'Nurse Ada', role: 'nurse' };
const open: RecordsDb[] = [];

async function setUp(options: { flushAtPending?: number } = {}) {
  const db = await openRecordsDatabase({ dataDir: tempDataDir(), keyProvider: { getDataKey: async () => randomBytes(32) } });
  open.push(db);
  const store = new RecordStore(db);
  const audit = new AuditLog(db);
  const encounter = CurrentEncounter.start(store, audit);
  const lines: string[] = [];
  // A long interval: the tests flush explicitly, so nothing depends on timing.
  const recorder = new StationRecorder({ store, encounter, log: (line) => lines.push(line), flushIntervalMs: 3_600_000, ...options });
  return { db, store, audit, encounter, recorder, lines };
}

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

const spo2 = (value: number, at: number, seq = 0): StationReading =>
  stationReading({ deviceId: 'oximeter-1', metric: 'spo2', value, unit: '%', deviceTime: null, receivedAt: at, seq });

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

describe('station recorder', () => {
  it('queues readings and writes them under the encounter when flushed', async () => {
    const { store, encounter, recorder } = await setUp();
    for (let i = 0; i < 5; i++) recorder.recordReading(spo2(95 + (i % 3), T0 + i * 1_000, i));
    expect(store.readings(encounter.patientId)).toEqual([]);
    recorder.flush();
    const stored = store.readings(encounter.patientId);
    expect(stored.map((r) => [r.value, r.receivedAt, r.visitId])).toEqual([0, 1, 2, 3, 4].map((i) => [95 + (i % 3), T0 + i * 1_000, encounter.visitId]));
    expect(recorder.counts.readings).toBe(5);
  });

  it('flushes on its own once the queue is long, without waiting for the interval', async () => {
    const { store, encounter, recorder } = await setUp({ flushAtPending: 10 });
    for (let i = 0; i < 10; i++) recorder.recordReading(spo2(97, T0 + i, i));
    await expect.poll(() => store.readings(encounter.patientId).length).toBe(10);
  });

  it('refuses an implausible reading without losing the rest of the batch, and logs no value', async () => {
    const { store, encounter, recorder, lines } = await setUp();
    recorder.recordReading(spo2(97, T0));
    recorder.recordReading({ ...spo2(97, T0 + 1), value: 250 });
    recorder.recordReading(spo2(96, T0 + 2));
    recorder.flush();
    expect(store.readings(encounter.patientId).map((r) => r.value)).toEqual([97, 96]);
    expect(recorder.counts.refused).toBe(1);
    expect(lines).toEqual(['records: refused 1 implausible spo2 reading(s); not stored']);
  });

  it('keeps the queue when the database cannot be written, and writes it once it can', async () => {
    const { db, store, encounter, recorder, lines } = await setUp();
    recorder.recordReading(spo2(97, T0));
    // A trigger that fails every insert stands in for a full disk or a busy lock.
    db.exec(`CREATE TEMP TRIGGER refuse_readings BEFORE INSERT ON main.readings BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    recorder.flush();
    expect(recorder.counts.failedFlushes).toBe(1);
    expect(lines.at(-1)).toMatch(/^records: could not write 1 queued item\(s\), will retry: disk I\/O error$/);
    db.exec('DROP TRIGGER refuse_readings');
    recorder.recordReading(spo2(96, T0 + 1));
    recorder.flush();
    expect(store.readings(encounter.patientId).map((r) => r.value)).toEqual([97, 96]);
  });

  it('stores pleth as ~10 s segments per device, and starts a new segment at a gap', async () => {
    const { store, encounter, recorder } = await setUp();
    const chunk = (startedAt: number, n: number) => ({ deviceId: 'oximeter-1', metric: 'pleth' as const, rateHz: 60, startedAt, samples: Array.from({ length: n }, (_, i) => i % 128) });
    // 12 s of contiguous chunks of 0.5 s (30 samples at 60 Hz), then a 5 s gap, then 1 s more.
    for (let i = 0; i < 24; i++) recorder.recordWaveform(chunk(T0 + i * 500, 30));
    recorder.recordWaveform(chunk(T0 + 17_000, 60));
    recorder.close();
    const segments = store.waveforms(encounter.patientId);
    expect(segments.map((s) => [s.startedAt - T0, s.samples.length])).toEqual([
      [0, 600],
      [10_000, 120],
      [17_000, 60],
    ]);
    expect(segments[0]!.samples.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('records the alarm log: raised once, escalation and acknowledgement as they happen', async () => {
    const { store, encounter, recorder, db } = await setUp();
    recorder.recordAlarmLog([logEntry({})]);
    recorder.recordAlarmLog([logEntry({})]);
    recorder.flush();
    recorder.recordAlarmLog([logEntry({ priority: 'high', escalatedAt: T0 + 120_000 })]);
    recorder.recordAlarmLog([logEntry({ priority: 'high', acknowledgedAt: T0 + 130_000, acknowledgedBy: nurse }), logEntry({ alarmId: 'A2', key: 'technical:cuff:disconnected', kind: 'technical', message: 'cuff disconnected', priority: 'low', raisedAt: T0 + 5 })]);
    recorder.flush();
    const rows = db.prepare('SELECT priority, condition, raised_at, acknowledged_by, patient_id FROM alarms ORDER BY raised_at').all();
    expect(rows).toEqual([
      { priority: 'high', condition: 'SpO₂ low', raised_at: T0, acknowledged_by: 'user-7', patient_id: encounter.patientId },
      { priority: 'low', condition: 'cuff disconnected', raised_at: T0 + 5, acknowledged_by: null, patient_id: encounter.patientId },
    ]);
    expect(store.alarmPatient((db.prepare('SELECT id FROM alarms LIMIT 1').pluck().get() as string))).toBe(encounter.patientId);
  });

  it('accepts nothing after close, and close writes what was queued', async () => {
    const { store, encounter, recorder } = await setUp();
    recorder.recordReading(spo2(97, T0));
    recorder.close();
    recorder.recordReading(spo2(96, T0 + 1));
    recorder.flush();
    expect(store.readings(encounter.patientId).map((r) => r.value)).toEqual([97]);
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
