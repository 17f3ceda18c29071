import { describe, expect, it } from 'vitest';
import { LOINC_SYSTEM, MDC_SYSTEM, MEASUREMENT_SOURCES, METRICS, METRIC_DEFINITIONS, VITALBRIDGE_METRIC_SYSTEM, isMetric, loincOf, mdcOf, type Metric } from './vitals';
import { stationReading } from './contract';

/**
 * The codes every exported reading carries, written out from ../shared/docs/clinical-references.md
 * (2.1 FHIR R4 vital-sign profiles, 2.3 glucose, 4 MDC), not from vitals.ts: a wrong LOINC or MDC
 * code sends a receiving system a different quantity than the one measured.
 */
const LOINC: Record<Metric, string[]> = {
  spo2: ['2708-6', '59408-5'],
  pulseRate: ['8867-4'],
  heartRate: ['8867-4'],
  respiratoryRate: ['9279-1'],
  systolic: ['8480-6'],
  diastolic: ['8462-4'],
  meanArterialPressure: ['8478-0'],
  bodyTemperature: ['8310-5'],
  bodyWeight: ['29463-7'],
  glucose: ['41653-7'],
  perfusionIndex: ['61006-3'],
  // HL7 Physical Activity IG (pa-observation-code-time) and Personal Health Record IG (pcd-sleep-observation-code).
  restingHeartRate: ['40443-4'],
  steps: ['41950-7'],
  sleepDuration: ['93832-4'],
  deepSleepDuration: ['93831-6'],
  lightSleepDuration: ['93830-8'],
  remSleepDuration: ['93829-0'],
  // No verified LOINC for RMSSD (80404-7 is the SDNN): the station's own code system instead.
  hrvRmssd: [],
};

/** UCUM units, the one the station displays and its rules are written in first. */
const UNITS: Record<Metric, string[]> = {
  spo2: ['%'],
  pulseRate: ['/min'],
  heartRate: ['/min'],
  respiratoryRate: ['/min'],
  systolic: ['mm[Hg]'],
  diastolic: ['mm[Hg]'],
  meanArterialPressure: ['mm[Hg]'],
  bodyTemperature: ['Cel', '[degF]'],
  bodyWeight: ['kg', 'g', '[lb_av]', '[oz_av]'],
  glucose: ['mg/dL', 'mmol/L'],
  perfusionIndex: ['%'],
  restingHeartRate: ['/min'],
  steps: ['/d'],
  sleepDuration: ['min'],
  deepSleepDuration: ['min'],
  lightSleepDuration: ['min'],
  remSleepDuration: ['min'],
  hrvRmssd: ['ms'],
};

/** 32-bit MDC codes (partition 2 × 65536 + term code) of metrics whose code does not depend on the device. */
const MDC: Partial<Record<Metric, [number, string]>> = {
  spo2: [150456, 'MDC_PULS_OXIM_SAT_O2'],
  heartRate: [147842, 'MDC_ECG_HEART_RATE'],
  respiratoryRate: [151562, 'MDC_RESP_RATE'],
  systolic: [150021, 'MDC_PRESS_BLD_NONINV_SYS'],
  diastolic: [150022, 'MDC_PRESS_BLD_NONINV_DIA'],
  meanArterialPressure: [150023, 'MDC_PRESS_BLD_NONINV_MEAN'],
  bodyTemperature: [150364, 'MDC_TEMP_BODY'],
  bodyWeight: [188736, 'MDC_MASS_BODY_ACTUAL'],
  glucose: [160184, 'MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD'],
  perfusionIndex: [150488, 'MDC_BLD_PERF_INDEX'],
};

