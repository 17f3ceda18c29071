import { describe, expect, it } from 'vitest';
import { DeviceClosedError } from '../drivers/driver';
import { METRIC_DEFINITIONS } from '../../shared/vitals';
import { ManualClock } from './clock';
import { GLUCOSE_DOWNLOAD_MS, meterClock } from './glucose-meter';
import { OXIMETER_SEARCH_MS } from './oximeter';
import { PLETH_MAX, PLETH_RATE_HZ } from './pleth';
import type { ScenarioName } from './scenarios';
import { createSimulator } from './simulator';
import { CUFF_MEASURING_MS, SCALE_MOTION_MS, THERMOMETER_MEASURING_MS } from './spot-check';
import { dominantRatePerMin, observations, plethSamples, startDevice, statuses } from './test-harness';

const SECOND = 1000;

function simulate(scenario: ScenarioName, seed = 42) {
  const clock = new ManualClock();
  return { clock, simulator: createSimulator({ scenario, seed, clock }) };
}

const values = (readings: { value: { value: number } }[]) => readings.map((r) => r.value.value);

describe('simulated oximeter, normal scenario', async () => {
  const { clock, simulator } = simulate('normal');
  const oximeter = await startDevice(simulator, 'sim-oximeter');
  await clock.advance(60 * SECOND);

  it('streams, searches for the pulse first, then reports ok', () => {
    expect(oximeter.activities.map((a) => a.value)).toEqual(['streaming']);
    expect(statuses(oximeter.outputs)).toEqual([
      { at: 0, value: 'searching' },
      { at: OXIMETER_SEARCH_MS, value: 'ok' },
    ]);
  });

  it('reports SpO2, pulse rate and perfusion index once a second, in the catalogue units and ranges', () => {
    for (const metric of ['spo2', 'pulseRate', 'perfusionIndex'] as const) {
      const readings = observations(oximeter.outputs, metric);
      expect(readings.length).toBe(59);
      expect(readings[1]!.at - readings[0]!.at).toBe(SECOND);
      expect(readings[0]!.at).toBe(OXIMETER_SEARCH_MS);
      for (const { value } of readings) {
        expect(value.unit).toBe(METRIC_DEFINITIONS[metric].units[0]);
        expect(value.time).toBeNull();
        expect(value.value).toBeGreaterThanOrEqual(METRIC_DEFINITIONS[metric].plausible.min);
        expect(value.value).toBeLessThanOrEqual(METRIC_DEFINITIONS[metric].plausible.max);
      }
    }
    expect(values(observations(oximeter.outputs, 'spo2')).every((v) => Number.isInteger(v) && v >= 96 && v <= 98)).toBe(true);
    expect(values(observations(oximeter.outputs, 'pulseRate')).every((v) => Number.isInteger(v) && v >= 71 && v <= 73)).toBe(true);
    const pi = values(observations(oximeter.outputs, 'perfusionIndex'));
    expect(Math.min(...pi)).toBeGreaterThanOrEqual(3.8);
    expect(Math.max(...pi)).toBeLessThanOrEqual(4.2);
    expect(new Set(pi).size).toBeGreaterThan(1);
  });

  it('sends a 60 Hz pleth on the 0..127 device scale that beats at the reported pulse rate', () => {
    const samples = plethSamples(oximeter.outputs);
    expect(samples.length).toBe((60 - OXIMETER_SEARCH_MS / SECOND) * PLETH_RATE_HZ);
    expect(samples.every((s) => Number.isInteger(s) && s >= 0 && s <= PLETH_MAX)).toBe(true);
    // and declares that scale with every chunk, so a pleth export can say what the raw numbers mean.
    const scales = oximeter.outputs.flatMap(({ value }) => (value.type === 'waveform' ? [value.scale] : []));
    expect(new Set(scales.map((scale) => JSON.stringify(scale)))).toEqual(new Set([JSON.stringify({ min: 0, max: PLETH_MAX })]));
    const meanPulse = values(observations(oximeter.outputs, 'pulseRate')).reduce((a, b) => a + b) / 59;
    expect(Math.abs(dominantRatePerMin(samples, PLETH_RATE_HZ) - meanPulse)).toBeLessThan(1);
  });

  it('stops promptly when the hub aborts it, without the clock moving', async () => {
    oximeter.abort();
    await expect(oximeter.ended).resolves.toBe('returned');
  });
});

