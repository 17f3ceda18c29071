/**
 * The demo's one session/patient model, until sign-in exists: every station launch opens a
 * "current encounter" — an anonymous patient record plus an open visit row — and everything the
 * devices measure during the launch is filed under it. A nurse can later give the patient a name
 * (namePatient); the next launch starts a new anonymous patient, because without sign-in the
 * station cannot know that the same person sat down again.
 */
import type { AuditLog } from '../../audit/audit-log';
import type { StationRole } from '../../../shared/roles';
import { type PatientDetails, type PatientRecord, type RecordStore } from '../../records/store';

/** What an unnamed patient's record holds: nothing that identifies anyone. */
export const ANONYMOUS_PATIENT: PatientDetails = { givenName: 'Unnamed', familyName: 'patient', birthDate: null, gender: 'unknown', identifier: null };

/** The station itself, as the audit trail names it for what it does on its own. */
export const STATION_ACTOR = { actor: 'station', role: 'system' } as const;

export interface Encounter {
  readonly patientId: string;
  readonly visitId: string;
}

export class CurrentEncounter implements Encounter {
  private constructor(
    private readonly store: RecordStore,
    private readonly audit: AuditLog,
    readonly patientId: string,
    readonly visitId: string,
  ) {}

  /** Creates the anonymous patient and opens the launch's visit, audited as station actions, in one transaction. */
  static start(store: RecordStore, audit: AuditLog): CurrentEncounter {
    const { patientId, visitId } = store.db
      .transaction(() => {
        const patient = store.createPatient(ANONYMOUS_PATIENT);
        const visit = store.startVisit(patient.id, STATION_ACTOR.actor);
        audit.append({ ...STATION_ACTOR, action: 'patient.create', object: patient.id });
        audit.append({ ...STATION_ACTOR, action: 'visit.start', object: visit.id });
        return { patientId: patient.id, visitId: visit.id };
      })
      .immediate();
    return new CurrentEncounter(store, audit, patientId, visitId);
  }

  /** The nurse names the patient; audited under the person's id and role, never with the name itself. */
  namePatient(details: PatientDetails, by: { id: string; role: StationRole }): PatientRecord {
    return this.store.db
      .transaction(() => {
        const patient = this.store.updatePatient(this.patientId, details);
        this.audit.append({ actor: by.id, role: by.role, action: 'patient.edit', object: this.patientId });
        return patient;
      })
      .immediate();
  }

  /** Closes the launch's visit (a clean stop; after a crash the visit simply stays open). */
  end(): void {
    this.store.db
      .transaction(() => {
        this.store.endVisit(this.visitId);
        this.audit.append({ ...STATION_ACTOR, action: 'visit.end', object: this.visitId });
      })
      .immediate();
  }
}
