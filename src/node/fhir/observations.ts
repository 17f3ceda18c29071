/**
 * One Observation per reading, following the R4 vital-signs profiles (clinical-references.md
 * section 2): category vital-signs, the profile's LOINC code plus the MDC code, UCUM quantities,
 * effectiveDateTime, subject, encounter, device and the station's identifier of the reading.
 */
import type { CodeableConcept, Observation, Quantity } from '@medplum/fhirtypes';
import { toCanonicalUnit } from '../../shared/clinical/units';
import { METRIC_DEFINITIONS, type UcumUnit } from '../../shared/vitals';
import type { StoredReading } from '../records/store';
import { CATEGORY_SYSTEM, PROFILE_BASE, VITAL_SIGN_PROFILES, codeOf, ucumQuantity } from './codes';
import type { ResourceLinks } from './links';
import type { RecordKind } from './stable-ids';

const CATEGORY_DISPLAY = { 'vital-signs': 'Vital Signs', laboratory: 'Laboratory', exam: 'Exam', survey: 'Survey', activity: 'Activity' } as const;
export type ObservationCategory = keyof typeof CATEGORY_DISPLAY;

/**
 * When the reading was taken: the device's own time for stored readings, else when the station
 * received it. Device clocks carry no zone; they are set in the station's locale, so a zone-less
 * device time is read as station-local time (FHIR requires a zone on any dateTime with a time).
 */
export function effectiveDateTime(reading: StoredReading): string {
  if (reading.deviceTime !== null) {
    const parsed = new Date(reading.deviceTime);
    if (!Number.isNaN(parsed.getTime())) return parsed.toISOString();
  }
  return new Date(reading.receivedAt).toISOString();
}

/** The reading in a unit its profile accepts; the stored unit when allowed, else converted. */
export function exportQuantity(reading: Pick<StoredReading, 'metric' | 'value' | 'unit'>, accepted: readonly UcumUnit[]): Quantity {
  if (accepted.includes(reading.unit)) return ucumQuantity(reading.value, reading.unit);
  const canonical = toCanonicalUnit(reading.metric, reading.value, reading.unit);
  if (!canonical.ok || !accepted.includes(canonical.unit)) throw new Error(`cannot export ${reading.metric} in ${reading.unit}`);
  return ucumQuantity(canonical.value, canonical.unit);
}

export interface ObservationHead {
  kind: RecordKind;
  recordId: string | number;
  /** A point in time (effectiveDateTime), or a span in ms since epoch (effectivePeriod: a minute's summary, a pleth segment). */
  effective: string | { start: number; end: number };
  category: ObservationCategory;
  /** The R4 profile's last URL segment; null for an Observation no vital-signs profile covers. */
  profile: string | null;
  patientId: string;
  visitId: string | null;
  deviceId?: string;
}

/** The fields every Observation of the station has: id, identifier, profile, status, category, subject, encounter, time, device. */
export function observationBase(links: ResourceLinks, head: ObservationHead): Observation & { id: string } {
  const encounter = links.encounter(head.visitId);
  return {
    resourceType: 'Observation',
    id: links.ids.uuid(head.kind, head.recordId),
    ...(head.profile ? { meta: { profile: [`${PROFILE_BASE}${head.profile}`] } } : {}),
    identifier: [links.ids.identifier(head.kind, head.recordId)],
    status: 'final',
    category: [{ coding: [{ system: CATEGORY_SYSTEM, code: head.category, display: CATEGORY_DISPLAY[head.category] }] }],
    code: {},
    subject: links.subject(head.patientId),
    ...(encounter ? { encounter } : {}),
    ...(typeof head.effective === 'string'
      ? { effectiveDateTime: head.effective }
      : { effectivePeriod: { start: new Date(head.effective.start).toISOString(), end: new Date(head.effective.end).toISOString() } }),
    ...(head.deviceId !== undefined ? { device: links.device(head.deviceId) } : {}),
  };
}

/** Where a reading's Observation goes: its profile, category and the units it accepts. */
export function readingShape(reading: Pick<StoredReading, 'metric'>): { category: ObservationCategory; profile: string | null; units: readonly UcumUnit[] } {
  const vitalSign = VITAL_SIGN_PROFILES[reading.metric];
  if (vitalSign) return { category: 'vital-signs', profile: vitalSign.profile, units: vitalSign.units };
  // A meter glucose is a laboratory result, not a vital sign; exported in the meter's unit, coded for it (loincOf).
  if (reading.metric === 'glucose') return { category: 'laboratory', profile: null, units: METRIC_DEFINITIONS.glucose.units };
  // Steps and sleep (a watch's day and night) are activity, as the HL7 Physical Activity IG files steps.
  if (ACTIVITY_METRICS.has(reading.metric)) return { category: 'activity', profile: null, units: METRIC_DEFINITIONS[reading.metric].units };
  // Perfusion index (61006-3) is measured at the bedside like a vital sign but has no R4 profile.
  return { category: 'vital-signs', profile: null, units: METRIC_DEFINITIONS[reading.metric].units };
}

const ACTIVITY_METRICS: ReadonlySet<StoredReading['metric']> = new Set(['steps', 'sleepDuration', 'deepSleepDuration', 'lightSleepDuration', 'remSleepDuration']);

/** How a watch's value was obtained: said in every Observation of one, so no reader takes it for a clinical measurement. */
export const WEARABLE_METHOD: CodeableConcept = { text: 'Consumer wearable (watch), imported from its files; not a clinical measurement' };

export function readingObservation(reading: StoredReading, links: ResourceLinks): Observation & { id: string } {
  const shape = readingShape(reading);
  const valueQuantity = exportQuantity(reading, shape.units);
  return {
    ...observationBase(links, { kind: 'reading', recordId: reading.id, effective: effectiveDateTime(reading), category: shape.category, profile: shape.profile, patientId: reading.patientId, visitId: reading.visitId, deviceId: reading.deviceId }),
    // Coded for the unit it is exported in: LOINC names mass and substance concentration apart.
    code: codeOf(reading.metric, reading.source, valueQuantity.code as UcumUnit),
    valueQuantity,
    ...(reading.source === 'wearable' ? { method: WEARABLE_METHOD } : {}),
  };
}
