/**
 * The Patient. Its identifiers: the clinic's own (the record's identifier under the
 * `records.patientIdentifierSystem` setting, type MR) when both are known, and always the
 * station-scoped one, so a patient the clinic has not identified yet can still be created once
 * (conditional create on it) and merged later.
 */
import type { Identifier, Patient } from '@medplum/fhirtypes';
import { isAnonymousPatient } from '../records/anonymous-patient';
import type { PatientRecord } from '../records/store';
import { V2_0203_SYSTEM } from './codes';
import type { StationIds } from './stable-ids';

const MEDICAL_RECORD_NUMBER = { coding: [{ system: V2_0203_SYSTEM, code: 'MR', display: 'Medical record number' }] };

/**
 * The clinic's identifier of the patient, when the record has one; without a configured system it
 * goes out without one (kept, but no server can match on it).
 */
export function clinicIdentifier(patient: PatientRecord, configuredSystem: string | null): Identifier | null {
  if (patient.identifier === null) return null;
  // The identifier the server gave a patient chosen from its patients is under the server's system.
  const system = patient.serverPatient?.identifierSystem ?? configuredSystem;
  return { use: 'usual', type: MEDICAL_RECORD_NUMBER, ...(system !== null ? { system } : {}), value: patient.identifier };
}

export function patientResource(patient: PatientRecord, ids: StationIds, identifierSystem: string | null): Patient & { id: string } {
  const clinic = clinicIdentifier(patient, identifierSystem);
  return {
    resourceType: 'Patient',
    id: ids.uuid('patient', patient.id),
    identifier: [...(clinic ? [clinic] : []), { ...ids.identifier('patient', patient.id), use: 'secondary' }],
    // An anonymous record's placeholders are nobody's name: such a patient has none.
    ...(isAnonymousPatient(patient) ? {} : { name: [{ family: patient.familyName, given: [patient.givenName] }] }),
    gender: patient.gender,
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
  };
}
