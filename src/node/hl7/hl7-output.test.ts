import { afterEach, describe, expect, it } from 'vitest';
import { openTestStation, removeTrackedTempDirs, trackedTempDir, type TestStation } from '../records/test-support';
import { startHl7Output, type Hl7Output } from './hl7-output';
import type { Hl7PushReport } from './hl7-push';
import { Hl7OutputSchema } from './hl7-settings';
import { startTestEngine, type TestEngine } from './test-engine';

const closing: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of closing.splice(0).reverse()) await thing.close();
  removeTrackedTempDirs();
});

async function start(station: TestStation, settings: unknown, onReport?: (report: Hl7PushReport) => void): Promise<Hl7Output | null> {
  const output = await startHl7Output({ settings: Hl7OutputSchema.parse(settings), db: station.db, store: station.store, audit: station.audit, patientIdentifierSystem: null, log: () => undefined, idlePollMs: 20, ...(onReport ? { onReport } : {}) });
  if (output) closing.push(output);
  return output;
}

function record(station: TestStation, patientId: string): void {
  station.store.recordReading(patientId, null, { deviceId: 'cuff-1', metric: 'systolic', value: 120, unit: 'mm[Hg]', deviceTime: null, receivedAt: Date.now(), source: 'blood-pressure-cuff' });
}

describe('the station\'s HL7 output', () => {
  it('sends what is recorded while a host is set, and audits each answer without content', async () => {
    const station = await openTestStation(trackedTempDir());
    closing.push(station.db);
    const engine: TestEngine = await startTestEngine(() => 'AA');
    closing.push(engine);
    let acknowledged: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => (acknowledged = resolve));
    const output = await start(station, { host: '127.0.0.1', port: engine.port }, (report) => report.answer === 'AA' && acknowledged());
    const patient = station.store.createPatient({ givenName: 'Ann', familyName: 'Lee', birthDate: null, gender: 'female', identifier: null });
    record(station, patient.id);
    await sent;
    await output!.close();
    expect(output!.status()).toMatchObject({ engine: `127.0.0.1:${engine.port}`, waiting: 0, inFlight: 0, parked: 0, problem: null });
    const audited = station.db.prepare(`SELECT actor, action, object FROM audit_log WHERE object LIKE 'hl7 %'`).all();
    expect(audited).toEqual([{ actor: 'station', action: 'sync.push', object: 'hl7 batch 1: AA' }]);
  });

  it('reports alarms only with hl7Output.alarms, and only while a host is set', async () => {
    const station = await openTestStation(trackedTempDir());
    closing.push(station.db);
    const patient = station.store.createPatient({ givenName: 'Ann', familyName: 'Lee', birthDate: null, gender: 'female', identifier: null });
    const raise = () => station.store.raiseAlarm(patient.id, null, { kind: 'physiological', priority: 'high', condition: 'SpO₂ low', source: { key: 'physiological:spo2:low', value: 85, unit: '%', limit: 90 } });
    const reports = () => station.db.prepare(`SELECT count(*) FROM hl7_outbox WHERE kind = 'alarm'`).pluck().get();
    // 'silent': the engine never answers, so what is queued stays queued while we look.
    const engine: TestEngine = await startTestEngine(() => 'silent');
    closing.push(engine);
    await (await start(station, { host: '127.0.0.1', port: engine.port }))!.close();
    raise();
    expect(reports()).toBe(0);
    await (await start(station, { host: '127.0.0.1', port: engine.port, alarms: true }))!.close();
    raise();
    expect(reports()).toBe(1);
    expect(await start(station, { alarms: true })).toBeNull();
    raise();
    expect(reports()).toBe(1);
  });

  it('queues nothing without a host', async () => {
    const station = await openTestStation(trackedTempDir());
    closing.push(station.db);
    expect(await start(station, {})).toBeNull();
    const patient = station.store.createPatient({ givenName: 'Ann', familyName: 'Lee', birthDate: null, gender: 'female', identifier: null });
    record(station, patient.id);
    expect(station.db.prepare('SELECT count(*) FROM hl7_readings').pluck().get()).toBe(0);
  });

  it('refuses settings that are not a host and port', () => {
    expect(Hl7OutputSchema.safeParse({ host: 'engine.example.org;rm -rf' }).success).toBe(false);
    expect(Hl7OutputSchema.safeParse({ host: 'mllp://engine' }).success).toBe(false);
    expect(Hl7OutputSchema.safeParse({ host: 'engine', port: 70_000 }).success).toBe(false);
    expect(Hl7OutputSchema.parse({ host: 'engine.example.org' })).toEqual({ host: 'engine.example.org', port: 2575, tls: false, extraCaFile: null, ackTimeoutSeconds: 30, batchReadings: 500, alarms: false });
    // PCD-04 alarm reports only when asked for, and only as a boolean.
    expect(Hl7OutputSchema.safeParse({ host: 'engine', alarms: 'yes' }).success).toBe(false);
    expect(Hl7OutputSchema.parse({ host: 'engine', alarms: true }).alarms).toBe(true);
  });
});
