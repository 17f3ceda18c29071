import { afterEach, describe, expect, it } from 'vitest';
import { openTestStation, removeTrackedTempDirs, trackedTempDir, type TestStation } from '../records/test-support';
import { Hl7Outbox, type Hl7Content } from './hl7-outbox';

const stations: TestStation[] = [];
afterEach(() => {
  for (const station of stations.splice(0)) station.db.close();
  removeTrackedTempDirs();
});

const readingsOf = (content: Hl7Content | null) => (content?.kind === 'readings' ? content.readings.map((r) => r.id) : null);

async function setup() {
  const station = await openTestStation(trackedTempDir());
  stations.push(station);
  const outbox = new Hl7Outbox(station.db, station.store, station.clock.now);
  const patient = (name: string) => station.store.createPatient({ givenName: name, familyName: 'Test', birthDate: null, gender: 'unknown', identifier: null }).id;
  const record = (patientId: string, value = 97) => {
    station.clock.advance(1_000);
    return station.store.recordReading(patientId, null, { deviceId: 'oxi-1', metric: 'spo2', value, unit: '%', deviceTime: null, receivedAt: station.clock.time, source: 'pulse-oximeter' }).id;
  };
  const contents = () => outbox.items.claim(100, 60_000).map((item) => ({ patientId: item.patientId, readings: readingsOf(outbox.content(item)) }));
  return { station, outbox, patient, record, contents };
}

describe('HL7 outbox', () => {
  it('queues nothing while the output is off, and starts with the readings recorded after it was switched on', async () => {
    const { outbox, patient, record, contents } = await setup();
    const ann = patient('Ann');
    record(ann);
    expect(outbox.formBatches()).toBe(0);
    outbox.setOutputOn(true);
    const later = record(ann);
    expect(outbox.formBatches()).toBe(1);
    expect(contents()).toEqual([{ patientId: ann, readings: [later] }]);
    outbox.setOutputOn(false);
    record(ann);
    expect(outbox.formBatches()).toBe(0);
  });

  it('forms one batch per patient per span, at most the given number of readings, each reading in exactly one batch', async () => {
    const { outbox, patient, record, contents } = await setup();
    outbox.setOutputOn(true);
    const ann = patient('Ann');
    const bob = patient('Bob');
    const ids = [record(ann), record(bob), record(ann), record(ann), record(bob)];
    expect(outbox.formBatches(3)).toBe(2);
    expect(outbox.formBatches(3)).toBe(2);
    expect(outbox.formBatches(3)).toBe(0);
    expect(contents()).toEqual([
      { patientId: ann, readings: [ids[0], ids[2]] },
      { patientId: bob, readings: [ids[1]] },
      { patientId: ann, readings: [ids[3]] },
      { patientId: bob, readings: [ids[4]] },
    ]);
  });

  it('erases a patient\'s batches with the patient, and still sends readings that reuse the erased readings\' ids', async () => {
    const { station, outbox, patient, record, contents } = await setup();
    outbox.setOutputOn(true);
    const ann = patient('Ann');
    const bob = patient('Bob');
    record(ann);
    const bobsReading = record(bob);
    outbox.formBatches();
    station.store.erasePatient(bob);
    expect(station.db.prepare('SELECT count(*) FROM hl7_outbox WHERE patient_id = ?').pluck().get(bob)).toBe(0);
    expect(station.db.prepare('SELECT count(*) FROM hl7_readings WHERE patient_id = ?').pluck().get(bob)).toBe(0);
    // SQLite gives the next reading the erased reading's id (max(id) + 1): it must still be sent.
    const reused = record(ann);
    expect(reused).toBe(bobsReading);
    expect(outbox.formBatches()).toBe(1);
    expect(contents().map((c) => c.readings)).toEqual([[reused - 1], [reused]]);
  });

  it('has nothing to send for a batch whose readings were pruned', async () => {
    const { station, outbox, patient, record } = await setup();
    outbox.setOutputOn(true);
    const ann = patient('Ann');
    const id = record(ann);
    outbox.formBatches();
    station.db.prepare('DELETE FROM readings WHERE id = ?').run(id);
    const [item] = outbox.items.claim(1, 60_000);
    expect(outbox.content(item!)).toBeNull();
  });
});

