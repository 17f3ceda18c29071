/**
 * Code systems and the codes of a metric, from the catalogue in src/shared/vitals.ts (nothing is
 * repeated here but the FHIR-side systems and the R4 vital-signs profile of each metric).
 */
import type { CodeableConcept, Coding as FhirCoding, Quantity } from '@medplum/fhirtypes';
import { MDC_SYSTEM, loincOf, mdcOf, type MeasurementSource, type Metric, type UcumUnit } from '../../shared/vitals';

export const UCUM_SYSTEM = 'http://unitsofmeasure.org';
export const SNOMED_SYSTEM = 'http://snomed.info/sct';
export const CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const DATA_ABSENT_SYSTEM = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
export const V2_0203_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const PROFILE_BASE = 'http://hl7.org/fhir/StructureDefinition/';

/** Metrics sent as vital signs: their R4 profile and the units that profile accepts (first = convert to). */
export const VITAL_SIGN_PROFILES: Partial<Record<Metric, { profile: string; units: readonly UcumUnit[] }>> = {
  spo2: { profile: 'oxygensat', units: ['%'] },
  pulseRate: { profile: 'heartrate', units: ['/min'] },
  heartRate: { profile: 'heartrate', units: ['/min'] },
  respiratoryRate: { profile: 'resprate', units: ['/min'] },
  bodyTemperature: { profile: 'bodytemp', units: ['Cel', '[degF]'] },
  bodyWeight: { profile: 'bodyweight', units: ['kg', '[lb_av]', 'g'] },
  meanArterialPressure: { profile: 'vitalsigns', units: ['mm[Hg]'] },
};

/** LOINC codes of a value in `unit` (exported as it is) and the MDC code, the latter only when its source is known or does not matter. */
export function codingsOf(metric: Metric, source: MeasurementSource | null, unit: UcumUnit): FhirCoding[] {
  const mdc = mdcOf(metric, source);
  return [...loincOf(metric, unit), ...(mdc ? [{ system: MDC_SYSTEM, code: String(mdc.code), display: mdc.refId }] : [])];
}

export function codeOf(metric: Metric, source: MeasurementSource | null, unit: UcumUnit): CodeableConcept {
  return { coding: codingsOf(metric, source, unit) };
}

export function ucumQuantity(value: number, unit: UcumUnit): Quantity {
  return { value, unit, system: UCUM_SYSTEM, code: unit };
}
