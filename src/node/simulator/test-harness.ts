/**
 * Test support: runs a simulated device the way the hub does (list, open, create, run) and records
 * what its driver emits, stamped with the virtual time.
 */
import type { DeviceActivity, Driver } from '../drivers/driver';
import type { DriverOutput, Observation } from '../../shared/readings';
import type { Metric } from '../../shared/vitals';
import type { Simulator } from './simulator';
import type { SimulatedDeviceId } from './scenarios';

export interface Stamped<T> {
  at: number;
  value: T;
}

export interface RunningDevice {
  driver: Driver;
  outputs: Stamped<DriverOutput>[];
  activities: Stamped<DeviceActivity>[];
  /** How run() ended: 'returned', or what it rejected with. */
  ended: Promise<unknown>;
  abort(): void;
}

export async function startDevice(simulator: Simulator, id: SimulatedDeviceId): Promise<RunningDevice> {
  const candidate = (await simulator.source.list()).find((c) => c.driverId === id);
  const manifest = simulator.manifests.find((m) => m.id === id);
  if (!candidate || !manifest) throw new Error(`${id} is not attached`);
  const io = await simulator.source.open(candidate, manifest);
  const driver = manifest.create();
  const controller = new AbortController();
  const outputs: Stamped<DriverOutput>[] = [];
  const activities: Stamped<DeviceActivity>[] = [];
  const ended = driver
    .run({
      io,
      emit: (value) => outputs.push({ at: io.now(), value }),
      setActivity: (value) => activities.push({ at: io.now(), value }),
      signal: controller.signal,
    })
    .then(
      () => 'returned',
      (error: unknown) => error,
    )
    .finally(() => io.close());
  return { driver, outputs, activities, ended, abort: () => controller.abort() };
}

export function observations(outputs: readonly Stamped<DriverOutput>[], metric?: Metric): Stamped<Observation>[] {
  return outputs.flatMap(({ at, value }) => (value.type === 'observation' && (!metric || value.metric === metric) ? [{ at, value }] : []));
}

export function plethSamples(outputs: readonly Stamped<DriverOutput>[], from = -Infinity, to = Infinity): number[] {
  return outputs.flatMap(({ at, value }) => (value.type === 'waveform' && at >= from && at < to ? value.samples : []));
}

export function statuses(outputs: readonly Stamped<DriverOutput>[]): Stamped<string>[] {
  return outputs.flatMap(({ at, value }) => (value.type === 'status' ? [{ at, value: value.condition }] : []));
}

/** The beat rate of a waveform at `rateHz`, from the shortest lag at which it best resembles itself. */
export function dominantRatePerMin(samples: readonly number[], rateHz: number): number {
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const centred = samples.map((s) => s - mean);
  const minLag = Math.floor((rateHz * 60) / 250);
  const maxLag = Math.ceil((rateHz * 60) / 25);
  const correlation: number[] = [];
  for (let lag = minLag; lag <= maxLag; lag++) {
    let sum = 0;
    for (let i = 0; i + lag < centred.length; i++) sum += centred[i]! * centred[i + lag]!;
    correlation.push(sum / (centred.length - lag));
  }
  const best = Math.max(...correlation);
  // A multiple of the period correlates about as well as the period itself: the first peak near the best wins.
  const at = (i: number) => correlation[i] ?? -Infinity;
  const peak = correlation.findIndex((c, i) => c >= 0.9 * best && c >= at(i - 1) && c >= at(i + 1));
  // Parabolic interpolation between lags, for rates whose period is not a whole number of samples.
  const [before, here, after] = [at(peak - 1), at(peak), at(peak + 1)];
  const curvature = before - 2 * here + after;
  const offset = Number.isFinite(curvature) && curvature !== 0 ? (before - after) / (2 * curvature) : 0;
  return (rateHz * 60) / (minLag + peak + offset);
}
