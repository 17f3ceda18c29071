/**
 * The catalogue of measured quantities the station knows: the metric names of the capture format,
 * their UCUM units and their codes (LOINC for FHIR, 32-bit IEEE 11073-10101 MDC for PCD-01 / PHD).
 * Sources: ../shared/docs/capture-format.md and clinical-references.md sections 2 and 4.
 */

export const METRICS = [
  'spo2',
  'pulseRate',
  'heartRate',
  'respiratoryRate',
  'systolic',
  'diastolic',
  'meanArterialPressure',
  'bodyTemperature',
  'bodyWeight',
  'glucose',
  'perfusionIndex',
  // Wearables (src/node/wearables/): summaries a watch computes, never live values.
  'restingHeartRate',
  'steps',
  'sleepDuration',
  'deepSleepDuration',
  'lightSleepDuration',
  'remSleepDuration',
  'hrvRmssd',
] as const;
export type Metric = (typeof METRICS)[number];

export const UCUM_UNITS = ['%', '/min', 'mm[Hg]', 'Cel', '[degF]', 'kg', 'g', '[lb_av]', '[oz_av]', 'mg/dL', 'mmol/L', '/d', 'min', 'ms'] as const;
export type UcumUnit = (typeof UCUM_UNITS)[number];

export interface Coding {
  system: string;
  code: string;
  display: string;
}

export const LOINC_SYSTEM = 'http://loinc.org';
export const MDC_SYSTEM = 'urn:iso:std:iso:11073:10101';

/**
 * What kind of device measured a value. The same quantity has different MDC codes depending on how
 * it was measured: a pulse from a cuff is not an oximeter's pulse (clinical-references.md section 4).
 */
export const MEASUREMENT_SOURCES = ['pulse-oximeter', 'blood-pressure-cuff', 'ecg', 'thermometer', 'scale', 'glucometer', 'wearable'] as const;
export type MeasurementSource = (typeof MEASUREMENT_SOURCES)[number];

export interface MdcCode {
  /** 32-bit MDC code (partition × 65536 + term code). */
  code: number;
  refId: string;
}

export interface MetricDefinition {
  label: string;
  /** Units a reading of this metric may carry; the first is the one the station displays by default. */
  units: readonly UcumUnit[];
  loinc: readonly Coding[];
  /**
   * LOINC codes for a value in another unit, where LOINC names a different property for it (a
   * glucose in mmol/L is a substance concentration, SCnc, not the mass concentration of mg/dL).
   */
  loincInUnit?: Partial<Record<UcumUnit, readonly Coding[]>>;
  /**
   * The MDC code, as one code whatever measured the value, or one per source where the source
   * changes the code (a source without one gets none rather than another source's).
   */
  mdc: MdcCode | { bySource: Partial<Record<MeasurementSource, MdcCode>> } | null;
  /** Physically possible range in the first unit; anything outside is a decoding error, not a reading. */
  plausible: { min: number; max: number };
  /** How long a live value stays current before the screen must mark it stale. */
  staleAfterMs: number;
}

const loinc = (code: string, display: string): Coding => ({ system: LOINC_SYSTEM, code, display });

/**
 * The station's own code system, for a quantity no LOINC term could be verified for (RMSSD of the
 * heart rate variability: LOINC 80404-7 is the SDNN, a different statistic). README "Wearables".
 */
export const VITALBRIDGE_METRIC_SYSTEM = 'urn:vitalbridge:codesystem:wearable-metric';

/** A wearable's summaries stay current for a day: the screen shows their age, never as live. */
const DAY_MS = 24 * 60 * 60_000;

