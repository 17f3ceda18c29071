import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openRecordsDatabase } from '../records/database';
import { FileKeyProvider } from '../records/key-provider';
import { MIGRATIONS } from '../records/migrations';
import { minuteStartOf, summaryDueAt } from '../records/minute-summaries';
import { RecordStore } from '../records/store';
import { tempDataDir, TestClock } from '../records/test-support';
import { writeBatch } from '../station/persistence/recorder-batch';
import { Outbox } from './outbox';

const PATIENT = { givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null } as const;
const SPO2 = { deviceId: 'ox-1', metric: 'spo2', value: 97, unit: '%', deviceTime: null, receivedAt: 1 } as const;

async function open(dataDir = tempDataDir(), migrations = MIGRATIONS) {
  const clock = new TestClock();
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir), migrations });
  return { dataDir, db, clock, store: new RecordStore(db, clock.now), outbox: new Outbox(db, clock.now) };
}

const sentRows = (db: Awaited<ReturnType<typeof open>>['db']) => db.prepare(`SELECT count(*) FROM outbox WHERE state = 'sent'`).pluck().get() as number;

const announced = (db: Awaited<ReturnType<typeof open>>['db']) =>
  (db.prepare('SELECT kind, record_id AS recordId FROM outbox ORDER BY seq').all() as { kind: string; recordId: string }[]).map((row) => `${row.kind}:${row.recordId}`);

