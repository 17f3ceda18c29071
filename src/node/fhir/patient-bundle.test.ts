import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS_PATIENT } from '../records/anonymous-patient';
import type { PatientRecord } from '../records/store';
import { buildPatientBundle, type ExportContext } from './patient-bundle';
import { StationIds } from './stable-ids';

const EXPORTED_AT = Date.UTC(2025, 0, 15, 9, 0);
const CONTEXT: ExportContext = { stationId: 'station-0001', patientIdentifierSystem: null, careSetting: 'station', softwareVersion: '1.0.0', visits: [] };
const ids = new StationIds(CONTEXT.stationId);

function exportedPatient(patient: PatientRecord, context: Partial<ExportContext> = {}): Patient {
  const bundle = buildPatientBundle(patient, [], { charted: [], scores: [] }, EXPORTED_AT, { ...CONTEXT, ...context });
  return bundle.entry![0]!.resource as Patient;
}

const stationIdentifier = (patientId: string) => ({ ...ids.identifier('patient', patientId), use: 'secondary' });

describe('the exported Patient', () => {
  it('has no name while nobody has named the patient: the station’s placeholders are not a name', () => {
    const patient = exportedPatient({ ...ANONYMOUS_PATIENT, id: 'p-anonymous', createdAt: EXPORTED_AT });
    expect(patient).toEqual({ resourceType: 'Patient', id: ids.uuid('patient', 'p-anonymous'), identifier: [stationIdentifier('p-anonymous')], gender: 'unknown' });
  });

  it('carries the name a nurse gave, the clinic’s MR identifier under the configured system, and the birth date', () => {
    const record: PatientRecord = { id: 'p-named', createdAt: EXPORTED_AT, givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' };
    const patient = exportedPatient(record, { patientIdentifierSystem: 'https://clinic.example/mrn' });
    expect(patient).toEqual({
      resourceType: 'Patient',
      id: ids.uuid('patient', 'p-named'),
      identifier: [
        { use: 'usual', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' }] }, system: 'https://clinic.example/mrn', value: 'MRN-1' },
        stationIdentifier('p-named'),
      ],
      name: [{ family: 'Fairweather', given: ['Imogen'] }],
      gender: 'female',
      birthDate: '1950-07-21',
    });
  });

  it('gets the same id and identifiers every time it is exported', () => {
    const record: PatientRecord = { ...ANONYMOUS_PATIENT, id: 'p-again', createdAt: EXPORTED_AT };
    expect(exportedPatient(record)).toEqual(exportedPatient(record));
    expect(exportedPatient(record).id).not.toBe(exportedPatient(record, { stationId: 'station-0002' }).id);
  });
});
