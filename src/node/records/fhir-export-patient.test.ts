import { describe, expect, it } from 'vitest';
import { ANONYMOUS_PATIENT } from './anonymous-patient';
import { buildPatientBundle } from './fhir-export';
import type { PatientRecord } from './store';

const EXPORTED_AT = Date.UTC(2025, 0, 15, 9, 0);

function exportedPatient(patient: PatientRecord): Record<string, unknown> {
  const bundle = buildPatientBundle(patient, [], { charted: [], scores: [] }, EXPORTED_AT) as { entry: { resource: Record<string, unknown> }[] };
  return bundle.entry[0]!.resource;
}

describe('the exported Patient', () => {
  it('has no name while nobody has named the patient: the station’s placeholders are not a name', () => {
    const patient = exportedPatient({ ...ANONYMOUS_PATIENT, id: 'p-anonymous', createdAt: EXPORTED_AT });
    expect(patient).toEqual({ resourceType: 'Patient', id: 'p-anonymous', gender: 'unknown' });
  });

  it('carries the name a nurse gave, with the identifier and birth date', () => {
    const patient = exportedPatient({ id: 'p-named', createdAt: EXPORTED_AT, givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' });
    expect(patient).toEqual({
      resourceType: 'Patient',
      id: 'p-named',
      identifier: [{ value: 'MRN-1' }],
      name: [{ family: 'Fairweather', given: ['Imogen'] }],
      gender: 'female',
      birthDate: '1950-07-21',
    });
  });
});
