import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { fhirProblems } from '../../../test/fhir/fhir-validation';
import type { StoredWaveform } from '../records/store';
import { bundleLinks } from './links';
import { plethObservation } from './pleth-segment';
import { StationIds } from './stable-ids';

const AT = Date.UTC(2025, 0, 15, 9, 1, 20);
const ids = new StationIds('0123456789abcdef0123456789abcdef');
const links = bundleLinks(ids, 'all');

/** Ten seconds of a CMS50's 60 Hz pleth on its 0..127 scale. */
const SEGMENT: StoredWaveform = {
  id: 42,
  patientId: 'p-1',
  visitId: 'v-1',
  deviceId: 'ox-1',
  metric: 'pleth',
  rateHz: 60,
  startedAt: AT,
  samples: Array.from({ length: 600 }, (_, i) => 64 + Math.round(40 * Math.sin(i / 9))),
  scale: { min: 0, max: 127 },
};

describe('a pleth segment as a FHIR Observation', () => {
  it('is SampledData of the raw integers with period in ms, origin and factor from the device scale, MDC 150452, over the segment', () => {
    const observation = plethObservation(SEGMENT, links);
    expect(observation.code.coding).toEqual([{ system: 'urn:iso:std:iso:11073:10101', code: '150452', display: 'MDC_PULS_OXIM_PLETH' }]);
    expect(observation.valueSampledData).toEqual({
      origin: { value: 0, unit: '1', system: 'http://unitsofmeasure.org', code: '1' },
      period: 1_000 / 60,
      factor: 1 / 127,
      dimensions: 1,
      data: SEGMENT.samples.join(' '),
    });
    expect(observation.effectivePeriod).toEqual({ start: '2025-01-15T09:01:20.000Z', end: '2025-01-15T09:01:30.000Z' });
    expect(observation.effectiveDateTime).toBeUndefined();
    expect(observation.subject).toEqual(links.subject('p-1'));
    expect(observation.encounter).toEqual(links.encounter('v-1'));
    expect(observation.device).toEqual(links.device('ox-1'));
    expect(observation.id).toBe(ids.uuid('pleth-segment', 42));
    expect(observation.identifier).toEqual([ids.identifier('pleth-segment', 42)]);
  });

  it('maps a scale that does not start at 0 onto 0..1: origin + factor × raw is 0 at its lowest and 1 at its highest', () => {
    const { origin, factor } = plethObservation({ ...SEGMENT, scale: { min: -50, max: 200 } }, links).valueSampledData!;
    expect(origin.value! + factor! * -50).toBeCloseTo(0, 12);
    expect(origin.value! + factor! * 200).toBeCloseTo(1, 12);
  });

  it('refuses a segment without a raw scale and one that is not pleth', () => {
    expect(() => plethObservation({ ...SEGMENT, scale: null }, links)).toThrow('has no raw scale');
    expect(() => plethObservation({ ...SEGMENT, metric: 'ecg' }, links)).toThrow('not pleth');
  });

  it('passes the R4 base (medplum), FHIR.js and the station rules; a broken one of each kind fails (negative controls)', () => {
    const observation = plethObservation(SEGMENT, links);
    expect(fhirProblems(observation)).toEqual([]);
    const sampled = observation.valueSampledData!;
    const broken = (change: Partial<NonNullable<Observation['valueSampledData']>>): Observation => ({ ...observation, valueSampledData: { ...sampled, ...change } });
    // R4 base: SampledData.origin and .period are 1..1.
    const { period: _period, ...withoutPeriod } = sampled;
    expect(fhirProblems({ ...observation, valueSampledData: withoutPeriod as typeof sampled }).join('\n')).toMatch(/period/i);
    expect(fhirProblems(broken({ dimensions: 2 }))).toContain('pleth: 2 dimensions, expected 1');
    expect(fhirProblems(broken({ data: '1 2.5 3' }))).toContain('pleth: data are not raw integers');
    expect(fhirProblems(broken({ origin: { value: 0, unit: '%', system: 'http://unitsofmeasure.org', code: '%' } }))).toContain('pleth: origin is not a dimensionless UCUM quantity');
    const long = plethObservation({ ...SEGMENT, samples: [...SEGMENT.samples, ...SEGMENT.samples] }, links);
    expect(fhirProblems(long)).toContain('pleth: a segment of 20000 ms, more than 10 s');
  });
});
