/**
 * Staff's request to send a visit's pleth to the FHIR server (issue 12: the pleth is sent only on
 * request, one SampledData Observation per 10 s segment, src/node/fhir/pleth-segment.ts), and the
 * list of a patient's visits to ask it for. Both need `record.export` (method-access.ts): the pleth
 * leaves the station as part of the patient's record. A request is refused without a running sync
 * (the Sync panel's words), audited under who asked with ids and counts only (action
 * `record.export`, object `pleth:<visitId>:<segments newly queued>`), and wakes the sync.
 */
import type { AuditLog } from '../../audit/audit-log';
import { RecordInputError, type RecordStore } from '../../records/store';
import type { StationHandlers } from '../contract-session';
import { runningSync, type StationSync } from './sync-handlers';

export type PlethHandlers = Pick<StationHandlers, 'listPlethVisits' | 'sendEncounterPleth'>;

export interface PlethHandlerOptions {
  sync: StationSync;
  store: Pick<RecordStore, 'requirePatient' | 'plethVisits' | 'visitsByIds' | 'queueVisitPleth'>;
  audit: Pick<AuditLog, 'append'>;
}

export function createPlethHandlers({ sync, store, audit }: PlethHandlerOptions): PlethHandlers {
  return {
    listPlethVisits: ({ patientId }) => {
      store.requirePatient(patientId);
      return store.plethVisits(patientId);
    },
    sendEncounterPleth: ({ visitId }, { actor }) => {
      const thread = runningSync(sync);
      if (store.visitsByIds([visitId]).length === 0) throw new RecordInputError('no such visit');
      const result = store.queueVisitPleth(visitId);
      audit.append({ actor: actor.id, role: actor.role, action: 'record.export', object: `pleth:${visitId}:${result.queued}` });
      if (result.queued > 0) thread.wake();
      return result;
    },
  };
}
