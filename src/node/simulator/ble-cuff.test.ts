/**
 * The simulated Bluetooth cuff through the real BLE source, GATT driver and 0x2A35 decoder: what
 * web mode with --simulate shows as a Bluetooth device.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceInfo, StationReading } from '../../shared/contract';
import { decodeBloodPressure } from '../ble/gatt/measurements';
import { bleManifests } from '../ble/gatt-driver';
import { PeripheralHub } from '../hub/hub';
import { encodeBloodPressure, SIM_BLE_CUFF_INTERVAL_MS } from './ble-cuff';
import { ManualClock } from './clock';
import { observe } from './observe';
import { createSimulator } from './simulator';

describe('simulated Bluetooth cuff', () => {
  it('encodes what the decoder reads back', () => {
    const bytes = encodeBloodPressure([observe('systolic', 121), observe('diastolic', 79), observe('meanArterialPressure', 93), observe('pulseRate', 72)]);
    const decoded = decodeBloodPressure(new Uint8Array(bytes));
    expect(decoded).toMatchObject({ ok: true, value: { unit: 'mmHg', systolic: { value: 121 }, diastolic: { value: 79 }, meanArterialPressure: { value: 93 }, pulseRate: { value: 72 }, time: null } });
  });

  it('appears as a Bluetooth device with signal and battery, and indicates a measurement per interval', async () => {
    const clock = new ManualClock(Date.parse('2026-01-02T08:00:00Z'));
    const simulator = createSimulator({ clock, seed: 7 });
    const hub = new PeripheralHub({ sources: [simulator.bleSource], drivers: bleManifests, pollIntervalMs: 60_000, log: () => undefined });
    const readings: StationReading[] = [];
    hub.on('reading', (reading) => readings.push(reading));
    const idle = new Promise<DeviceInfo[]>((resolve) => hub.on('devices', (devices) => devices[0]?.state === 'idle' && resolve(devices)));
    await hub.start();
    await idle;
    await expect.poll(() => hub.devices()[0]).toMatchObject({ id: 'ble:sim-ble-cuff', transport: 'ble', driverId: 'ble-blood-pressure', radio: { rssiDbm: -58, batteryPercent: 87 } });
    await clock.advance(SIM_BLE_CUFF_INTERVAL_MS - 1);
    expect(readings).toEqual([]);

    const firstFour = new Promise<void>((resolve) => hub.on('reading', () => readings.length === 4 && resolve()));
    await clock.advance(1);
    await firstFour;
    expect(readings.map((r) => r.metric)).toEqual(['systolic', 'diastolic', 'meanArterialPressure', 'pulseRate']);
    expect(readings.every((r) => r.source === 'blood-pressure-cuff' && r.provenance === 'live' && r.measurementId === readings[0]?.measurementId)).toBe(true);
    const [systolic, diastolic] = readings;
    expect(systolic!.value).toBeGreaterThan(diastolic!.value);

    const nextFour = new Promise<void>((resolve) => hub.on('reading', () => readings.length === 8 && resolve()));
    await clock.advance(SIM_BLE_CUFF_INTERVAL_MS);
    await nextFour;
    expect(readings[4]?.measurementId).not.toBe(readings[0]?.measurementId);
    simulator.stop();
    await hub.close();
  });
});
