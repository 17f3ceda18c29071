/**
 * Firmware of simulated devices that take one measurement when asked: the blood-pressure cuff, the
 * thermometer and the scale differ only in how long they take, what they report meanwhile, and
 * what they read.
 */
import type { Observation, SignalCondition } from '../../shared/readings';
import { noise } from './noise';
import { observe, roundTo } from './observe';
import type { DevicePort, Firmware } from './port';
import type { PatientVitals } from './scenarios';

export interface SpotCheckSpec {
  measuringMs: number;
  /** What the device reports while it measures, for devices that say (the scale's "in motion"). */
  measuringCondition?: SignalCondition;
  /** The result; jitter(stream) is this measurement's seeded noise in [-1, 1) for that stream. */
  read(vitals: PatientVitals, jitter: (stream: number) => number): Observation[];
}

export function spotCheckFirmware(spec: SpotCheckSpec): Firmware {
  return async (port: DevicePort) => {
    port.send({ type: 'activity', activity: 'idle' });
    for (let index = 0; ; index++) {
      await port.measureRequested();
      port.send({ type: 'activity', activity: 'measuring' });
      if (spec.measuringCondition) port.send({ type: 'status', condition: spec.measuringCondition });
      await port.sleep(spec.measuringMs);
      // A second press during a measurement is answered by this one, not by another inflation.
      port.discardRequests();
      if (spec.measuringCondition) port.send({ type: 'status', condition: 'ok' });
      // Every value of one measurement carries its number, so a cuff's parts stay one reading.
      for (const reading of spec.read(port.patient.vitalsAt(port.now()), (stream) => noise(port.seed, stream, index))) port.send({ ...reading, measurement: index });
      port.send({ type: 'activity', activity: 'idle' });
    }
  };
}

/** Inflation plus stepwise deflation of an automatic upper-arm cuff. */
export const CUFF_MEASURING_MS = 10_000;
export const THERMOMETER_MEASURING_MS = 2_000;
/** The patient stepping on and settling before the scale reports a stable weight. */
export const SCALE_MOTION_MS = 3_000;

/** What a simulated cuff (USB-like or Bluetooth) reads from the patient. */
export const readCuff: SpotCheckSpec['read'] = (vitals, jitter) => {
  const systolic = Math.round(vitals.systolic + 3 * jitter(1));
  const diastolic = Math.round(vitals.diastolic + 2 * jitter(2));
  // The usual one-third-of-pulse-pressure estimate, as oscillometric cuffs display it.
  const mean = Math.round(diastolic + (systolic - diastolic) / 3);
  return [
    observe('systolic', systolic),
    observe('diastolic', diastolic),
    observe('meanArterialPressure', mean),
    observe('pulseRate', Math.round(vitals.pulseRate + 2 * jitter(3))),
  ];
};

export const bloodPressureCuff = spotCheckFirmware({ measuringMs: CUFF_MEASURING_MS, read: readCuff });

export const thermometer = spotCheckFirmware({
  measuringMs: THERMOMETER_MEASURING_MS,
  read: (vitals, jitter) => [observe('bodyTemperature', roundTo(vitals.bodyTemperature + 0.1 * jitter(1), 1))],
});

export const scale = spotCheckFirmware({
  measuringMs: SCALE_MOTION_MS,
  measuringCondition: 'motion',
  read: (vitals, jitter) => [observe('bodyWeight', roundTo(vitals.bodyWeight + 0.1 * jitter(1), 1))],
});