describe('clinical scenarios through the simulated devices', () => {
  it('desaturation: SpO2 falls to 85 % or below and then recovers', async () => {
    const { clock, simulator } = simulate('desaturation');
    const oximeter = await startDevice(simulator, 'sim-oximeter');
    await clock.advance(160 * SECOND);
    const spo2 = observations(oximeter.outputs, 'spo2');
    const low = spo2.filter((r) => r.at >= 70 * SECOND && r.at <= 100 * SECOND);
    expect(Math.max(...values(low))).toBeLessThanOrEqual(85);
    expect(Math.min(...values(spo2.filter((r) => r.at >= 145 * SECOND)))).toBeGreaterThanOrEqual(96);
  });

  it.each([
    ['bradycardia', (v: number) => v <= 40],
    ['tachycardia', (v: number) => v >= 131],
  ] as const)('%s: the pulse rate and the pleth both reach the abnormal rate', async (scenario, abnormal) => {
    const { clock, simulator } = simulate(scenario);
    const oximeter = await startDevice(simulator, 'sim-oximeter');
    await clock.advance(90 * SECOND);
    const held = observations(oximeter.outputs, 'pulseRate').filter((r) => r.at >= 50 * SECOND);
    expect(held.length).toBeGreaterThan(35);
    expect(values(held).every(abnormal)).toBe(true);
    const meanPulse = values(held).reduce((a, b) => a + b) / held.length;
    expect(Math.abs(dominantRatePerMin(plethSamples(oximeter.outputs, 50 * SECOND), PLETH_RATE_HZ) - meanPulse)).toBeLessThan(1.5);
  });

  it('hypotension: the cuff measures for a few seconds, then reports a low pressure, a consistent MAP and a pulse', async () => {
    const { clock, simulator } = simulate('hypotension');
    const cuff = await startDevice(simulator, 'sim-bp-cuff');
    await clock.advance(90 * SECOND);
    expect(observations(cuff.outputs)).toEqual([]);
    cuff.driver.requestMeasurement?.();
    await clock.advance(CUFF_MEASURING_MS - SECOND);
    expect(cuff.activities.map((a) => a.value)).toEqual(['idle', 'measuring']);
    expect(observations(cuff.outputs)).toEqual([]);
    await clock.advance(2 * SECOND);
    expect(cuff.activities.map((a) => a.value)).toEqual(['idle', 'measuring', 'idle']);
    const byMetric = Object.fromEntries(observations(cuff.outputs).map(({ value }) => [value.metric, value]));
    expect(Object.keys(byMetric).sort()).toEqual(['diastolic', 'meanArterialPressure', 'pulseRate', 'systolic']);
    const { systolic, diastolic, meanArterialPressure, pulseRate } = byMetric as Record<string, { value: number; unit: string }>;
    expect(systolic!.value).toBeLessThanOrEqual(90);
    expect(diastolic!.value).toBeLessThan(systolic!.value);
    expect(meanArterialPressure!.value).toBe(Math.round(diastolic!.value + (systolic!.value - diastolic!.value) / 3));
    expect(pulseRate!.value).toBeGreaterThanOrEqual(108);
    expect([systolic, diastolic, meanArterialPressure].map((o) => o!.unit)).toEqual(['mm[Hg]', 'mm[Hg]', 'mm[Hg]']);
    expect(pulseRate!.unit).toBe('/min');
  });

  it('fever: the thermometer reports a febrile body temperature in Cel on request', async () => {
    const { clock, simulator } = simulate('fever');
    const thermometer = await startDevice(simulator, 'sim-thermometer');
    await clock.advance(90 * SECOND);
    thermometer.driver.requestMeasurement?.();
    await clock.advance(THERMOMETER_MEASURING_MS + SECOND);
    const [reading, ...more] = observations(thermometer.outputs);
    expect(more).toEqual([]);
    expect(reading!.value).toMatchObject({ metric: 'bodyTemperature', unit: 'Cel' });
    expect(reading!.value.value).toBeGreaterThanOrEqual(39.1);
    expect(reading!.value.value).toBeLessThanOrEqual(39.6);
  });

  it('the scale reports motion, no weight while moving, then a stable weight in kg', async () => {
    const { clock, simulator } = simulate('normal');
    const scale = await startDevice(simulator, 'sim-scale');
    scale.driver.requestMeasurement?.();
    await clock.advance(SCALE_MOTION_MS - 1);
    expect(statuses(scale.outputs).map((s) => s.value)).toEqual(['motion']);
    expect(observations(scale.outputs)).toEqual([]);
    await clock.advance(1);
    expect(statuses(scale.outputs).map((s) => s.value)).toEqual(['motion', 'ok']);
    const [weight] = observations(scale.outputs);
    expect(weight!.value).toMatchObject({ metric: 'bodyWeight', unit: 'kg' });
    expect(Math.abs(weight!.value.value - 72.5)).toBeLessThanOrEqual(0.1);
  });

  it('the glucose meter downloads stored results stamped with its clock: the day so far, then only what is new', async () => {
    const { clock, simulator } = simulate('normal');
    const meter = await startDevice(simulator, 'sim-glucose');
    await clock.advance(10 * SECOND);
    expect(observations(meter.outputs)).toEqual([]);
    const downloadedAt = clock.now() + GLUCOSE_DOWNLOAD_MS;
    meter.driver.requestMeasurement?.();
    await clock.advance(GLUCOSE_DOWNLOAD_MS + SECOND);
    const first = observations(meter.outputs).map((r) => r.value);
    expect(first.map((o) => [o.time, o.glucose?.meal, o.unit, o.measurement])).toEqual([
      [meterClock(downloadedAt - 180 * 60 * SECOND), 'before-meal', 'mg/dL', 0],
      [meterClock(downloadedAt - 60 * 60 * SECOND), 'after-meal', 'mg/dL', 1],
      [meterClock(downloadedAt - 60 * SECOND), null, 'mg/dL', 2],
    ]);
    // Around the patient's 104 mg/dL: within the noise before a meal and now, raised after one.
    expect(Math.abs(first[2]!.value - 104)).toBeLessThanOrEqual(4);
    expect(first[1]!.value).toBeGreaterThan(first[2]!.value + 30);
    await clock.advance(5 * 60 * SECOND);
    const secondAt = clock.now() + GLUCOSE_DOWNLOAD_MS;
    meter.driver.requestMeasurement?.();
    await clock.advance(GLUCOSE_DOWNLOAD_MS + SECOND);
    const second = observations(meter.outputs).map((r) => r.value).slice(3);
    expect(second.map((o) => [o.time, o.measurement])).toEqual([[meterClock(secondAt - 60 * SECOND), 3]]);
  });

  it('probe-off: reports probe-off and sends no numbers or pleth until the probe is back and the pulse found', async () => {
    const { clock, simulator } = simulate('probe-off');
    const oximeter = await startDevice(simulator, 'sim-oximeter');
    await clock.advance(60 * SECOND);
    expect(statuses(oximeter.outputs)).toEqual([
      { at: 0, value: 'searching' },
      { at: OXIMETER_SEARCH_MS, value: 'ok' },
      { at: 10 * SECOND, value: 'probe-off' },
      { at: 40 * SECOND, value: 'searching' },
      { at: 40 * SECOND + OXIMETER_SEARCH_MS, value: 'ok' },
    ]);
    const silentFrom = 10 * SECOND + 1;
    const silentTo = 40 * SECOND + OXIMETER_SEARCH_MS;
    expect(observations(oximeter.outputs).filter((r) => r.at >= silentFrom && r.at < silentTo)).toEqual([]);
    expect(plethSamples(oximeter.outputs, silentFrom, silentTo)).toEqual([]);
    // Numbers resume the moment the pulse is found, then every second up to and including 60 s.
    expect(observations(oximeter.outputs, 'spo2').filter((r) => r.at >= silentTo).length).toBe(19);
  });

  it('device-disconnect: the oximeter candidate goes away, its driver sees the device closed, and it comes back', async () => {
    const { clock, simulator } = simulate('device-disconnect');
    const changes: number[] = [];
    simulator.source.onChange(() => changes.push(clock.now()));
    const oximeter = await startDevice(simulator, 'sim-oximeter');
    const listed = async () => (await simulator.source.list()).map((c) => c.driverId);

    await clock.advance(10 * SECOND - 1);
    expect(await listed()).toContain('sim-oximeter');
    await clock.advance(1);
    expect(changes).toEqual([10 * SECOND]);
    expect(await listed()).toEqual(['sim-bp-cuff', 'sim-thermometer', 'sim-scale', 'sim-glucose']);
    await expect(oximeter.ended).resolves.toBeInstanceOf(DeviceClosedError);
    const lastReading = observations(oximeter.outputs).at(-1)!;
    expect(lastReading.at).toBeLessThanOrEqual(10 * SECOND);

    await clock.advance(30 * SECOND);
    expect(changes).toEqual([10 * SECOND, 40 * SECOND]);
    expect(await listed()).toContain('sim-oximeter');
    const reconnected = await startDevice(simulator, 'sim-oximeter');
    await clock.advance(5 * SECOND);
    expect(observations(reconnected.outputs, 'spo2').length).toBeGreaterThan(0);
  });

  it('flapping-signal: the probe keeps dropping out and coming back, with no numbers while it is off', async () => {
    const { clock, simulator } = simulate('flapping-signal');
    const oximeter = await startDevice(simulator, 'sim-oximeter');
    await clock.advance(40 * SECOND);
    const seen = statuses(oximeter.outputs);
    expect(seen.filter((s) => s.value === 'probe-off').map((s) => s.at)).toEqual([4, 12, 20, 28, 36].map((s) => s * SECOND));
    // The first lock, then one after each 2 s search that follows the probe going back on.
    expect(seen.filter((s) => s.value === 'ok').map((s) => s.at)).toEqual([2, 8, 16, 24, 32, 40].map((s) => s * SECOND));
    for (const off of seen.filter((s) => s.value === 'probe-off')) {
      expect(observations(oximeter.outputs).filter((r) => r.at > off.at && r.at < off.at + 4 * SECOND)).toEqual([]);
    }
  });

  it('play() starts another scenario from its beginning and plugs back any unplugged device', async () => {
    const { clock, simulator } = simulate('device-disconnect');
    await clock.advance(20 * SECOND);
    expect(simulator.source.isPlugged('sim-oximeter')).toBe(false);
    simulator.play('desaturation');
    expect(simulator.scenario).toBe('desaturation');
    expect(simulator.source.isPlugged('sim-oximeter')).toBe(true);
    // The earlier scenario's remaining events are cancelled.
    const oximeter = await startDevice(simulator, 'sim-oximeter');
    await clock.advance(90 * SECOND);
    expect(simulator.source.isPlugged('sim-oximeter')).toBe(true);
    expect(Math.min(...values(observations(oximeter.outputs, 'spo2')))).toBeLessThanOrEqual(85);
    expect(() => simulator.play('asystole' as ScenarioName)).toThrow(/Unknown scenario/);
  });
});

