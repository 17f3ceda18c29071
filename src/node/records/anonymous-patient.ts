/**
 * The patient record a station opens before anyone is named (every launch, every kiosk visit).
 * The patients table requires a given and a family name, so an anonymous record holds these
 * placeholders; they are nobody's name and never leave the station as one: screens show
 * "Unnamed patient" and the FHIR export writes no `name` at all.
 */
import type { PatientDetails } from './store';

/** What an unnamed patient's record holds: nothing that identifies anyone. */
export const ANONYMOUS_PATIENT: PatientDetails = { givenName: 'Unnamed', familyName: 'patient', birthDate: null, gender: 'unknown', identifier: null };

/** True for a record nobody has named yet (the placeholders and nothing else). */
export function isAnonymousPatient(patient: PatientDetails): boolean {
  return (
    patient.givenName === ANONYMOUS_PATIENT.givenName &&
    patient.familyName === ANONYMOUS_PATIENT.familyName &&
    patient.birthDate === null &&
    patient.identifier === null
  );
}
