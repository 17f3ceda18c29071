/**
 * Whatever the station can record, it exports valid FHIR: readings of every metric of the
 * catalogue (src/shared/vitals.ts), in every unit it may arrive in, from every kind of device or
 * none, blood-pressure parts in any grouping, in one patient's Bundle: all of it passes
 * ./fhir-validation.ts (medplum R4 base and profiles, FHIR.js, our own rules).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCanonicalUnit } from '../../src/shared/clinical/units';
import { METRIC_DEFINITIONS, METRICS, MEASUREMENT_SOURCES } from '../../src/shared/vitals';
import { patientExportContext } from '../../src/node/fhir/export-settings';
import { buildPatientBundle } from '../../src/node/fhir/patient-bundle';
import type { ReadingInput } from '../../src/node/records/store';
import { openTestStation, type TestStation } from '../../src/node/records/test-support';
import { bundleProblems } from './fhir-validation';

const AT = Date.UTC(2025, 0, 15, 9, 0);
const KINDS = METRICS.flatMap((metric) => METRIC_DEFINITIONS[metric].units.map((unit) => [metric, unit] as const));

let station: TestStation;
beforeAll(async () => {
  station = await openTestStation();
});
afterAll(() => station.db.close());

const readings = fc.array(
  fc.record({
    kind: fc.constantFrom(...KINDS),
    // Any value with up to one decimal the records accept (inside the metric's possible range).
    tenths: fc.integer({ min: 1, max: 3_000 }),
    source: fc.constantFrom(null, ...MEASUREMENT_SOURCES),
    device: fc.constantFrom('ox', 'cuff', 'scale'),
    measurement: fc.constantFrom(null, 'm1', 'm2'),
    stored: fc.boolean(),
    second: fc.integer({ min: 0, max: 5 }),
  }).filter(({ kind: [metric, unit], tenths }) => toCanonicalUnit(metric, tenths / 10, unit).ok),
  { minLength: 1, maxLength: 25 },
);

describe('FHIR export of anything the records can hold', () => {
  it('passes every FHIR check, whatever the metrics, units, devices and panels', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(readings, fc.constantFrom('station' as const, 'home' as const), (drawn, careSetting) => {
        const patient = station.store.createPatient({ givenName: 'Ünal', familyName: 'O’Brien', birthDate: null, gender: 'other', identifier: 'MRN 7' });
        const visit = station.store.startVisit(patient.id, 'station');
        const inputs: ReadingInput[] = drawn.map(({ kind: [metric, unit], tenths, source, device, measurement, stored, second }) => ({
          deviceId: device,
          metric,
          unit,
          value: tenths / 10,
          source,
          measurementId: measurement,
          deviceTime: stored ? new Date(AT + second * 1_000).toISOString().slice(0, 19) : null,
          receivedAt: AT + second * 1_000,
        }));
        station.db.transaction(() => inputs.forEach((input) => station.store.recordReading(patient.id, visit.id, input)))();
        const context = patientExportContext(station.store, patient.id, { patientIdentifierSystem: 'urn:oid:2.16.840.1.113883.2.1.4.1', careSetting });
        const bundle = buildPatientBundle(patient, station.store.readings(patient.id), station.store.news2Record(patient.id), AT, context);
        expect(bundleProblems(bundle)).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