describe('determinism', () => {
  async function session(seed: number) {
    const { clock, simulator } = simulate('desaturation', seed);
    const oximeter = await startDevice(simulator, 'sim-oximeter');
    const cuff = await startDevice(simulator, 'sim-bp-cuff');
    cuff.driver.requestMeasurement?.();
    await clock.advance(30 * SECOND);
    cuff.driver.requestMeasurement?.();
    await clock.advance(30 * SECOND);
    return [oximeter.outputs, cuff.outputs];
  }

  it('the same seed gives the same readings, another seed different ones', async () => {
    const first = await session(9);
    expect(await session(9)).toEqual(first);
    expect(await session(10)).not.toEqual(first);
  });
});

describe('SimulatedSource', () => {
  it('lists simulated candidates that name their driver', async () => {
    const { simulator } = simulate('normal');
    const candidates = await simulator.source.list();
    expect(candidates.map((c) => [c.transport, c.driverId])).toEqual([
      ['simulated', 'sim-oximeter'],
      ['simulated', 'sim-bp-cuff'],
      ['simulated', 'sim-thermometer'],
      ['simulated', 'sim-scale'],
      ['simulated', 'sim-glucose'],
    ]);
    expect(new Set(candidates.map((c) => c.key)).size).toBe(5);
    expect(simulator.manifests.every((m) => m.transport === 'simulated')).toBe(true);
  });

  it('starts with only the devices it was given, and notifies on plug and unplug but not on no-ops', async () => {
    const clock = new ManualClock();
    const simulator = createSimulator({ clock, devices: ['sim-oximeter'] });
    let changes = 0;
    const unsubscribe = simulator.source.onChange(() => changes++);
    expect((await simulator.source.list()).map((c) => c.driverId)).toEqual(['sim-oximeter']);
    simulator.source.plug('sim-oximeter');
    simulator.source.unplug('sim-scale');
    expect(changes).toBe(0);
    simulator.source.plug('sim-scale');
    simulator.source.unplug('sim-scale');
    expect(changes).toBe(2);
    unsubscribe();
    simulator.source.plug('sim-scale');
    expect(changes).toBe(2);
  });

  it('tells every listener even when one throws, then reports the failure', () => {
    const { simulator } = simulate('normal');
    const heard: string[] = [];
    simulator.source.onChange(() => {
      throw new Error('listener broke');
    });
    simulator.source.onChange(() => heard.push('second'));
    expect(() => simulator.source.unplug('sim-scale')).toThrow('listener broke');
    expect(heard).toEqual(['second']);
  });

  it('refuses mismatched, foreign and unplugged devices with clear errors', async () => {
    const { simulator } = simulate('normal');
    const [oximeter, cuff] = await simulator.source.list();
    const [oximeterManifest] = simulator.manifests;
    await expect(simulator.source.open(cuff!, oximeterManifest!)).rejects.toThrow('cannot be opened with driver sim-oximeter');
    await expect(simulator.source.open({ ...oximeter!, transport: 'hid' }, oximeterManifest!)).rejects.toThrow('Not a simulated device');
    await expect(simulator.source.open({ ...oximeter!, driverId: 'cms50' }, oximeterManifest!)).rejects.toThrow('Not a simulated device');
    simulator.source.unplug('sim-oximeter');
    await expect(simulator.source.open(oximeter!, oximeterManifest!)).rejects.toBeInstanceOf(DeviceClosedError);
  });

  it('gives an io that answers measure commands only on measuring devices, and fails with DeviceClosedError once closed', async () => {
    const { clock, simulator } = simulate('normal');
    const [oximeter, cuff] = await simulator.source.list();
    const oximeterIo = await simulator.source.open(oximeter!, simulator.manifests[0]!);
    const cuffIo = await simulator.source.open(cuff!, simulator.manifests[1]!);
    const bytes = (text: string) => new TextEncoder().encode(text);
    await expect(oximeterIo.write(bytes('measure\n'))).rejects.toThrow('sim-oximeter cannot be started from the station');
    await expect(cuffIo.write(bytes('inflate to 300\n'))).rejects.toThrow('sim-bp-cuff: unknown command "inflate to 300"');
    await expect(cuffIo.sendFeatureReport(bytes('x'))).rejects.toThrow('no HID feature reports');
    // The cuff says it is idle, then stays silent until asked.
    expect(new TextDecoder().decode((await cuffIo.read(10))!)).toBe('{"type":"activity","activity":"idle"}\n');
    const silent = cuffIo.read(500);
    await clock.advance(500);
    await expect(silent).resolves.toBeNull();
    const pending = cuffIo.read(10_000);
    await cuffIo.close();
    await expect(pending).rejects.toBeInstanceOf(DeviceClosedError);
    await expect(cuffIo.read(10)).rejects.toBeInstanceOf(DeviceClosedError);
    await oximeterIo.close();
  });
});