describe('outbox rows are written with the records they announce', () => {
  it('announces a patient, its changes, a visit start and end, readings and NEWS2 rows, in order', async () => {
    const { db, store } = await open();
    const patient = store.createPatient(PATIENT);
    store.updatePatient(patient.id, { ...PATIENT, identifier: 'MRN-1' });
    const visit = store.startVisit(patient.id, 'nurse-1');
    const reading = store.recordReading(patient.id, visit.id, SPO2);
    const chartedId = randomUUID();
    store.recordNews2Charted(patient.id, visit.id, { id: chartedId, kind: 'respiratoryRate', value: 18, enteredBy: 'nurse-1', enteredRole: 'nurse', enteredAt: 2 });
    const scoreId = randomUUID();
    store.recordNews2Score(patient.id, visit.id, { id: scoreId, scoredAt: 3, total: 1, risk: 'low', scores: { respiratoryRate: 0 }, chartedInputs: [chartedId], deviceInputs: [] });
    store.endVisit(visit.id);
    expect(announced(db)).toEqual([
      `patient:${patient.id}`,
      `patient:${patient.id}`,
      `visit:${visit.id}`,
      `reading:${reading.id}`,
      `news2-charted:${chartedId}`,
      `news2-score:${scoreId}`,
      `visit:${visit.id}`,
      `visit-summary:${visit.id}`,
    ]);
  });

  it('keeps neither the record nor its announcement when either insert fails', async () => {
    const { db, store } = await open();
    const patient = store.createPatient(PATIENT);
    // The announcement's insert fails (its patient does not exist for the foreign key): the reading must go too.
    db.pragma('foreign_keys = OFF');
    db.exec(`CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox WHEN NEW.kind = 'reading' BEGIN SELECT RAISE(ABORT, 'outbox full'); END`);
    expect(() => store.recordReading(patient.id, null, SPO2)).toThrow(/outbox full/);
    expect(store.readings(patient.id)).toEqual([]);
  });

  it("the recorder's batch commits readings and their announcements together, and a failed batch leaves neither", async () => {
    const { db, store } = await open();
    const patient = store.createPatient(PATIENT);
    const encounter = { patientId: patient.id, visitId: store.startVisit(patient.id, 'nurse-1').id };
    const outcome = writeBatch(store, [
      { kind: 'reading', encounter, reading: SPO2 },
      { kind: 'reading', encounter, reading: { ...SPO2, metric: 'pulseRate', value: 71, unit: '/min' } },
    ]);
    expect(outcome).toMatchObject({ committed: true, readings: 2 });
    expect(announced(db).filter((line) => line.startsWith('reading:'))).toEqual(store.readings(patient.id).map((reading) => `reading:${reading.id}`));
    db.exec(`CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox WHEN NEW.kind = 'reading' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    expect(writeBatch(store, [{ kind: 'reading', encounter, reading: SPO2 }])).toMatchObject({ committed: false });
    expect(store.readings(patient.id)).toHaveLength(2);
  });

  it('migration 7 queues what was recorded before it, oldest first', async () => {
    // Written as the version-6 store wrote them: today's store would write outbox rows that table lacks.
    const before = await open(tempDataDir(), MIGRATIONS.slice(0, 6));
    before.db.exec(`
      INSERT INTO patients (id, given_name, family_name, gender, created_at) VALUES ('p1', 'Ada', 'Byron', 'female', 1);
      INSERT INTO visits (id, patient_id, started_at, started_by) VALUES ('v1', 'p1', 2, 'nurse-1');
      INSERT INTO readings (id, patient_id, visit_id, device_id, metric, value, unit, received_at) VALUES (7, 'p1', 'v1', 'ox-1', 'spo2', 97, '%', 4), (5, 'p1', 'v1', 'ox-1', 'spo2', 96, '%', 3);
    `);
    before.db.close();
    const after = await open(before.dataDir);
    expect(announced(after.db)).toEqual(['patient:p1', 'visit:v1', 'reading:5', 'reading:7']);
  });

  it("erasing the patient removes their outbox rows too, and the erasure's own check covers the outbox", async () => {
    const { store } = await open();
    const patient = store.createPatient(PATIENT);
    store.recordReading(patient.id, null, SPO2);
    expect(store.erasePatient(patient.id)).toMatchObject({ outbox: 2, readings: 1 });
    expect(store.patientRowCounts(patient.id).outbox).toBe(0);
  });
});

describe("a visit's summary in the outbox", () => {
  const summaries = (db: Awaited<ReturnType<typeof open>>['db']) =>
    db.prepare(`SELECT record_id AS visitId, state FROM outbox WHERE kind = 'visit-summary' ORDER BY seq`).all() as { visitId: string; state: string }[];

  it('is queued when the visit ends, in the same transaction, and not while it is open', async () => {
    const { db, store } = await open();
    const patient = store.createPatient(PATIENT);
    const visit = store.startVisit(patient.id, 'nurse-1');
    store.recordReading(patient.id, visit.id, SPO2);
    expect(summaries(db)).toEqual([]);
    store.endVisit(visit.id);
    expect(summaries(db)).toEqual([{ visitId: visit.id, state: 'waiting' }]);
  });

  it('leaves the visit open and queues nothing when queueing the summary fails', async () => {
    const { db, store } = await open();
    const patient = store.createPatient(PATIENT);
    const visit = store.startVisit(patient.id, 'nurse-1');
    db.exec(`CREATE TRIGGER refuse_summary BEFORE INSERT ON outbox WHEN NEW.kind = 'visit-summary' BEGIN SELECT RAISE(ABORT, 'outbox full'); END`);
    expect(() => store.endVisit(visit.id)).toThrow(/outbox full/);
    expect(store.visitsByIds([visit.id])[0]?.endedAt).toBeNull();
    expect(announced(db)).toEqual([`patient:${patient.id}`, `visit:${visit.id}`]);
  });

  it('a visit reopened before its summary was sent has none waiting; ended again, it has one', async () => {
    const { db, store } = await open();
    const patient = store.createPatient(PATIENT);
    const visit = store.startVisit(patient.id, 'nurse-1');
    store.endVisit(visit.id);
    store.reopenVisit(visit.id);
    expect(summaries(db)).toEqual([]);
    store.endVisit(visit.id);
    expect(summaries(db)).toEqual([{ visitId: visit.id, state: 'waiting' }]);
  });

  it("announces an ended visit's reopening (its Encounter is in progress again), not the reopening of one still open", async () => {
    const { db, store } = await open();
    const patient = store.createPatient(PATIENT);
    const visit = store.startVisit(patient.id, 'nurse-1');
    store.reopenVisit(visit.id);
    expect(announced(db)).toEqual([`patient:${patient.id}`, `visit:${visit.id}`]);
    store.endVisit(visit.id);
    store.reopenVisit(visit.id);
    expect(announced(db)).toEqual([`patient:${patient.id}`, `visit:${visit.id}`, `visit:${visit.id}`, `visit:${visit.id}`]);
    expect(() => store.reopenVisit('no-such-visit')).toThrow(/no such visit/);
  });

  it('a visit reopened and ended again after its summary was taken for sending keeps that one summary', async () => {
    const { db, store, outbox } = await open();
    const patient = store.createPatient(PATIENT);
    const visit = store.startVisit(patient.id, 'nurse-1');
    store.endVisit(visit.id);
    const summary = outbox.claim(10, 60_000).filter((item) => item.kind === 'visit-summary');
    expect(summary).toHaveLength(1);
    outbox.markSent(summary);
    store.reopenVisit(visit.id);
    store.endVisit(visit.id);
    expect(summaries(db)).toEqual([{ visitId: visit.id, state: 'sent' }]);
  });

  it("erasing the patient removes the visit's queued summary", async () => {
    const { db, store } = await open();
    const patient = store.createPatient(PATIENT);
    store.endVisit(store.startVisit(patient.id, 'nurse-1').id);
    expect(store.erasePatient(patient.id)).toMatchObject({ outbox: 4, visits: 1 });
    expect(summaries(db)).toEqual([]);
  });

  it('migration 15 keeps every row, its number and state, and every index', async () => {
    const before = await open(tempDataDir(), MIGRATIONS.slice(0, 14));
    const patient = before.store.createPatient(PATIENT);
    const visit = before.store.startVisit(patient.id, 'nurse-1');
    before.db.prepare(`UPDATE visits SET ended_at = 5 WHERE id = ?`).run(visit.id);
    before.outbox.markSent(before.outbox.claim(1, 60_000));
    const rows = before.db.prepare('SELECT * FROM outbox ORDER BY seq').all();
    const indexes = before.db.prepare(`SELECT name FROM sqlite_master WHERE tbl_name = 'outbox' AND type = 'index' ORDER BY name`).pluck().all();
    before.db.close();
    const after = await open(before.dataDir);
    expect(after.db.prepare('SELECT * FROM outbox ORDER BY seq').all()).toEqual(rows);
    expect(after.db.prepare(`SELECT name FROM sqlite_master WHERE tbl_name = 'outbox' AND type = 'index' ORDER BY name`).pluck().all()).toEqual(indexes);
    // A visit that ended before the migration is not queued by it.
    expect(summaries(after.db)).toEqual([]);
  });
});

describe('outbox states', () => {
  async function withReadings(count: number) {
    const opened = await open();
    const patient = opened.store.createPatient(PATIENT);
    for (let i = 0; i < count; i += 1) opened.store.recordReading(patient.id, null, { ...SPO2, receivedAt: i });
    return opened;
  }

  it('claims due items oldest first, at most the limit, and a claimed item is not claimed again while leased', async () => {
    const { outbox } = await withReadings(4);
    const first = outbox.claim(3, 60_000);
    expect(first.map((item) => item.kind)).toEqual(['patient', 'reading', 'reading']);
    expect(first.map((item) => item.seq)).toEqual([...first.map((item) => item.seq)].sort((a, b) => a - b));
    const second = outbox.claim(10, 60_000);
    expect(second.map((item) => item.seq)).toEqual([first[2]!.seq + 1, first[2]!.seq + 2]);
    expect(outbox.claim(10, 60_000)).toEqual([]);
    expect(outbox.counts()).toMatchObject({ waiting: 0, inFlight: 5 });
  });

  it('takes the other parts of a measurement along, past the limit, so one blood pressure travels in one batch', async () => {
    const { store, outbox } = await open();
    const patient = store.createPatient(PATIENT);
    const cuff = { deviceId: 'cuff-1', unit: 'mm[Hg]', deviceTime: null, receivedAt: 5, measurementId: 'm-1' } as const;
    const systolic = store.recordReading(patient.id, null, { ...cuff, metric: 'systolic', value: 128 });
    const spo2 = store.recordReading(patient.id, null, SPO2);
    const diastolic = store.recordReading(patient.id, null, { ...cuff, metric: 'diastolic', value: 82 });
    outbox.markSent(outbox.claim(1, 30_000));
    expect(outbox.claim(1, 30_000).map((item) => item.recordId)).toEqual([systolic.id, diastolic.id].map(String));
    expect(outbox.claim(1, 30_000).map((item) => item.recordId)).toEqual([String(spo2.id)]);
  });

  it("a dead worker's claim is taken again once its lease ends, not before", async () => {
    const { outbox, clock } = await withReadings(1);
    const claimed = outbox.claim(10, 30_000);
    clock.advance(29_999);
    expect(outbox.claim(10, 30_000)).toEqual([]);
    clock.advance(1);
    expect(outbox.claim(10, 30_000).map((item) => item.seq)).toEqual(claimed.map((item) => item.seq));
  });

  it('marks sent items with the time, and counts the last success', async () => {
    const { db, outbox, clock } = await withReadings(2);
    const claimed = outbox.claim(10, 30_000);
    clock.advance(500);
    outbox.markSent(claimed);
    expect(outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 0, lastSentAt: clock.time, oldestWaitingAt: null });
    expect(sentRows(db)).toBe(3);
    expect(outbox.claim(10, 30_000)).toEqual([]);
  });

  it('retryLater counts the attempt and keeps the item back until its time; dueNow brings it forward', async () => {
    const { outbox, clock } = await withReadings(1);
    const claimed = outbox.claim(10, 30_000);
    outbox.retryLater(claimed, 4_000);
    clock.advance(3_999);
    expect(outbox.claim(10, 30_000)).toEqual([]);
    clock.advance(1);
    const again = outbox.claim(10, 30_000);
    expect(again.map((item) => item.attempts)).toEqual([1, 1]);
    outbox.retryLater(again, 60_000);
    expect(outbox.dueNow()).toBe(2);
    expect(outbox.claim(10, 30_000)).toHaveLength(2);
  });

  it("dueNow brings a minute summary forward only to its minute's close, never to a minute still going", async () => {
    const { outbox, clock, store } = await open();
    const patient = store.createPatient(PATIENT);
    outbox.markSent(outbox.claim(10, 30_000));
    const oximeter = { ...SPO2, source: 'pulse-oximeter' } as const;
    const start = clock.time;
    store.recordReading(patient.id, null, { ...oximeter, receivedAt: start + 10_000 });
    store.recordReading(patient.id, null, { ...oximeter, receivedAt: start + 70_000 });
    // Both minutes are still going: nothing to bring forward, nothing due.
    expect(outbox.dueNow()).toBe(0);
    expect(outbox.claim(10, 30_000)).toEqual([]);
    clock.time = summaryDueAt(minuteStartOf(start + 10_000));
    const closed = outbox.claim(10, 30_000);
    expect(closed).toHaveLength(1);
    // The closed minute's summary in backoff comes forward; the next minute's, still going, does not.
    outbox.retryLater(closed, 600_000);
    expect(outbox.dueNow()).toBe(1);
    expect(outbox.claim(10, 30_000).map((item) => item.recordId)).toEqual(closed.map((item) => item.recordId));
  });

  it('parks with the reason, shows it, never claims it again until staff retry', async () => {
    const { outbox, clock } = await withReadings(1);
    const [patientItem, readingItem] = outbox.claim(10, 30_000);
    outbox.markSent([patientItem!]);
    outbox.park([readingItem!], '{"resourceType":"OperationOutcome"}');
    clock.advance(86_400_000);
    expect(outbox.claim(10, 30_000)).toEqual([]);
    expect(outbox.parked()).toEqual([{ seq: readingItem!.seq, kind: 'reading', recordId: readingItem!.recordId, attempts: 1, outcome: '{"resourceType":"OperationOutcome"}', parkedAt: clock.time - 86_400_000 }]);
    expect(outbox.counts()).toMatchObject({ parked: 1, waiting: 0 });
    expect(outbox.retryParked()).toBe(1);
    expect(outbox.claim(10, 30_000).map((item) => [item.seq, item.attempts])).toEqual([[readingItem!.seq, 0]]);
  });

  it('release returns a claim unused, without counting an attempt', async () => {
    const { outbox } = await withReadings(1);
    const claimed = outbox.claim(10, 30_000);
    outbox.release(claimed.slice(1));
    expect(outbox.claim(10, 30_000).map((item) => [item.seq, item.attempts])).toEqual([[claimed[1]!.seq, 0]]);
  });
});
