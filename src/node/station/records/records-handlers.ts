/**
 * The contract handlers of the records screen: the patient list, naming the current patient, the
 * FHIR export and erasure, and checking the audit trail. The contract session has already checked
 * the method's right (method-access.ts); the records calls go through ClinicalRecords with the
 * screen's session, which checks it again per patient and writes the audit entry in the same
 * transaction as the change.
 */
import { UNNAMED_PATIENT_LABEL, type PatientSummary, type recordsMethods } from '../../../shared/contract-records';
import { readAuditHead, type AuditLog } from '../../audit/audit-log';
import type { ClinicalRecords } from '../../records/clinical-records';
import { RecordInputError, type PatientOverview, type RecordStore } from '../../records/store';
import type { StationHandlers } from '../contract-session';
import { isAnonymousPatient } from '../../records/anonymous-patient';
import type { CurrentEncounter } from '../persistence/encounter';
import { PendingExports } from './patient-exports';

/** All of the records methods but the FHIR server's patient search (./patient-lookup-handler.ts) and the patient banner's (./current-patient.ts). */
export type RecordsHandlers = Pick<StationHandlers, Exclude<keyof typeof recordsMethods, 'findServerPatients' | 'getCurrentPatient'>>;

export interface RecordsHandlerOptions {
  store: RecordStore;
  clinical: ClinicalRecords;
  audit: AuditLog;
  /** The station's current encounter, asked at every call: a kiosk visit may switch it. */
  encounter: () => Pick<CurrentEncounter, 'patientId' | 'namePatient'>;
  now?: () => number;
  /** Shared with the visit summary's download (summary-handlers.ts), whose parts the same method reads. */
  exports?: PendingExports;
}

/** A file name that says what the file is and nothing about whom: the id's first block and the date. */
export function exportFileName(patientId: string, at: number): string {
  const prefix = patientId.replace(/[^0-9a-z]/gi, '').slice(0, 8).toLowerCase();
  return `vitalbridge-patient-${prefix}-${new Date(at).toISOString().slice(0, 10)}.fhir.json`;
}

export function createRecordsHandlers(options: RecordsHandlerOptions): RecordsHandlers {
  const { store, clinical, audit } = options;
  const now = options.now ?? Date.now;
  const exports = options.exports ?? new PendingExports(now);

  const summary = (patient: PatientOverview, currentPatientId: string): PatientSummary => {
    const named = !isAnonymousPatient(patient);
    return {
      id: patient.id,
      displayName: named ? `${patient.givenName} ${patient.familyName}` : UNNAMED_PATIENT_LABEL,
      named,
      createdAt: patient.createdAt,
      readingCount: patient.readingCount,
      lastReadingAt: patient.lastReadingAt,
      current: patient.id === currentPatientId,
    };
  };

  return {
    listPatients: (_input, { screen }) => {
      const currentPatientId = options.encounter().patientId;
      return clinical.listPatients(screen.sessionId()).map((patient) => summary(patient, currentPatientId));
    },

    nameCurrentPatient: ({ givenName, familyName, birthDate, gender, identifier, serverPatient }, { actor }) => {
      const encounter = options.encounter();
      encounter.namePatient({ givenName, familyName, gender, birthDate: birthDate ?? null, identifier: identifier ?? null, ...(serverPatient && { serverPatient }) }, actor);
      const [named] = store.patientOverviews(encounter.patientId);
      if (!named) throw new RecordInputError('The current patient is no longer in the records');
      return summary(named, encounter.patientId);
    },

    exportPatientRecord: ({ patientId }, { screen }) => {
      const sessionId = screen.sessionId();
      const text = clinical.openPatientExport(sessionId, patientId);
      const [patient] = store.patientOverviews(patientId);
      return {
        ...exports.open(sessionId, patientId, text),
        fileName: exportFileName(patientId, now()),
        mediaType: 'application/fhir+json',
        readingCount: patient?.readingCount ?? 0,
      };
    },

    readPatientExportChunk: ({ exportId, index }, { screen }) => exports.read(screen.sessionId(), exportId, index),

    erasePatientRecord: ({ patientId }, { screen }) => {
      if (patientId === options.encounter().patientId) {
        throw new RecordInputError('The station is still filing readings under this patient: end the visit first, then erase the record');
      }
      const removed = clinical.erasePatient(screen.sessionId(), patientId);
      exports.forgetPatient(patientId);
      return { removed };
    },

    verifyAuditTrail: async (_input, { actor }) => {
      // Looking at the trail is itself recorded, before the check, so the check covers it.
      audit.append({ actor: actor.id, role: actor.role, action: 'audit.view', object: null });
      const verification = await audit.verifyInSlices();
      // The figures as the trail stands now (one snapshot), with whatever the station appended during the walk.
      return store.db
        .transaction(() => {
          const entries = audit.count();
          const head = readAuditHead(store.db);
          return verification.ok ? { ok: true as const, entries, head } : { ok: false as const, entries, head, firstBadSeq: verification.firstBadSeq, reason: verification.reason };
        })
        .deferred();
    },
  };
}
