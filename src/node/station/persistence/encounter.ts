/**
 * The station's "current encounter": an anonymous patient record plus an open visit row, under
 * which everything the devices measure is filed. Every launch opens one; a kiosk opens the next
 * one when a patient finishes their visit (startNext), so each kiosk visit is a patient of its own.
 * A nurse can later give the patient a name (namePatient). A staff-mode station that restarts (a
 * crash, a power cut, an update) carries on with the previous launch's patient and visit, as a
 * bedside monitor does; but one that was off longer than RESUME_WITHIN_MS (overnight, or moved to
 * the next patient) starts a new anonymous patient, as a monitor discharges automatically after
 * being off a while: staff mode has no other way to a new patient, so the next person must never
 * be filed under the last one. A kiosk's launch always starts a new anonymous patient, because
 * the kiosk cannot know that the same person sat down again.
 *
 * patientId and visitId are read at every use (the recorder tags each item as it queues it): they
 * change when the next encounter starts.
 */
import type { AuditLog } from '../../audit/audit-log';
import type { StationRole } from '../../../shared/roles';
import { ANONYMOUS_PATIENT } from '../../records/anonymous-patient';
import { type PatientDetails, type PatientRecord, type RecordStore } from '../../records/store';

/** The station itself, as the audit trail names it for what it does on its own. */
export const STATION_ACTOR = { actor: 'station', role: 'system' } as const;

/** How long after a clean stop a staff-mode station still carries on with its patient at the next launch. */
export const RESUME_WITHIN_MS = 30 * 60_000;

export interface Encounter {
  readonly patientId: string;
  readonly visitId: string;
}

export class CurrentEncounter implements Encounter {
  #current: Encounter;
  readonly #listeners = new Set<() => void>();

  private constructor(
    private readonly store: RecordStore,
    private readonly audit: AuditLog,
    opened: Encounter,
  ) {
    this.#current = opened;
  }

  /**
   * Opens the launch's encounter, audited as station actions, in one transaction: with `resume`,
   * the visit the previous launch had if it is still open (a crash) or ended at most
   * RESUME_WITHIN_MS before `now` (the same patient at a restarted staff-mode station, whose
   * records and NEWS2 trend carry on), else (and in a new installation) a new anonymous patient.
   */
  static start(store: RecordStore, audit: AuditLog, options: { resume?: boolean; now?: number } = {}): CurrentEncounter {
    const now = options.now ?? Date.now();
    const open = (): Encounter => {
      const previous = options.resume ? store.latestVisit() : null;
      if (!previous || (previous.endedAt !== null && now - previous.endedAt > RESUME_WITHIN_MS)) return openAnonymous(store, audit);
      store.reopenVisit(previous.id);
      audit.append({ ...STATION_ACTOR, action: 'visit.start', object: previous.id });
      return { patientId: previous.patientId, visitId: previous.id };
    };
    return new CurrentEncounter(store, audit, store.db.transaction(open).immediate());
  }

  get patientId(): string {
    return this.#current.patientId;
  }

  get visitId(): string {
    return this.#current.visitId;
  }

  /** Told after the patient was named or the next encounter began (screens show who the patient is). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** The nurse names the patient; audited under the person's id and role, never with the name itself. */
  namePatient(details: PatientDetails, by: { id: string; role: StationRole }): PatientRecord {
    const { patientId } = this;
    const named = this.store.db
      .transaction(() => {
        const patient = this.store.updatePatient(patientId, details);
        this.audit.append({ actor: by.id, role: by.role, action: 'patient.edit', object: patientId });
        return patient;
      })
      .immediate();
    this.#changed();
    return named;
  }

  /**
   * Ends this encounter's visit and opens a new anonymous patient's, in one transaction: the next
   * person at a kiosk is never filed under the previous one. Readings queued before the switch keep
   * the encounter they were queued under.
   */
  startNext(): void {
    const { visitId } = this;
    this.#current = this.store.db
      .transaction(() => {
        this.#endVisit(visitId);
        return openAnonymous(this.store, this.audit);
      })
      .immediate();
    this.#changed();
  }

  /** Closes the current visit (a clean stop; after a crash the visit simply stays open). */
  end(): void {
    const { visitId } = this;
    this.store.db.transaction(() => this.#endVisit(visitId)).immediate();
  }

  #endVisit(visitId: string): void {
    this.store.endVisit(visitId);
    this.audit.append({ ...STATION_ACTOR, action: 'visit.end', object: visitId });
  }
}

/** Inside the caller's transaction. */
function openAnonymous(store: RecordStore, audit: AuditLog): Encounter {
  const patient = store.createPatient(ANONYMOUS_PATIENT);
  const visit = store.startVisit(patient.id, STATION_ACTOR.actor);
  audit.append({ ...STATION_ACTOR, action: 'patient.create', object: patient.id });
  audit.append({ ...STATION_ACTOR, action: 'visit.start', object: visit.id });
  return { patientId: patient.id, visitId: visit.id };
}
