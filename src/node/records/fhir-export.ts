/**
 * A patient's record as a FHIR R4 Bundle: the Patient and one Observation per reading, following
 * the R4 vital-signs profiles (clinical-references.md section 2): category vital-signs, the
 * profile's LOINC code plus the MDC code, UCUM quantities, effectiveDateTime and a subject
 * reference; oxygen saturation with both 2708-6 and 59408-5; blood pressure as an 85354-9 panel
 * with systolic and diastolic components.
 */
import { randomUUID } from 'node:crypto';
import { toCanonicalUnit } from '../../shared/clinical/units';
import { LOINC_SYSTEM, MDC_SYSTEM, METRIC_DEFINITIONS, mdcOf, type Coding, type MeasurementSource, type Metric, type UcumUnit } from '../../shared/vitals';
import type { PatientRecord, StoredReading } from './store';

const UCUM_SYSTEM = 'http://unitsofmeasure.org';
const CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
const DATA_ABSENT_SYSTEM = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
const PROFILE_BASE = 'http://hl7.org/fhir/StructureDefinition/';

type Json = Record<string, unknown>;

/** Metrics exported as vital signs: their R4 profile and the units that profile accepts (first = convert to). */
const VITAL_SIGN_PROFILES: Partial<Record<Metric, { profile: string; units: readonly UcumUnit[] }>> = {
  spo2: { profile: 'oxygensat', units: ['%'] },
  pulseRate: { profile: 'heartrate', units: ['/min'] },
  heartRate: { profile: 'heartrate', units: ['/min'] },
  respiratoryRate: { profile: 'resprate', units: ['/min'] },
  bodyTemperature: { profile: 'bodytemp', units: ['Cel', '[degF]'] },
  bodyWeight: { profile: 'bodyweight', units: ['kg', '[lb_av]', 'g'] },
  meanArterialPressure: { profile: 'vitalsigns', units: ['mm[Hg]'] },
};

const BP_PANEL: Coding = { system: LOINC_SYSTEM, code: '85354-9', display: 'Blood pressure panel with all children optional' };
const BP_MDC: Coding = { system: MDC_SYSTEM, code: '150020', display: 'MDC_PRESS_BLD_NONINV' };
const BP_PARTS = ['systolic', 'diastolic', 'meanArterialPressure'] as const;

/** LOINC and MDC codes of a reading; the MDC code only when its source is known or does not matter. */
function codingsOf(metric: Metric, source: MeasurementSource | null): Coding[] {
  const mdc = mdcOf(metric, source);
  return [...METRIC_DEFINITIONS[metric].loinc, ...(mdc ? [{ system: MDC_SYSTEM, code: String(mdc.code), display: mdc.refId }] : [])];
}

function quantity(value: number, unit: UcumUnit): Json {
  return { value, unit, system: UCUM_SYSTEM, code: unit };
}

/**
 * When the reading was taken: the device's own time for stored readings, else when the station
 * received it. Device clocks carry no zone; they are set in the station's locale, so a zone-less
 * device time is read as station-local time (FHIR requires a zone on any dateTime with a time).
 */
function effectiveDateTime(reading: StoredReading): string {
  if (reading.deviceTime !== null) {
    const parsed = new Date(reading.deviceTime);
    if (!Number.isNaN(parsed.getTime())) return parsed.toISOString();
  }
  return new Date(reading.receivedAt).toISOString();
}

/** The reading in a unit its profile accepts; the stored unit when allowed, else converted. */
function exportQuantity(reading: StoredReading, accepted: readonly UcumUnit[]): Json {
  if (accepted.includes(reading.unit)) return quantity(reading.value, reading.unit);
  const canonical = toCanonicalUnit(reading.metric, reading.value, reading.unit);
  if (!canonical.ok || !accepted.includes(canonical.unit)) throw new Error(`cannot export ${reading.metric} in ${reading.unit}`);
  return quantity(canonical.value, canonical.unit);
}

function observationBase(patientRef: string, effective: string, category: 'vital-signs' | 'laboratory', profile: string | null): Json {
  return {
    resourceType: 'Observation',
    id: randomUUID(),
    ...(profile ? { meta: { profile: [`${PROFILE_BASE}${profile}`] } } : {}),
    status: 'final',
    category: [{ coding: [{ system: CATEGORY_SYSTEM, code: category, display: category === 'vital-signs' ? 'Vital Signs' : 'Laboratory' }] }],
    subject: { reference: patientRef },
    effectiveDateTime: effective,
  };
}

