/**
 * Firmware of the simulated glucose meter. Like a real one it holds results in its memory, each
 * stamped with the meter's own clock, and hands them over when the station asks for a download
 * (the meter has no live value). Each download finds one new fingerstick result: a test taken a
 * minute earlier from the simulated patient, after two of the day's earlier tests. Only results
 * the station has not downloaded yet are sent (a real meter sends its whole memory, and the
 * Contour driver drops what it already emitted: README, "Glucose meters").
 */
import type { GlucoseContext, Observation } from '../../shared/readings';
import { noise } from './noise';
import type { DevicePort, Firmware } from './port';

/** Reading the memory over USB takes a moment (the Contour's download is one frame per result). */
export const GLUCOSE_DOWNLOAD_MS = 2_000;
const MINUTE = 60_000;

/** The meter's wall clock as it stamps results: local time, no zone, to the minute. */
export function meterClock(at: number): string {
  const time = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${two(time.getMonth() + 1)}-${two(time.getDate())}T${two(time.getHours())}:${two(time.getMinutes())}`;
}

interface StoredResult {
  at: number;
  value: number;
  meal: GlucoseContext['meal'];
}

export const glucoseMeter: Firmware = async (port: DevicePort) => {
  const memory: StoredResult[] = [];
  let downloaded = 0;
  port.send({ type: 'activity', activity: 'idle' });
  for (let index = 0; ; index++) {
    await port.measureRequested();
    port.send({ type: 'activity', activity: 'measuring' });
    await port.sleep(GLUCOSE_DOWNLOAD_MS);
    port.discardRequests();
    const now = port.now();
    const fasting = port.patient.vitalsAt(now).glucose;
    const jitter = (stream: number) => noise(port.seed, stream, index);
    if (memory.length === 0) {
      // The day so far: a test before breakfast and one two hours after it.
      memory.push({ at: now - 180 * MINUTE, value: Math.round(fasting - 6 + 4 * jitter(1)), meal: 'before-meal' });
      memory.push({ at: now - 60 * MINUTE, value: Math.round(fasting + 48 + 10 * jitter(2)), meal: 'after-meal' });
    }
    memory.push({ at: now - MINUTE, value: Math.round(fasting + 4 * jitter(3)), meal: null });
    for (const result of memory.slice(downloaded)) port.send(storedObservation(result, downloaded++));
    port.send({ type: 'activity', activity: 'idle' });
  }
};

function storedObservation(result: StoredResult, measurement: number): Observation {
  return {
    type: 'observation',
    metric: 'glucose',
    value: result.value,
    unit: 'mg/dL',
    time: meterClock(result.at),
    measurement,
    glucose: { specimen: 'plasma', meal: result.meal },
  };
}
