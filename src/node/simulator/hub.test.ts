/** The simulator through the real PeripheralHub: the path web mode and the training panel use. */
import { afterEach, describe, expect, it } from 'vitest';
import { StationReadingSchema, type StationReading } from '../../shared/contract';
import { PeripheralHub } from '../hub/hub';
import { ManualClock } from './clock';
import { createSimulator } from './simulator';
import { CUFF_MEASURING_MS } from './spot-check';

const OXIMETER = 'simulated:sim-oximeter';
const CUFF = 'simulated:sim-bp-cuff';

describe('simulated devices in the PeripheralHub', () => {
  let hub: PeripheralHub | undefined;
  afterEach(async () => hub?.close());

  async function station() {
    const clock = new ManualClock();
    const simulator = createSimulator({ scenario: 'normal', seed: 5, clock });
    const logged: string[] = [];
    hub = new PeripheralHub({ sources: [simulator.source], drivers: simulator.manifests, pollIntervalMs: 60_000, retry: { initialMs: 10, maxMs: 10 }, log: (m) => logged.push(m) });
    const readings: StationReading[] = [];
    hub.on('reading', (reading) => readings.push(reading));
    await hub.start();
    const state = (id: string) => hub!.devices().find((d) => d.id === id)?.state;
    return { clock, simulator, hub, readings, logged, state };
  }

  it('lists all five simulated devices with their drivers and streams oximeter readings', async () => {
    const { clock, hub, readings, logged, state } = await station();
    expect(hub.devices().map((d) => [d.id, d.driverId, d.transport, d.canRequestMeasurement])).toEqual([
      [OXIMETER, 'sim-oximeter', 'simulated', false],
      [CUFF, 'sim-bp-cuff', 'simulated', true],
      ['simulated:sim-thermometer', 'sim-thermometer', 'simulated', true],
      ['simulated:sim-scale', 'sim-scale', 'simulated', true],
      ['simulated:sim-glucose', 'sim-glucose', 'simulated', true],
    ]);
    await clock.advance(5_000);
    expect(state(OXIMETER)).toBe('streaming');
    expect(state(CUFF)).toBe('idle');
    const spo2 = readings.filter((r) => r.deviceId === OXIMETER && r.metric === 'spo2');
    expect(spo2.length).toBe(4);
    expect(spo2.every((r) => r.unit === '%' && r.value >= 96 && r.value <= 98 && r.deviceTime === null)).toBe(true);
    expect(logged).toEqual([]);
  });

  it('runs a cuff measurement the station requests', async () => {
    const { clock, hub, readings, state } = await station();
    await clock.advance(1_000);
    hub.requestMeasurement(CUFF);
    await clock.advance(1_000);
    expect(state(CUFF)).toBe('measuring');
    await clock.advance(CUFF_MEASURING_MS);
    expect(state(CUFF)).toBe('idle');
    expect(readings.filter((r) => r.deviceId === CUFF).map((r) => [r.metric, r.unit])).toEqual([
      ['systolic', 'mm[Hg]'],
      ['diastolic', 'mm[Hg]'],
      ['meanArterialPressure', 'mm[Hg]'],
      ['pulseRate', '/min'],
    ]);
  });

  it('gives every part of one cuff measurement one measurement id, and the next measurement another', async () => {
    const { clock, hub, readings } = await station();
    for (let i = 0; i < 2; i++) {
      hub.requestMeasurement(CUFF);
      await clock.advance(CUFF_MEASURING_MS + 1_000);
    }
    const cuff = readings.filter((r) => r.deviceId === CUFF);
    expect(cuff).toHaveLength(8);
    const ids = cuff.map((r) => r.measurementId);
    expect(ids[0]).toEqual(expect.any(String));
    expect(new Set(ids.slice(0, 4)).size).toBe(1);
    expect(new Set(ids.slice(4)).size).toBe(1);
    expect(ids[4]).not.toBe(ids[0]);
    // A streaming oximeter's values stand alone.
    expect(readings.filter((r) => r.deviceId === OXIMETER).every((r) => r.measurementId === null)).toBe(true);
  });

  it("codes the cuff's pulse MDC_PULS_RATE_NON_INV and the oximeter's MDC_PULS_OXIM_PULS_RATE", async () => {
    const { clock, hub, readings } = await station();
    hub.requestMeasurement(CUFF);
    await clock.advance(CUFF_MEASURING_MS + 1_000);
    const pulse = (deviceId: string) => readings.find((r) => r.deviceId === deviceId && r.metric === 'pulseRate');
    expect(pulse(CUFF)).toMatchObject({ source: 'blood-pressure-cuff', mdc: 149546, loinc: ['8867-4'] });
    expect(pulse(OXIMETER)).toMatchObject({ source: 'pulse-oximeter', mdc: 149530, loinc: ['8867-4'] });
    for (const reading of readings) expect(StationReadingSchema.parse(reading)).toEqual(reading);
  });

  it('shows probe-off, then disconnection, then the device streaming again after replug', async () => {
    const { clock, simulator, readings, state } = await station();
    simulator.play('probe-off');
    await clock.advance(11_000);
    expect(state(OXIMETER)).toBe('probe-off');

    simulator.source.unplug('sim-oximeter');
    await expect.poll(() => state(OXIMETER)).toBe('disconnected');
    const before = readings.length;

    simulator.play('normal');
    await expect.poll(() => state(OXIMETER)).toBe('streaming');
    await clock.advance(3_000);
    expect(readings.slice(before).some((r) => r.deviceId === OXIMETER && r.metric === 'spo2')).toBe(true);
  });
});