export const METRIC_DEFINITIONS: Record<Metric, MetricDefinition> = {
  spo2: {
    label: 'SpO₂',
    units: ['%'],
    // R4 oxygensat requires 2708-6; 59408-5 says it came from a pulse oximeter.
    loinc: [loinc('2708-6', 'Oxygen saturation in Arterial blood'), loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry')],
    mdc: { code: 150456, refId: 'MDC_PULS_OXIM_SAT_O2' },
    plausible: { min: 0, max: 100 },
    staleAfterMs: 10_000,
  },
  pulseRate: {
    label: 'Pulse',
    units: ['/min'],
    loinc: [loinc('8867-4', 'Heart rate')],
    mdc: {
      bySource: {
        'pulse-oximeter': { code: 149530, refId: 'MDC_PULS_OXIM_PULS_RATE' },
        'blood-pressure-cuff': { code: 149546, refId: 'MDC_PULS_RATE_NON_INV' },
        ecg: { code: 147842, refId: 'MDC_ECG_HEART_RATE' },
      },
    },
    plausible: { min: 0, max: 350 },
    staleAfterMs: 10_000,
  },
  heartRate: {
    label: 'Heart rate',
    units: ['/min'],
    loinc: [loinc('8867-4', 'Heart rate')],
    mdc: { code: 147842, refId: 'MDC_ECG_HEART_RATE' },
    plausible: { min: 0, max: 350 },
    staleAfterMs: 10_000,
  },
  respiratoryRate: {
    label: 'Resp. rate',
    units: ['/min'],
    loinc: [loinc('9279-1', 'Respiratory rate')],
    mdc: { code: 151562, refId: 'MDC_RESP_RATE' },
    plausible: { min: 0, max: 120 },
    staleAfterMs: 30 * 60_000,
  },
  systolic: {
    label: 'Systolic',
    units: ['mm[Hg]'],
    loinc: [loinc('8480-6', 'Systolic blood pressure')],
    mdc: { code: 150021, refId: 'MDC_PRESS_BLD_NONINV_SYS' },
    plausible: { min: 0, max: 300 },
    staleAfterMs: 30 * 60_000,
  },
  diastolic: {
    label: 'Diastolic',
    units: ['mm[Hg]'],
    loinc: [loinc('8462-4', 'Diastolic blood pressure')],
    mdc: { code: 150022, refId: 'MDC_PRESS_BLD_NONINV_DIA' },
    plausible: { min: 0, max: 300 },
    staleAfterMs: 30 * 60_000,
  },
  meanArterialPressure: {
    label: 'Mean BP',
    units: ['mm[Hg]'],
    loinc: [loinc('8478-0', 'Mean blood pressure')],
    mdc: { code: 150023, refId: 'MDC_PRESS_BLD_NONINV_MEAN' },
    plausible: { min: 0, max: 300 },
    staleAfterMs: 30 * 60_000,
  },
  bodyTemperature: {
    label: 'Temperature',
    units: ['Cel', '[degF]'],
    loinc: [loinc('8310-5', 'Body temperature')],
    mdc: { code: 150364, refId: 'MDC_TEMP_BODY' },
    plausible: { min: 25, max: 45 },
    staleAfterMs: 30 * 60_000,
  },
  bodyWeight: {
    label: 'Weight',
    units: ['kg', 'g', '[lb_av]', '[oz_av]'],
    loinc: [loinc('29463-7', 'Body weight')],
    mdc: { code: 188736, refId: 'MDC_MASS_BODY_ACTUAL' },
    plausible: { min: 0, max: 500 },
    staleAfterMs: 30 * 60_000,
  },
  glucose: {
    label: 'Glucose',
    units: ['mg/dL', 'mmol/L'],
    loinc: [loinc('41653-7', 'Glucose [Mass/volume] in Capillary blood by Glucometer')],
    // 14743-9: LOINC table (Glucose, SCnc, Pt, BldC, Qn, Glucometer; example unit mmol/L).
    loincInUnit: { 'mmol/L': [loinc('14743-9', 'Glucose [Moles/volume] in Capillary blood by Glucometer')] },
    mdc: { code: 160184, refId: 'MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD' },
    plausible: { min: 0, max: 1000 },
    staleAfterMs: 60 * 60_000,
  },
  perfusionIndex: {
    label: 'Perfusion index',
    units: ['%'],
    // LOINC 61006-3 "Perfusion index Tissue by Pulse oximetry" (issue 10 item 8; loinc.org/61006-3).
    loinc: [loinc('61006-3', 'Perfusion index Tissue by Pulse oximetry')],
    mdc: { code: 150488, refId: 'MDC_BLD_PERF_INDEX' },
    plausible: { min: 0, max: 100 },
    staleAfterMs: 10_000,
  },
  // Wearable codes, each verified: loinc.org via the HL7 Physical Activity IG value set
  // pa-observation-code-time (41950-7 with UCUM /d, 40443-4) and the HL7 Personal Health Record IG
  // value set pcd-sleep-observation-code (93832-4, 93831-6, 93830-8, 93829-0; example unit min).
  restingHeartRate: {
    label: 'Resting heart rate',
    units: ['/min'],
    loinc: [loinc('40443-4', 'Heart rate --resting')],
    mdc: null,
    plausible: { min: 20, max: 200 },
    staleAfterMs: DAY_MS,
  },
  steps: {
    label: 'Steps',
    units: ['/d'],
    loinc: [loinc('41950-7', 'Number of steps in 24 hour Measured')],
    mdc: null,
    plausible: { min: 0, max: 200_000 },
    staleAfterMs: DAY_MS,
  },
  sleepDuration: {
    label: 'Sleep',
    units: ['min'],
    loinc: [loinc('93832-4', 'Sleep duration')],
    mdc: null,
    plausible: { min: 0, max: 24 * 60 },
    staleAfterMs: DAY_MS,
  },
  deepSleepDuration: {
    label: 'Deep sleep',
    units: ['min'],
    loinc: [loinc('93831-6', 'Deep sleep duration')],
    mdc: null,
    plausible: { min: 0, max: 24 * 60 },
    staleAfterMs: DAY_MS,
  },
  lightSleepDuration: {
    label: 'Light sleep',
    units: ['min'],
    loinc: [loinc('93830-8', 'Light sleep duration')],
    mdc: null,
    plausible: { min: 0, max: 24 * 60 },
    staleAfterMs: DAY_MS,
  },
  remSleepDuration: {
    label: 'REM sleep',
    units: ['min'],
    loinc: [loinc('93829-0', 'REM sleep duration')],
    mdc: null,
    plausible: { min: 0, max: 24 * 60 },
    staleAfterMs: DAY_MS,
  },
  hrvRmssd: {
    label: 'HRV (RMSSD)',
    units: ['ms'],
    loinc: [{ system: VITALBRIDGE_METRIC_SYSTEM, code: 'hrv-rmssd', display: 'Heart rate variability, RMSSD of successive beat intervals, overnight average' }],
    mdc: null,
    // Garmin's field is a uint16 in 1/128 ms (FIT profile hrv_status_summary): at most 511.99 ms.
    plausible: { min: 0, max: 512 },
    staleAfterMs: DAY_MS,
  },
};

/** The LOINC codes of a value of `metric` in `unit`: the unit's own where LOINC names another property for it. */
export function loincOf(metric: Metric, unit: UcumUnit): readonly Coding[] {
  const definition = METRIC_DEFINITIONS[metric];
  return definition.loincInUnit?.[unit] ?? definition.loinc;
}

/**
 * The MDC code of a value of `metric` measured by a `source` device; null when there is none, or
 * when the code depends on a source that is not known (readings recorded before it was kept).
 */
export function mdcOf(metric: Metric, source: MeasurementSource | null): MdcCode | null {
  const mdc = METRIC_DEFINITIONS[metric].mdc;
  if (mdc === null || !('bySource' in mdc)) return mdc;
  return source === null ? null : (mdc.bySource[source] ?? null);
}

export function isMetric(name: string): name is Metric {
  return (METRICS as readonly string[]).includes(name);
}
