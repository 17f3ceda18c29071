import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { fhirProblems } from '../../../test/fhir/fhir-validation';
import { summaryRecordId, type SummaryKey } from '../records/minute-summaries';
import type { StoredReading } from '../records/store';
import { bundleLinks } from './links';
import { STATISTICS_SYSTEM, summaryObservation, type MinuteSummary } from './reading-summary';
import { StationIds } from './stable-ids';

const AT = Date.UTC(2025, 0, 15, 9, 1);
const links = bundleLinks(new StationIds('0123456789abcdef0123456789abcdef'), 'all');

function minute(key: Omit<SummaryKey, 'patientId' | 'visitId' | 'minuteStart'>, unit: StoredReading['unit'], values: number[]): MinuteSummary {
  const full: SummaryKey = { patientId: 'p-1', visitId: 'v-1', minuteStart: AT, ...key };
  const readings = values.map((value, i): StoredReading => ({ id: i + 1, patientId: 'p-1', visitId: 'v-1', deviceId: key.deviceId, metric: key.metric, value, unit, deviceTime: null, receivedAt: AT + i * 1_000, source: 'pulse-oximeter', measurementId: null }));
  return { recordId: summaryRecordId(full), key: full, readings };
}

const SPO2 = minute({ deviceId: 'ox-1', metric: 'spo2' }, '%', [97, 95, 96, 92]);

describe('a minute summary as a FHIR Observation', () => {
  it('is the minute over effectivePeriod, the median as value with the codes and unit of a single reading, min and max as components', () => {
    const observation = summaryObservation(SPO2, links);
    expect(observation.meta?.profile).toEqual(['http://hl7.org/fhir/StructureDefinition/oxygensat']);
    expect(observation.code.coding?.map((coding) => coding.code)).toEqual(['2708-6', '59408-5', '150456']);
    expect(observation.effectivePeriod).toEqual({ start: '2025-01-15T09:01:00.000Z', end: '2025-01-15T09:02:00.000Z' });
    expect(observation.effectiveDateTime).toBeUndefined();
    expect(observation.valueQuantity).toEqual({ value: 96, unit: '%', system: 'http://unitsofmeasure.org', code: '%' });
    expect(observation.method?.coding).toEqual([{ system: STATISTICS_SYSTEM, code: 'median', display: 'Median' }]);
    expect(observation.method?.text).toBe('Median of 4 readings over one clock minute');
    expect(observation.component?.map((component) => [component.code.coding?.[0]?.code, component.valueQuantity?.value])).toEqual([
      ['minimum', 92],
      ['maximum', 97],
    ]);
    expect(observation.device).toEqual(links.device('ox-1'));
    expect(observation.encounter).toEqual(links.encounter('v-1'));
  });

  it('passes the R4 base, the vital-signs profiles (medplum), FHIR.js and the station rules, for each oximeter metric', () => {
    const pulse = minute({ deviceId: 'ox-1', metric: 'pulseRate' }, '/min', [71, 73, 72]);
    const perfusion = minute({ deviceId: 'ox-1', metric: 'perfusionIndex' }, '%', [1.2, 1.4]);
    for (const summary of [SPO2, pulse, perfusion]) expect(fhirProblems(summaryObservation(summary, links))).toEqual([]);
  });

  it('is caught by the validation when broken: no time at all, a median in another unit', () => {
    const { effectivePeriod: _period, ...observation } = summaryObservation(SPO2, links);
    expect(fhirProblems(observation).join('\n')).toMatch(/effective/);
    const wrongUnit: Observation = { ...observation, valueQuantity: { value: 96, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } };
    expect(fhirProblems(wrongUnit).length).toBeGreaterThan(0);
  });

  it('keeps its ids when built again (a resend finds it by identifier), and differs from the next minute', () => {
    expect(summaryObservation(SPO2, links)).toEqual(summaryObservation(SPO2, links));
    const next = { ...SPO2, key: { ...SPO2.key, minuteStart: AT + 60_000 } };
    const nextMinute = summaryObservation({ ...next, recordId: summaryRecordId(next.key) }, links);
    expect(nextMinute.identifier).not.toEqual(summaryObservation(SPO2, links).identifier);
  });
});
