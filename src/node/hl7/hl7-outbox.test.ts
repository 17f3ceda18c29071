import { afterEach, describe, expect, it } from 'vitest';
import { openTestStation, removeTrackedTempDirs, trackedTempDir, type TestStation } from '../records/test-support';
import { Hl7Outbox } from './hl7-outbox';

const stations: TestStation[] = [];
afterEach(() => {
  for (const station of stations.splice(0)) station.db.close();
  removeTrackedTempDirs();
});

async function setup() {
  const station = await openTestStation(trackedTempDir());
  stations.push(station);
  const outbox = new Hl7Outbox(station.db, station.store, station.clock.now);
  const patient = (name: string) => station.store.createPatient({ givenName: name, familyName: 'Test', birthDate: null, gender: 'unknown', identifier: null }).id;
  const record = (patientId: string, value = 97) => {
    station.clock.advance(1_000);
    return station.store.recordReading(patientId, null, { deviceId: 'oxi-1', metric: 'spo2', value, unit: '%', deviceTime: null, receivedAt: station.clock.time, source: 'pulse-oximeter' }).id;
  };
  const contents = () => outbox.items.claim(100, 60_000).map((item) => ({ patientId: item.patientId, readings: outbox.content(item)?.readings.map((r) => r.id) ?? null }));
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
