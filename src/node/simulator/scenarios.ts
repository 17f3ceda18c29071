/**
 * Clinical scenarios for staff training and alarm tests. A scenario is data: keyframed target
 * values for the simulated patient and timed events for the simulated devices.
 */
import type { Metric } from '../../shared/vitals';
import { logText } from '../../shared/log-text';

export const SIMULATED_DEVICE_IDS = ['sim-oximeter', 'sim-bp-cuff', 'sim-thermometer', 'sim-scale', 'sim-glucose'] as const;
export type SimulatedDeviceId = (typeof SIMULATED_DEVICE_IDS)[number];

export function isSimulatedDeviceId(id: unknown): id is SimulatedDeviceId {
  return (SIMULATED_DEVICE_IDS as readonly unknown[]).includes(id);
}

/** The quantities the simulated patient has; mean arterial pressure is derived from systolic and diastolic. */
export const PATIENT_VITALS = [
  'spo2',
  'pulseRate',
  'perfusionIndex',
  'respiratoryRate',
  'systolic',
  'diastolic',
  'bodyTemperature',
  'bodyWeight',
  'glucose',
] as const satisfies readonly Metric[];
export type PatientVital = (typeof PATIENT_VITALS)[number];
export type PatientVitals = Record<PatientVital, number>;

/** A healthy resting adult, in the first unit of each metric's definition. */
export const BASELINE_VITALS: PatientVitals = {
  spo2: 97,
  pulseRate: 72,
  perfusionIndex: 4,
  respiratoryRate: 14,
  systolic: 122,
  diastolic: 78,
  bodyTemperature: 36.8,
  bodyWeight: 72.5,
  // mg/dL; a fasting value inside the ADA target range (80-130 mg/dL before meals).
  glucose: 104,
};

/** [ms since the scenario started, target value]; linear in between, held after the last. */
export type Keyframe = readonly [atMs: number, value: number];

export type ScenarioEvent =
  | { atMs: number; action: 'probe-off' | 'probe-on' }
  | { atMs: number; action: 'unplug' | 'plug'; device: SimulatedDeviceId };

export const SCENARIO_NAMES = [
  'normal',
  'desaturation',
  'bradycardia',
  'tachycardia',
  'hypotension',
  'fever',
  'probe-off',
  'device-disconnect',
  'flapping-signal',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export function isScenarioName(name: unknown): name is ScenarioName {
  return (SCENARIO_NAMES as readonly unknown[]).includes(name);
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** What a trainee will see, in words for the training panel. */
  description: string;
  tracks: Partial<Record<PatientVital, readonly Keyframe[]>>;
  events: readonly ScenarioEvent[];
  /** When set, the whole timeline starts over after this long (tracks and events alike). */
  repeatEveryMs?: number;
}

const SECOND = 1000;

/** Hold the baseline, move to a target, hold it, and (optionally) come back. */
function excursion(baseline: number, target: number, startS: number, reachS: number, recoverFromS?: number, recoveredS?: number): Keyframe[] {
  const frames: Keyframe[] = [
    [startS * SECOND, baseline],
    [reachS * SECOND, target],
  ];
  if (recoverFromS !== undefined && recoveredS !== undefined) frames.push([recoverFromS * SECOND, target], [recoveredS * SECOND, baseline]);
  return frames;
}

const B = BASELINE_VITALS;

const SCENARIOS: Record<ScenarioName, Scenario> = {
  normal: {
    name: 'normal',
    title: 'Normal',
    description: 'A healthy resting adult: every value in the normal range, signal good.',
    tracks: {},
    events: [],
  },
  desaturation: {
    name: 'desaturation',
    title: 'Desaturation',
    description: 'SpO₂ falls from 97 % to 84 % over a minute, stays low for 30 s, then recovers; pulse rises a little.',
    tracks: {
      spo2: excursion(B.spo2, 84, 10, 70, 100, 140),
      pulseRate: excursion(B.pulseRate, 96, 10, 70, 100, 140),
      respiratoryRate: excursion(B.respiratoryRate, 24, 10, 70, 100, 140),
    },
    events: [],
  },
  bradycardia: {
    name: 'bradycardia',
    title: 'Bradycardia',
    description: 'Pulse rate slows from 72 to 38 /min over 30 s, stays there for a minute, then recovers.',
    tracks: { pulseRate: excursion(B.pulseRate, 38, 10, 40, 100, 130) },
    events: [],
  },
  tachycardia: {
    name: 'tachycardia',
    title: 'Tachycardia',
    description: 'Pulse rate climbs from 72 to 142 /min over 30 s, stays there for a minute, then recovers.',
    tracks: { pulseRate: excursion(B.pulseRate, 142, 10, 40, 100, 130) },
    events: [],
  },
  hypotension: {
    name: 'hypotension',
    title: 'Hypotension',
    description: 'Blood pressure falls to 82/48 mmHg over a minute and stays low, with a compensating pulse of 112 /min. Take a cuff reading.',
    tracks: {
      systolic: excursion(B.systolic, 82, 20, 80),
      diastolic: excursion(B.diastolic, 48, 20, 80),
      pulseRate: excursion(B.pulseRate, 112, 20, 80),
      perfusionIndex: excursion(B.perfusionIndex, 1.2, 20, 80),
    },
    events: [],
  },
  fever: {
    name: 'fever',
    title: 'Fever',
    description: 'Body temperature rises to 39.4 °C over a minute and stays there, with pulse 104 /min and breathing 22 /min. Take a temperature.',
    tracks: {
      bodyTemperature: excursion(B.bodyTemperature, 39.4, 20, 80),
      pulseRate: excursion(B.pulseRate, 104, 20, 80),
      respiratoryRate: excursion(B.respiratoryRate, 22, 20, 80),
    },
    events: [],
  },
  'probe-off': {
    name: 'probe-off',
    title: 'Probe off',
    description: 'The oximeter probe comes off the finger after 10 s and goes back on at 40 s: no SpO₂ or pulse while it is off.',
    tracks: {},
    events: [
      { atMs: 10 * SECOND, action: 'probe-off' },
      { atMs: 40 * SECOND, action: 'probe-on' },
    ],
  },
  'device-disconnect': {
    name: 'device-disconnect',
    title: 'Device disconnect',
    description: 'The oximeter is unplugged after 10 s and plugged back in at 40 s.',
    tracks: {},
    events: [
      { atMs: 10 * SECOND, action: 'unplug', device: 'sim-oximeter' },
      { atMs: 40 * SECOND, action: 'plug', device: 'sim-oximeter' },
    ],
  },
  'flapping-signal': {
    name: 'flapping-signal',
    title: 'Flapping signal',
    description: 'A loose probe: off for 2 s every 8 s, over and over, so the signal keeps dropping out and coming back.',
    tracks: {},
    events: [
      { atMs: 4 * SECOND, action: 'probe-off' },
      { atMs: 6 * SECOND, action: 'probe-on' },
    ],
    repeatEveryMs: 8 * SECOND,
  },
};

export function getScenario(name: string): Scenario {
  if (!isScenarioName(name)) throw new Error(`Unknown scenario ${logText(name)}; known scenarios: ${SCENARIO_NAMES.join(', ')}`);
  return SCENARIOS[name];
}

export function listScenarios(): { name: ScenarioName; title: string; description: string }[] {
  return SCENARIO_NAMES.map((name) => {
    const { title, description } = SCENARIOS[name];
    return { name, title, description };
  });
}
