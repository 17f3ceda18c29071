/**
 * Finding the current patient on the FHIR server, for the nurse or physician naming them: by the
 * clinic's identifier (`value` or `system|value`, a FHIR token search) or by family name and birth
 * date. The server's answer is untrusted input: only Patients are read, every field is bounded and
 * checked against the contract's schema, and at most MAX_SERVER_PATIENTS are answered (`more` says
 * the search should be narrowed). Searching is audited by the caller (who searched, not what for).
 */
import type { Bundle, Patient } from '@medplum/fhirtypes';
import {
  MAX_SERVER_PATIENTS,
  PATIENT_GENDERS,
  ServerPatientSchema,
  type ServerPatient,
  type ServerPatientQuery,
  type ServerPatientSearch,
} from '../../shared/contract-records';
import type { FhirClient } from './fhir-client';

export class PatientLookupError extends Error {
  override name = 'PatientLookupError';
}

function searchParams(query: ServerPatientQuery): Record<string, string> {
  // One more than shown, so the answer can say whether there were more.
  const count = String(MAX_SERVER_PATIENTS + 1);
  if ('identifier' in query) return { identifier: query.identifier, _count: count };
  return { family: query.familyName, birthdate: query.birthDate, _count: count };
}

/** The Patient as the name form needs it; null when the server's resource does not fit the contract. */
function serverPatient(patient: Patient): ServerPatient | null {
  const name = patient.name?.find((candidate) => candidate.use === 'official') ?? patient.name?.[0];
  const identifier = patient.identifier?.find((candidate) => candidate.value);
  const gender = PATIENT_GENDERS.find((known) => known === patient.gender) ?? null;
  const parsed = ServerPatientSchema.safeParse({
    serverId: patient.id,
    identifier: identifier ? { system: identifier.system ?? null, value: identifier.value } : null,
    givenName: name?.given?.join(' ') || null,
    familyName: name?.family ?? null,
    birthDate: patient.birthDate ?? null,
    gender,
  });
  return parsed.success ? parsed.data : null;
}

export async function findServerPatients(client: Pick<FhirClient, 'search'>, query: ServerPatientQuery, signal?: AbortSignal): Promise<ServerPatientSearch> {
  const answer = await client.search<Bundle>('Patient', searchParams(query), { signal });
  if (answer.status !== 200 || answer.body?.resourceType !== 'Bundle') {
    throw new PatientLookupError(`the FHIR server did not answer the patient search (HTTP ${answer.status})`);
  }
  const found = (answer.body.entry ?? [])
    .filter((entry) => entry.search?.mode !== 'include')
    .map((entry) => entry.resource)
    .filter((resource): resource is Patient => resource?.resourceType === 'Patient')
    .map(serverPatient)
    .filter((patient): patient is ServerPatient => patient !== null);
  return { patients: found.slice(0, MAX_SERVER_PATIENTS), more: found.length > MAX_SERVER_PATIENTS || answer.body.link?.some((link) => link.relation === 'next') === true };
}
