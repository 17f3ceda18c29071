/**
 * The parts of one blood-pressure measurement, in the order a clinician reads them: the monitor's
 * tile group, the trend chart and the FHIR panel (85354-9) all take them from here.
 */
import type { Metric } from './vitals';

export const BLOOD_PRESSURE_PARTS = ['systolic', 'diastolic', 'meanArterialPressure'] as const satisfies readonly Metric[];
export type BloodPressurePart = (typeof BLOOD_PRESSURE_PARTS)[number];

export const isBloodPressurePart = (metric: string): metric is BloodPressurePart => (BLOOD_PRESSURE_PARTS as readonly string[]).includes(metric);