describe('codes catalogue', () => {
  it('gives every metric the LOINC codes of its FHIR R4 profile, in the loinc.org system', () => {
    for (const metric of METRICS) {
      const codings = METRIC_DEFINITIONS[metric].loinc.filter((coding) => coding.system !== VITALBRIDGE_METRIC_SYSTEM);
      expect(codings.map((c) => c.code), metric).toEqual(LOINC[metric]);
      for (const coding of codings) expect(coding.system, metric).toBe(LOINC_SYSTEM);
    }
    expect(LOINC_SYSTEM).toBe('http://loinc.org');
  });

  it("codes only the HRV's RMSSD in the station's own system, since no LOINC term for it could be verified", () => {
    const local = METRICS.filter((metric) => METRIC_DEFINITIONS[metric].loinc.some((coding) => coding.system === VITALBRIDGE_METRIC_SYSTEM));
    expect(local).toEqual(['hrvRmssd']);
    expect(METRIC_DEFINITIONS.hrvRmssd.loinc).toEqual([expect.objectContaining({ system: 'urn:vitalbridge:codesystem:wearable-metric', code: 'hrv-rmssd' })]);
  });

  it('gives every metric its UCUM units with the canonical one first', () => {
    for (const metric of METRICS) expect(METRIC_DEFINITIONS[metric].units, metric).toEqual(UNITS[metric]);
  });

  it('gives a metric measured one way its MDC code whatever the device, and none for an unknown source either way', () => {
    for (const [metric, [code, refId]] of Object.entries(MDC) as [Metric, [number, string]][]) {
      for (const source of [...MEASUREMENT_SOURCES, null]) expect(mdcOf(metric, source), `${metric} from ${source}`).toEqual({ code, refId });
    }
    expect(MDC_SYSTEM).toBe('urn:iso:std:iso:11073:10101');
  });

  it("codes a pulse by the device that counted it, and never borrows another device's code", () => {
    expect(mdcOf('pulseRate', 'pulse-oximeter')).toEqual({ code: 149530, refId: 'MDC_PULS_OXIM_PULS_RATE' });
    expect(mdcOf('pulseRate', 'blood-pressure-cuff')).toEqual({ code: 149546, refId: 'MDC_PULS_RATE_NON_INV' });
    expect(mdcOf('pulseRate', 'ecg')).toEqual({ code: 147842, refId: 'MDC_ECG_HEART_RATE' });
    // A pulse from a device without a pulse code, or from a reading that predates the source, has no MDC code.
    for (const source of ['thermometer', 'scale', 'glucometer', 'wearable', null] as const) expect(mdcOf('pulseRate', source), String(source)).toBeNull();
  });

  it('codes a glucose by its unit: mass concentration in mg/dL, substance concentration in mmol/L (LOINC 41653-7, 14743-9)', () => {
    expect(loincOf('glucose', 'mg/dL').map((coding) => [coding.system, coding.code])).toEqual([[LOINC_SYSTEM, '41653-7']]);
    expect(loincOf('glucose', 'mmol/L').map((coding) => [coding.system, coding.code])).toEqual([[LOINC_SYSTEM, '14743-9']]);
    // Only glucose has a unit-specific code; every other metric keeps its catalogue codes in every unit.
    for (const metric of METRICS.filter((name) => name !== 'glucose')) {
      for (const unit of METRIC_DEFINITIONS[metric].units) expect(loincOf(metric, unit), `${metric} in ${unit}`).toBe(METRIC_DEFINITIONS[metric].loinc);
    }
    const reading = (unit: 'mg/dL' | 'mmol/L', value: number) => stationReading({ deviceId: 'meter', metric: 'glucose', value, unit, source: 'glucometer', deviceTime: '2026-12-08T02:00:00', receivedAt: 0, seq: 1 });
    expect(reading('mmol/L', 5.5).loinc).toEqual(['14743-9']);
    expect(reading('mg/dL', 99).loinc).toEqual(['41653-7']);
  });

  it('knows the metric names of the capture format and nothing else', () => {
    for (const metric of METRICS) expect(isMetric(metric)).toBe(true);
    for (const name of ['', 'SpO2', 'spo2 ', 'temperature', 'constructor', 'toString']) expect(isMetric(name), name).toBe(false);
  });
});
