/**
 * The records an outbox batch announces, loaded as h-fhirmodel's transactionEntries wants them.
 * An item whose record is gone (pruned by retention before it could be sent) is returned apart,
 * so the caller parks it with that reason instead of losing it without a word.
 */
import { visitRecord, type VisitSetting } from '../fhir/encounter';
import type { MinuteSummary } from '../fhir/reading-summary';
import { parseSummaryRecordId } from '../records/minute-summaries';
import type { SyncedSummary } from '../fhir/summary-reference';
import type { SyncRecords } from '../fhir/transaction-entries';
import type { PatientRecord, RecordStore } from '../records/store';
import type { OutboxItem } from './outbox';

export interface BatchRecords {
  records: SyncRecords;
  /** Items whose record no longer exists. */
  gone: OutboxItem[];
}

/** `careSetting`: where the station's visits take place (`records.careSetting`); a visit with video is a video visit wherever. */
/**
 * `built`: the visit summaries built for these items (SyncPusher builds them, asynchronously, before
 * the batch), by visit id; a 'visit-summary' item without one is gone (its visit or patient was).
 */
export function loadBatchRecords(store: RecordStore, items: readonly OutboxItem[], careSetting: VisitSetting, built: ReadonlyMap<string, SyncedSummary> = new Map()): BatchRecords {
  const idsOf = (kind: OutboxItem['kind']) => items.filter((item) => item.kind === kind).map((item) => item.recordId);
  const visitSummaries = idsOf('visit-summary').flatMap((visitId) => {
    const summary = built.get(visitId);
    return summary ? [summary] : [];
  });
  // A summary's visit travels with it: its DocumentReference points at the Encounter entry.
  const visitIds = [...new Set([...idsOf('visit'), ...visitSummaries.map((summary) => summary.visitId)])];
  const visits = store.visitsByIds(visitIds).map((visit) => visitRecord(visit, careSetting));
  const readings = store.readingsByIds(idsOf('reading').map(Number));
  // A summary is built from the readings in the store when it is sent: its minute has closed by then.
  const summaries: MinuteSummary[] = idsOf('reading-summary').flatMap((recordId) => {
    const key = parseSummaryRecordId(recordId);
    const minute = store.summaryReadings(key);
    return minute.length > 0 ? [{ recordId, key, readings: minute }] : [];
  });
  const pleth = store.waveformsByIds(idsOf('pleth-segment').map(Number));
  const news2Rows = store.news2ByIds(idsOf('news2-charted'), idsOf('news2-score'));
  const news2 = { ...news2Rows, inputReadings: store.news2InputReadings(news2Rows.scores) };
  const patients = new Map<string, PatientRecord>();
  for (const patientId of new Set(items.map((item) => item.patientId))) {
    const patient = store.getPatient(patientId);
    if (patient) patients.set(patientId, patient);
  }
  const present = new Set([
    ...[...patients.keys()].map((id) => `patient:${id}`),
    ...visits.map((visit) => `visit:${visit.id}`),
    ...readings.map((reading) => `reading:${reading.id}`),
    ...summaries.map((summary) => `reading-summary:${summary.recordId}`),
    ...pleth.map((segment) => `pleth-segment:${segment.id}`),
    ...news2.charted.map((charted) => `news2-charted:${charted.id}`),
    ...news2.scores.map((score) => `news2-score:${score.id}`),
    ...visitSummaries.filter((summary) => patients.has(summary.patientId)).map((summary) => `visit-summary:${summary.visitId}`),
  ]);
  const gone = items.filter((item) => !present.has(`${item.kind}:${item.recordId}`));
  // A patient travels with every batch that holds their data, whether or not their own row is due.
  return { records: { patients: [...patients.values()], visits, devices: [], readings, summaries, pleth, news2, visitSummaries }, gone };
}
