import { describe, expect, it } from 'vitest';
import type { StoredReading } from '../records/store';
import { bundleLinks } from './links';
import { readingObservation } from './observations';
import { StationIds } from './stable-ids';

const links = bundleLinks(new StationIds('0123456789abcdef0123456789abcdef'), 'all');

const glucose = (value: number, unit: 'mg/dL' | 'mmol/L'): StoredReading => ({
  id: 1,
  patientId: 'p-1',
  visitId: 'v-1',
  deviceId: 'meter-1',
  metric: 'glucose',
  value,
  unit,
  deviceTime: '2026-12-08T02:00:00',
  receivedAt: Date.UTC(2026, 11, 8, 2, 5),
  source: 'glucometer',
  measurementId: null,
});

describe('a glucose reading as a FHIR Observation', () => {
  // LOINC table: 41653-7 Glucose MCnc BldC Glucometer; 14743-9 Glucose SCnc BldC Glucometer (example unit mmol/L).
  it('keeps the meter\'s value and unit and is coded for that unit: a mmol/L result as 14743-9, a mg/dL one as 41653-7', () => {
    const molar = readingObservation(glucose(5.5, 'mmol/L'), links);
    expect(molar.code.coding?.map((coding) => coding.code)).toEqual(['14743-9', '160184']);
    expect(molar.valueQuantity).toEqual({ value: 5.5, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' });
    const mass = readingObservation(glucose(99, 'mg/dL'), links);
    expect(mass.code.coding?.map((coding) => coding.code)).toEqual(['41653-7', '160184']);
    expect(mass.valueQuantity?.code).toBe('mg/dL');
  });
});
