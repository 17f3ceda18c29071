/**
 * One Observation for one clock minute of a continuous metric (../records/minute-summaries.ts):
 * the same profile, category, LOINC and MDC codes and UCUM unit as a single reading of it, over
 * effectivePeriod (the minute's start and end) instead of a point in time; valueQuantity is the
 * minute's median, its lowest and highest readings are components.
 *
 * The statistic is coded with HL7's observation-statistics code system (R4: "median", "minimum",
 * "maximum"; terminology.hl7.org), made for exactly this: saying which statistic of a series a
 * value is. Observation.method carries "median" (how the value was obtained), and each component's
 * code names its statistic, with text saying it is of the same parameter over the same minute.
 */
import type { CodeableConcept, Observation } from '@medplum/fhirtypes';
import { METRIC_DEFINITIONS, type MeasurementSource, type UcumUnit } from '../../shared/vitals';
import { MINUTE_MS, minuteStatistics, type SummaryKey } from '../records/minute-summaries';
import type { StoredReading } from '../records/store';
import { codeOf } from './codes';
import type { ResourceLinks } from './links';
import { exportQuantity, observationBase, readingShape } from './observations';

export const STATISTICS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-statistics';

/** A minute's summary as the sync loads it: its outbox record id, what it names and the readings it stands for. */
export interface MinuteSummary {
  recordId: string;
  key: SummaryKey;
  /** At least one; all of key's device, metric and minute. */
  readings: readonly StoredReading[];
}

const statistic = (code: 'median' | 'minimum' | 'maximum', display: string, text: string): CodeableConcept => ({ coding: [{ system: STATISTICS_SYSTEM, code, display }], text });

export function summaryObservation(summary: MinuteSummary, links: ResourceLinks): Observation & { id: string } {
  const { key, readings } = summary;
  const stats = minuteStatistics(readings);
  const source: MeasurementSource | null = readings[0]?.source ?? null;
  const shape = readingShape(key);
  const quantity = (value: number) => exportQuantity({ metric: key.metric, value, unit: stats.unit }, shape.units);
  const label = METRIC_DEFINITIONS[key.metric].label;
  const base = observationBase(links, {
    kind: 'reading-summary',
    recordId: summary.recordId,
    effective: { start: key.minuteStart, end: key.minuteStart + MINUTE_MS },
    category: shape.category,
    profile: shape.profile,
    patientId: key.patientId,
    visitId: key.visitId,
    deviceId: key.deviceId,
  });
  return {
    ...base,
    code: codeOf(key.metric, source, quantity(stats.median).code as UcumUnit),
    valueQuantity: quantity(stats.median),
    method: statistic('median', 'Median', `Median of ${stats.count} readings over one clock minute`),
    component: [
      { code: statistic('minimum', 'Minimum', `Lowest ${label} of the minute`), valueQuantity: quantity(stats.min) },
      { code: statistic('maximum', 'Maximum', `Highest ${label} of the minute`), valueQuantity: quantity(stats.max) },
    ],
  };
}
