/**
 * A visit's summary for the FHIR sync, built by the sync worker when it sends the outbox's
 * 'visit-summary' item: from the records as they are then (they are the source of truth; the
 * outbox row only names the visit), exactly as the Records screen exports it.
 */
import type { VisitSetting } from '../fhir/encounter';
import type { SyncedSummary } from '../fhir/summary-reference';
import { UserDirectory } from '../identity/users';
import { signedVisitNotes } from '../records/visit-notes';
import type { RecordStore } from '../records/store';
import { buildSummaryDocument, type SummaryDocumentOptions } from './summary-document';

export interface SummarySyncOptions extends SummaryDocumentOptions {
  stationId: string;
  careSetting: VisitSetting;
}

export async function buildSyncedSummary(store: RecordStore, visitId: string, now: number, options: SummarySyncOptions): Promise<SyncedSummary> {
  const sources = {
    store,
    // Reads only: the worker names participants and takes the signed notes, it changes neither.
    users: new UserDirectory(store.db),
    notes: { signedNotes: (id: string) => signedVisitNotes(store.db, id) },
    stationId: options.stationId,
    careSetting: options.careSetting,
  };
  const { summary, fhir } = await buildSummaryDocument(sources, visitId, now, options);
  return { patientId: summary.patient.id, visitId, documentReference: fhir.documentReference, composition: fhir.composition };
}
