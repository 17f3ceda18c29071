/**
 * Simulated devices that take one measurement when asked: the blood-pressure cuff, the thermometer
 * and the scale differ only in how long they take, what they report meanwhile, and what they read.
 */
import type { Driver, DriverContext } from '../drivers/driver';
import type { Observation, SignalCondition } from '../../shared/readings';
import { asSimulatedIo, pause } from './io';
import { noise } from './noise';
import { observe, roundTo } from './observe';
import type { PatientVitals } from './scenarios';

/** How quickly an idle device notices the station's request. */
const REQUEST_POLL_MS = 200;

export interface SpotCheckSpec {
  measuringMs: number;
  /** What the device reports while it measures, for devices that say (the scale's "in motion"). */
  measuringCondition?: SignalCondition;
  /** The result; jitter(stream) is this measurement's seeded noise in [-1, 1) for that stream. */
  read(vitals: PatientVitals, jitter: (stream: number) => number): Observation[];
}

export function createSpotCheckDriver(spec: SpotCheckSpec): Driver {
  let requested = false;
  return {
    requestMeasurement() {
      requested = true;
    },
    async run(ctx: DriverContext) {
      const io = asSimulatedIo(ctx.io);
      let measurements = 0;
      ctx.setActivity('idle');
      while (await pause(ctx, REQUEST_POLL_MS)) {
        if (!requested) continue;
        ctx.setActivity('measuring');
        if (spec.measuringCondition) ctx.emit({ type: 'status', condition: spec.measuringCondition });
        if (!(await pause(ctx, spec.measuringMs))) return;
        // A request made while measuring is answered by this measurement, as on the real devices.
        requested = false;
        const index = measurements++;
        if (spec.measuringCondition) ctx.emit({ type: 'status', condition: 'ok' });
        for (const reading of spec.read(io.patient.vitalsAt(io.now()), (stream) => noise(io.seed, stream, index))) ctx.emit(reading);
        ctx.setActivity('idle');
      }
    },
  };
}

/** Inflation plus stepwise deflation of an automatic upper-arm cuff. */
export const CUFF_MEASURING_MS = 10_000;
export const THERMOMETER_MEASURING_MS = 2_000;
/** The patient stepping on and settling before the scale reports a stable weight. */
export const SCALE_MOTION_MS = 3_000;

export const bloodPressureCuff: SpotCheckSpec = {
  measuringMs: CUFF_MEASURING_MS,
  read(vitals, jitter) {
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
  },
};

export const thermometer: SpotCheckSpec = {
  measuringMs: THERMOMETER_MEASURING_MS,
  read: (vitals, jitter) => [observe('bodyTemperature', roundTo(vitals.bodyTemperature + 0.1 * jitter(1), 1))],
};

export const scale: SpotCheckSpec = {
  measuringMs: SCALE_MOTION_MS,
  measuringCondition: 'motion',
  read: (vitals, jitter) => [observe('bodyWeight', roundTo(vitals.bodyWeight + 0.1 * jitter(1), 1))],
};
