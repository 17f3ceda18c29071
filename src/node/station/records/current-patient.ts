/**
 * The patient banner's source: who the station's current patient is (getCurrentPatient), and a
 * `patientChanged` signal to every screen when that may have changed, so each screen asks again
 * under its own session. The signal carries nothing: what a screen may see is decided per session
 * when it asks (a kiosk session gets the given name only), never by what was broadcast.
 */
import { isPatientScoped } from '../../../shared/roles';
import { isAnonymousPatient } from '../../records/anonymous-patient';
import type { RecordStore } from '../../records/store';
import type { StationHandlers } from '../contract-session';
import type { CurrentEncounter } from '../persistence/encounter';
import type { PatientViewAudit } from './patient-views';

export interface CurrentPatientOptions {
  store: Pick<RecordStore, 'requirePatient' | 'visitsByIds'>;
  /** The station's current encounter, asked at every call: a kiosk visit may switch it. */
  encounter: () => Pick<CurrentEncounter, 'patientId' | 'visitId'>;
  /** Whether a video visit is running at this station. */
  videoVisit: () => boolean;
  views: PatientViewAudit;
}

/** getCurrentPatient: the contract session has checked patient.view; the view is audited (once per session and patient) and checked against a kiosk's patient scope. */
export function createCurrentPatientHandler(options: CurrentPatientOptions): Pick<StationHandlers, 'getCurrentPatient'> {
  return {
    getCurrentPatient: (_input, { actor, screen }) => {
      options.views.viewed(screen);
      const { patientId, visitId } = options.encounter();
      const patient = options.store.requirePatient(patientId);
      const [visit] = options.store.visitsByIds([visitId]);
      if (!visit) throw new Error('The current encounter has no visit in the records');
      const named = !isAnonymousPatient(patient);
      const common = { encounterStartedAt: visit.startedAt, videoVisit: options.videoVisit() };
      // The patient at a kiosk sees their first name at most: a public screen shows nothing that identifies them to passers-by.
      if (isPatientScoped(actor.role)) {
        return { givenName: named ? patient.givenName : null, familyName: null, identifier: null, birthDate: null, gender: null, ...common };
      }
      return {
        givenName: named ? patient.givenName : null,
        familyName: named ? patient.familyName : null,
        identifier: patient.identifier,
        birthDate: patient.birthDate,
        gender: patient.gender === 'unknown' ? null : patient.gender,
        ...common,
      };
    },
  };
}
