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
import { isAnonymousPatient } from './anonymous-patient';
import type { PatientRecord, StoredNews2Charted, StoredNews2Score, StoredReading } from './store';

const UCUM_SYSTEM = 'http://unitsofmeasure.org';
const SNOMED_SYSTEM = 'http://snomed.info/sct';
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

const CATEGORY_DISPLAY = { 'vital-signs': 'Vital Signs', laboratory: 'Laboratory', exam: 'Exam', survey: 'Survey' } as const;

function observationBase(patientRef: string, effective: string, category: keyof typeof CATEGORY_DISPLAY, profile: string | null, id: string = randomUUID()): Json {
  return {
    resourceType: 'Observation',
    id,
    ...(profile ? { meta: { profile: [`${PROFILE_BASE}${profile}`] } } : {}),
    status: 'final',
    category: [{ coding: [{ system: CATEGORY_SYSTEM, code: category, display: CATEGORY_DISPLAY[category] }] }],
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

/**
 * ACVPU as SNOMED CT findings, where the sources agree: 248234008 alert, 450847001 responds to
 * pain and 422768004 unresponsive are in both the IHE mPSC ValueSet Level.Of.Responsiveness.AVPU.VS
 * and the PH Road Safety IG's SILPH-LevelofConsciousness ValueSet. For V the two disagree
 * (255373000 "Verbal" vs 300202002 "Voice") and new confusion (C) is in neither, so those two go
 * out as text only rather than with a code we could not verify.
 */
const ACVPU_SNOMED: Partial<Record<string, Coding>> = {
  A: { system: SNOMED_SYSTEM, code: '248234008', display: 'Mentally alert' },
  P: { system: SNOMED_SYSTEM, code: '450847001', display: 'Responds to pain' },
  U: { system: SNOMED_SYSTEM, code: '422768004', display: 'Unresponsive' },
};
const ACVPU_TEXT: Record<string, string> = { A: 'Alert', C: 'New confusion', V: 'Responds to voice', P: 'Responds to pain', U: 'Unresponsive' };

/**
 * LOINC 80288-4 "Level of consciousness", as HL7 Denmark's DK Core example Observation
 * MaxConsciousness codes an AVPU finding. No LOINC code for "on supplemental oxygen (yes/no)" or
 * for the Scale 2 prescription could be verified (3150-0 and 3151-8 are inhaled oxygen
 * concentration and flow, not whether oxygen is given), so those carry text only.
 */
const LEVEL_OF_CONSCIOUSNESS: Coding = { system: LOINC_SYSTEM, code: '80288-4', display: 'Level of consciousness' };

/** A charted NEWS2 observation; its id is the record's, so a score can reference it in derivedFrom. */
function chartedObservation(charted: StoredNews2Charted, patientRef: string): Json {
  const effective = new Date(charted.enteredAt).toISOString();
  switch (charted.kind) {
    case 'respiratoryRate':
      // Counted by a person: the LOINC code only, no device (MDC) code.
      return {
        ...observationBase(patientRef, effective, 'vital-signs', 'resprate', charted.id),
        code: { coding: [...METRIC_DEFINITIONS.respiratoryRate.loinc] },
        valueQuantity: quantity(Number(charted.value), '/min'),
      };
    case 'consciousness': {
      const level = String(charted.value);
      const snomed = ACVPU_SNOMED[level];
      return {
        ...observationBase(patientRef, effective, 'exam', null, charted.id),
        code: { coding: [LEVEL_OF_CONSCIOUSNESS], text: 'Level of consciousness (ACVPU)' },
        valueCodeableConcept: { ...(snomed ? { coding: [snomed] } : {}), text: `${level}: ${ACVPU_TEXT[level] ?? level}` },
      };
    }
    case 'onOxygen':
      return { ...observationBase(patientRef, effective, 'exam', null, charted.id), code: { text: 'On supplemental oxygen (NEWS2 air or oxygen)' }, valueBoolean: charted.value === true };
    case 'spo2Scale2':
      return { ...observationBase(patientRef, effective, 'exam', null, charted.id), code: { text: 'SpO2 Scale 2 prescribed (NEWS2)' }, valueBoolean: charted.value === true };
  }
}

/**
 * SNOMED CT 1104051000000101, the code of the NEWS2 Observation of the UK Core profiles (issue 10);
 * its display is left out rather than guessed (the UK edition's preferred term was not checked here).
 */
const NEWS2_TOTAL = { system: SNOMED_SYSTEM, code: '1104051000000101' };
const NEWS2_PARAMETER_TEXT: Record<string, string> = {
  respiratoryRate: 'respiration rate',
  spo2: 'oxygen saturation',
  airOrOxygen: 'air or oxygen',
  systolic: 'systolic blood pressure',
  pulse: 'pulse rate',
  consciousness: 'level of consciousness',
  temperature: 'temperature',
};

/** A NEWS2 result: the total as the value, each parameter's sub-score a component, derived from the charted observations it used. */
function news2ScoreObservation(score: StoredNews2Score, patientRef: string): Json {
  return {
    ...observationBase(patientRef, new Date(score.scoredAt).toISOString(), 'survey', null),
    code: { coding: [NEWS2_TOTAL], text: 'NEWS2 total score' },
    valueInteger: score.total,
    interpretation: [{ text: `${score.risk} clinical risk` }],
    // No SNOMED codes for the sub-scores could be verified here: each is named in text.
    component: Object.entries(score.scores).map(([parameter, value]) => ({ code: { text: `NEWS2 ${NEWS2_PARAMETER_TEXT[parameter] ?? parameter} sub-score` }, valueInteger: value })),
    ...(score.chartedInputs.length > 0 ? { derivedFrom: score.chartedInputs.map((id) => ({ reference: `urn:uuid:${id}` })) } : {}),
  };
}

function patientResource(patient: PatientRecord): Json {
  return {
    resourceType: 'Patient',
    id: patient.id,
    ...(patient.identifier ? { identifier: [{ value: patient.identifier }] } : {}),
    // An anonymous record's placeholders are nobody's name: such a patient has none.
    ...(isAnonymousPatient(patient) ? {} : { name: [{ family: patient.familyName, given: [patient.givenName] }] }),
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

  /** The charted NEWS2 observations and the scores derived from them. */
  news2Entries(record: { charted: readonly StoredNews2Charted[]; scores: readonly StoredNews2Score[] }): Json[] {
    return [...record.charted.map((charted) => entryOf(chartedObservation(charted, this.patientRef))), ...record.scores.map((score) => entryOf(news2ScoreObservation(score, this.patientRef)))];
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

export function buildPatientBundle(
  patient: PatientRecord,
  readings: readonly StoredReading[],
  news2: { charted: readonly StoredNews2Charted[]; scores: readonly StoredNews2Score[] },
  now: number,
): Json {
  const builder = new PatientBundleBuilder(patient);
  return {
    ...builder.head(now),
    entry: [builder.patientEntry(), ...readings.flatMap((reading) => builder.add(reading)), ...builder.finish(), ...builder.news2Entries(news2)],
  };
}