function singleObservation(reading: StoredReading, patientRef: string): Json {
  const vitalSign = VITAL_SIGN_PROFILES[reading.metric];
  if (vitalSign) {
    return {
      ...observationBase(patientRef, effectiveDateTime(reading), 'vital-signs', vitalSign.profile),
      code: { coding: codingsOf(reading.metric, reading.source) },
      valueQuantity: exportQuantity(reading, vitalSign.units),
    };
  }
  if (reading.metric === 'glucose') {
    // A meter glucose is a laboratory result, not a vital sign; 41653-7 is mass/volume, hence mg/dL.
    return {
      ...observationBase(patientRef, effectiveDateTime(reading), 'laboratory', null),
      code: { coding: codingsOf('glucose', reading.source) },
      valueQuantity: exportQuantity(reading, ['mg/dL']),
    };
  }
  // Perfusion index (61006-3) is measured at the bedside like a vital sign but has no R4 profile.
  return {
    ...observationBase(patientRef, effectiveDateTime(reading), 'vital-signs', null),
    code: { coding: codingsOf(reading.metric, reading.source) },
    valueQuantity: exportQuantity(reading, METRIC_DEFINITIONS[reading.metric].units),
  };
}

type BpParts = Partial<Record<(typeof BP_PARTS)[number], StoredReading>>;

/** Systolic, diastolic and mean of one measurement form one panel. */
function bloodPressurePanel(parts: BpParts, patientRef: string): Json {
  const first = parts.systolic ?? parts.diastolic ?? parts.meanArterialPressure;
  if (!first) throw new Error('a blood pressure panel needs at least one reading');
  const component = (metric: (typeof BP_PARTS)[number]) => {
    const reading = parts[metric];
    const code = { coding: codingsOf(metric, reading?.source ?? null) };
    if (reading) return { code, valueQuantity: exportQuantity(reading, ['mm[Hg]']) };
    return { code, dataAbsentReason: { coding: [{ system: DATA_ABSENT_SYSTEM, code: 'unknown', display: 'Unknown' }] } };
  };
  return {
    ...observationBase(patientRef, effectiveDateTime(first), 'vital-signs', 'bp'),
    code: { coding: [BP_PANEL, BP_MDC] },
    component: [component('systolic'), component('diastolic'), ...(parts.meanArterialPressure ? [component('meanArterialPressure')] : [])],
  };
}

function patientResource(patient: PatientRecord): Json {
  return {
    resourceType: 'Patient',
    id: patient.id,
    ...(patient.identifier ? { identifier: [{ value: patient.identifier }] } : {}),
    name: [{ family: patient.familyName, given: [patient.givenName] }],
    gender: patient.gender,
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
  };
}

/**
 * A patient's bundle, built reading by reading so a long record can be written out a page at a
 * time: `add` gives the Observations a reading completes, `finish` the blood-pressure panels still
 * open at the end. Fed every reading in order, it makes exactly the entries of buildPatientBundle.
 */
export class PatientBundleBuilder {
  readonly patientRef: string;
  readonly #panels = new Map<string, BpParts>();

  constructor(readonly patient: PatientRecord) {
    this.patientRef = `urn:uuid:${patient.id}`;
  }

  /** The bundle's own fields, everything but the entries. */
  head(now: number): Json {
    return { resourceType: 'Bundle', id: randomUUID(), type: 'collection', timestamp: new Date(now).toISOString() };
  }

  /** The Patient, the bundle's first entry. */
  patientEntry(): Json {
    return { fullUrl: this.patientRef, resource: patientResource(this.patient) };
  }

  /** The entries this reading completes (none while it waits for the rest of its panel). */
  add(reading: StoredReading): Json[] {
    if (reading.patientId !== this.patient.id) throw new Error('a reading of another patient reached the export');
    const bpPart = BP_PARTS.find((part) => part === reading.metric);
    if (bpPart) {
      // Parts arrive milliseconds apart: the measurement id says what belongs together. Rows recorded
      // before it was kept fall back to the same device and time.
      const key = reading.measurementId ?? `${reading.deviceId}\u0000${reading.deviceTime ?? reading.receivedAt}`;
      const panel = this.#panels.get(key) ?? {};
      // The same part twice at one time is a second measurement, not part of this panel.
      if (panel[bpPart]) return [entryOf(bloodPressurePanel({ [bpPart]: reading }, this.patientRef))];
      this.#panels.set(key, { ...panel, [bpPart]: reading });
      return [];
    }
    return [entryOf(singleObservation(reading, this.patientRef))];
  }

  /** The panels still open: the last entries. */
  finish(): Json[] {
    const entries: Json[] = [];
    for (const parts of this.#panels.values()) {
      if (parts.systolic || parts.diastolic) entries.push(entryOf(bloodPressurePanel(parts, this.patientRef)));
      // A mean pressure without systolic or diastolic is no panel: it goes out on its own (8478-0).
      else if (parts.meanArterialPressure) entries.push(entryOf(singleObservation(parts.meanArterialPressure, this.patientRef)));
    }
    this.#panels.clear();
    return entries;
  }
}

const entryOf = (resource: Json): Json => ({ fullUrl: `urn:uuid:${resource.id as string}`, resource });

export function buildPatientBundle(patient: PatientRecord, readings: readonly StoredReading[], now: number): Json {
  const builder = new PatientBundleBuilder(patient);
  return { ...builder.head(now), entry: [builder.patientEntry(), ...readings.flatMap((reading) => builder.add(reading)), ...builder.finish()] };
}