describe('HL7 outbox: alarm reports (PCD-04)', () => {
  const spo2Low = { key: 'physiological:spo2:low', value: 86, unit: '%', limit: 90 };

  async function alarmSetup() {
    const base = await setup();
    const ann = base.patient('Ann');
    /** null: an alarm recorded without its source, as before migration 16. */
    const raise = (source: typeof spo2Low | null = spo2Low) => {
      base.station.clock.advance(1_000);
      return base.station.store.raiseAlarm(ann, null, { kind: 'physiological', priority: 'medium', condition: 'SpO₂ low', source: source ?? undefined }, base.station.clock.time).id;
    };
    /** Every queued item's report, in queue order: [phase, alarm id, priority, acknowledged, condition present, at]. */
    const reports = () =>
      base.outbox.items.claim(100, 60_000).map((item) => {
        const content = base.outbox.content(item);
        if (content?.kind !== 'alarm') return content?.kind ?? null;
        const { event } = content;
        return [event.phase, content.alarm.id, event.priority, event.acknowledged, event.conditionPresent, event.at];
      });
    return { ...base, ann, raise, reports };
  }

  it('queues start, acknowledgement and end of an alarm, each as it was then, in the transaction that changed it', async () => {
    const { station, outbox, raise, reports } = await alarmSetup();
    outbox.setOutputOn(true, true);
    const id = raise();
    const raisedAt = station.clock.time;
    station.clock.advance(5_000);
    station.store.acknowledgeAlarm(id, 'nurse-1');
    station.store.setAlarmEnd(id, station.clock.time + 1_000);
    expect(reports()).toEqual([
      ['start', id, 'medium', false, true, raisedAt],
      ['update', id, 'medium', true, true, raisedAt + 5_000],
      ['end', id, 'medium', true, false, raisedAt + 6_000],
    ]);
    // What the Records status line shows of each item (a refused one, say).
    expect(station.db.prepare('SELECT record_id FROM hl7_outbox ORDER BY seq').pluck().all()).toEqual(['alarm start', 'alarm update', 'alarm end']);
  });

  it('queues an escalation with its new priority and a return as continue, and nothing for a second acknowledgement attempt or an unchanged end', async () => {
    const { station, outbox, raise, reports } = await alarmSetup();
    outbox.setOutputOn(true, true);
    const id = raise();
    station.store.raiseAlarmPriority(id, 'high');
    station.store.raiseAlarmPriority(id, 'medium'); // never lowers: no change, no report
    station.store.setAlarmEnd(id, station.clock.time);
    station.store.setAlarmEnd(id, null);
    expect(() => station.store.acknowledgeAlarm(id, 'nurse-1')).not.toThrow();
    expect(() => station.store.acknowledgeAlarm(id, 'nurse-2')).toThrow();
    expect(reports().map((report) => (Array.isArray(report) ? report.slice(0, 5) : report))).toEqual([
      ['start', id, 'medium', false, true],
      ['escalate', id, 'high', false, true],
      ['end', id, 'high', false, false],
      ['continue', id, 'high', false, true],
      ['update', id, 'high', true, true],
    ]);
  });

  it('queues no alarm while alarms are off, while the output is off, or for an alarm without a source key', async () => {
    const { station, outbox, raise } = await alarmSetup();
    raise();
    outbox.setOutputOn(true, false);
    raise();
    outbox.setOutputOn(false, true);
    raise();
    outbox.setOutputOn(true, true);
    raise(null);
    expect(station.db.prepare("SELECT count(*) FROM hl7_outbox WHERE kind = 'alarm'").pluck().get()).toBe(0);
    expect(station.db.prepare('SELECT count(*) FROM hl7_alarm_events').pluck().get()).toBe(0);
  });

  it('reports no acknowledgement or end of an alarm whose start was not reported (raised before alarms were switched on)', async () => {
    const { station, outbox, raise, reports } = await alarmSetup();
    outbox.setOutputOn(true, false);
    const before = raise();
    outbox.setOutputOn(true, true);
    station.store.acknowledgeAlarm(before, 'nurse-1');
    station.store.raiseAlarmPriority(before, 'high');
    station.store.setAlarmEnd(before, station.clock.time);
    expect(reports()).toEqual([]);
  });

  it('keeps alarm reports and batches of readings in one queue, in the order they happened', async () => {
    const { outbox, ann, raise, record, reports } = await alarmSetup();
    outbox.setOutputOn(true, true);
    raise();
    record(ann);
    outbox.formBatches();
    expect(reports().map((report) => (Array.isArray(report) ? report[0] : report))).toEqual(['start', 'readings']);
  });

  it("erases a patient's alarm reports with the patient", async () => {
    const { station, outbox, ann, raise } = await alarmSetup();
    outbox.setOutputOn(true, true);
    raise();
    station.store.erasePatient(ann);
    expect(station.db.prepare('SELECT count(*) FROM hl7_outbox').pluck().get()).toBe(0);
    expect(station.db.prepare('SELECT count(*) FROM hl7_alarm_events').pluck().get()).toBe(0);
  });
});
