import type { Device, Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { PatientRecord, StoredReading } from '../records/store';
import { watchDeviceId } from '../wearables/watch-identity';
import { buildPatientBundle, type ExportContext } from './patient-bundle';

const CONTEXT: ExportContext = { stationId: 'station-0001', patientIdentifierSystem: null, careSetting: 'station', softwareVersion: '1.0.0', visits: [] };
const PATIENT: PatientRecord = { id: 'p-1', createdAt: 0, givenName: 'Ada', familyName: 'Watchwearer', birthDate: null, gender: 'female', identifier: null };
const WATCH_ID = watchDeviceId({ manufacturer: 'garmin', model: 'fenix 6', serialNumber: '3991234567' });

const reading = (id: number, metric: StoredReading['metric'], value: number, unit: StoredReading['unit']): StoredReading => ({
  id,
  patientId: PATIENT.id,
  visitId: null,
  deviceId: WATCH_ID,
  metric,
  value,
  unit,
  deviceTime: '2026-12-06T23:59:59+01:00',
  receivedAt: Date.UTC(2026, 11, 7, 9),
  source: 'wearable',
  measurementId: null,
});

describe("a watch's readings in the FHIR export", () => {
  const bundle = buildPatientBundle(PATIENT, [reading(1, 'steps', 8000, '/d'), reading(2, 'restingHeartRate', 52, '/min'), reading(3, 'hrvRmssd', 42.5, 'ms')], { charted: [], scores: [] }, Date.UTC(2026, 11, 7, 10), CONTEXT);
  const resources = bundle.entry!.map((entry) => entry.resource!);
  const observations = resources.filter((resource): resource is Observation => resource.resourceType === 'Observation');

  it('are Observations with their codes, UCUM units, the watch time and a method saying they come from a wearable', () => {
    expect(observations.map((observation) => [observation.code.coding?.[0]?.code, observation.valueQuantity, observation.effectiveDateTime, observation.category?.[0]?.coding?.[0]?.code])).toEqual([
      ['41950-7', { value: 8000, unit: '/d', system: 'http://unitsofmeasure.org', code: '/d' }, '2026-12-06T22:59:59.000Z', 'activity'],
      ['40443-4', { value: 52, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' }, '2026-12-06T22:59:59.000Z', 'vital-signs'],
      ['hrv-rmssd', { value: 42.5, unit: 'ms', system: 'http://unitsofmeasure.org', code: 'ms' }, '2026-12-06T22:59:59.000Z', 'vital-signs'],
    ]);
    for (const observation of observations) {
      expect(observation.method?.text).toMatch(/^Consumer wearable \(watch\)/);
      expect(observation.encounter).toBeUndefined();
    }
  });

  it('point at a Device naming the watch: maker, model, serial number and kind', () => {
    const device = resources.find((resource): resource is Device => resource.resourceType === 'Device' && resource.serialNumber !== undefined);
    expect(device).toMatchObject({ manufacturer: 'garmin', modelNumber: 'fenix 6', serialNumber: '3991234567', type: { text: 'Wearable (smartwatch)' } });
    for (const observation of observations) expect(observation.device?.reference).toBe(`urn:uuid:${device!.id}`);
  });
});
