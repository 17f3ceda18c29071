/**
 * The validation every exported or sent resource goes through (./fhir-validation.ts), shown to
 * catch what it is for: each check fails a deliberately broken resource (negative controls) and
 * passes what the station makes.
 */
import type { Bundle, Observation, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bundleProblems, fhirJsProblems, fhirProblems, medplumProblems, stationRuleProblems } from './fhir-validation';

const HEART_RATE: Observation = {
  resourceType: 'Observation',
  meta: { profile: ['http://hl7.org/fhir/StructureDefinition/heartrate'] },
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }, { system: 'urn:iso:std:iso:11073:10101', code: '149530', display: 'MDC_PULS_OXIM_PULS_RATE' }] },
  subject: { reference: 'urn:uuid:3f2a7a4e-2d53-5e0b-9d0c-1f2a3b4c5d6e', type: 'Patient' },
  effectiveDateTime: '2025-01-15T09:00:00.000Z',
  valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
};
const mmHg = (value: number) => ({ value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
const BP_PANEL: Observation = {
  ...HEART_RATE,
  meta: { profile: ['http://hl7.org/fhir/StructureDefinition/bp'] },
  code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
  valueQuantity: undefined,
  component: [
    { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: mmHg(120) },
    { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: mmHg(80) },
  ],
};
delete BP_PANEL.valueQuantity;

const broken = (change: Partial<Observation>): Resource => ({ ...HEART_RATE, ...change }) as Resource;

describe('FHIR validation of what the station exports', () => {
  it('passes a correct heart-rate Observation and a correct blood-pressure panel', () => {
    expect(fhirProblems(HEART_RATE)).toEqual([]);
    expect(fhirProblems(BP_PANEL)).toEqual([]);
  });

  it('medplum fails an Observation the heartrate profile does not allow (no category) and one without a status', () => {
    expect(medplumProblems(broken({ category: undefined }))).toEqual([expect.stringMatching(/heartrate.*VSCat|heartrate.*category/)]);
    const { status: _status, ...withoutStatus } = HEART_RATE;
    expect(medplumProblems(withoutStatus as Resource).join()).toMatch(/status/);
  });

  it('medplum fails a vs-1 time (a year only, or a month) against the profile, and passes an Observation over a period (vs-1 as fixed)', () => {
    expect(medplumProblems(broken({ effectiveDateTime: '2025' })).join()).toMatch(/vs-1/);
    expect(medplumProblems(broken({ effectiveDateTime: '2025-01' })).join()).toMatch(/vs-1/);
    const { effectiveDateTime: _time, ...overAPeriod } = HEART_RATE;
    expect(medplumProblems({ ...overAPeriod, effectivePeriod: { start: '2025-01-15T09:00:00.000Z', end: '2025-01-15T09:01:00.000Z' } })).toEqual([]);
  });

  it('FHIR.js fails a status outside its required value set, which medplum lets through', () => {
    const bogus = broken({ status: 'bogus' as Observation['status'] });
    expect(medplumProblems(bogus)).toEqual([]);
    expect(fhirJsProblems(bogus).join()).toMatch(/status/);
  });

  it('our rules fail a heart rate in another unit, an MDC code of another metric, and a missing profile, which both libraries let through', () => {
    const beats = broken({ valueQuantity: { value: 72, unit: '{beat}/min', system: 'http://unitsofmeasure.org', code: '{beat}/min' } });
    expect(medplumProblems(beats)).toEqual([]);
    expect(stationRuleProblems(beats)).toEqual(['Observation: pulseRate or heartRate in {beat}/min, not one of /min']);
    const spo2Code = broken({ code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }, { system: 'urn:iso:std:iso:11073:10101', code: '150456' }] } });
    expect(fhirJsProblems(spo2Code)).toEqual([]);
    expect(stationRuleProblems(spo2Code)).toEqual(['Observation: MDC 150456 is not a code of pulseRate or heartRate']);
    expect(stationRuleProblems(broken({ meta: {} }))).toEqual(['Observation: pulseRate or heartRate does not claim the R4 heartrate profile']);
  });

  it('our rules fail a blood-pressure panel without its diastolic, or with a pressure in %', () => {
    const systolicOnly = { ...BP_PANEL, component: BP_PANEL.component?.slice(0, 1) };
    expect(medplumProblems(systolicOnly)).toEqual([]);
    expect(stationRuleProblems(systolicOnly)).toEqual(['BP panel: 0 diastolic components, expected 1']);
    const percent = { ...BP_PANEL, component: [BP_PANEL.component![0]!, { ...BP_PANEL.component![1]!, valueQuantity: { ...mmHg(80), unit: '%', code: '%' } }] };
    expect(stationRuleProblems(percent)).toEqual(['BP panel diastolic: diastolic in %, not one of mm[Hg]']);
  });

  it('passes a collection Bundle of valid resources, and fails one whose entry has neither resource nor request (bdl-5) or whose resource is broken', () => {
    const entry = (resource: Resource, fullUrl = 'urn:uuid:3f2a7a4e-2d53-5e0b-9d0c-1f2a3b4c5d6e') => ({ fullUrl, resource });
    const collection = (entries: Bundle['entry']): Bundle => ({ resourceType: 'Bundle', type: 'collection', entry: entries });
    expect(bundleProblems(collection([entry(HEART_RATE), entry(BP_PANEL, 'urn:uuid:9d8c7b6a-5f4e-5d3c-8b2a-1f0e9d8c7b6a')]))).toEqual([]);
    expect(bundleProblems(collection([entry(HEART_RATE), { fullUrl: 'urn:uuid:5b0c1c8e-0a57-5d2b-8f3e-2c4d5e6f7a8b' }])).join()).toMatch(/bdl-5/);
    expect(bundleProblems(collection([entry(broken({ meta: {} }))]))).toEqual([
      'entry 0 (Observation urn:uuid:3f2a7a4e-2d53-5e0b-9d0c-1f2a3b4c5d6e): Observation: pulseRate or heartRate does not claim the R4 heartrate profile',
    ]);
  });
});
