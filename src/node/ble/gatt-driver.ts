/**
 * The driver of every standard BLE health profile: reads the GATT frames its io delivers (the live
 * BLE source, a capture replay or the simulator), turns measurement values into readings through
 * readings.ts and the battery level into a low-battery condition. It never writes: these profiles
 * send their measurements, and stored ones, by themselves once subscribed.
 */
import { DeviceClosedError, type Driver, type DriverContext, type DriverManifest } from '../drivers/driver';
import { decodeBatteryLevel } from './gatt/date-time';
import { decodeGattFrame } from './gatt-frame';
import { BLE_PROFILES, UUID, type BleProfile } from './profiles';
import { gattOutputs } from './readings';

/** Short enough that an abort is noticed promptly from a device that sends only when it measures. */
const READ_TIMEOUT_MS = 250;
/** At or below this the device may stop mid-measurement (a cuff deflates); Battery Service gives %. */
export const LOW_BATTERY_PERCENT = 10;

export class GattHealthDriver implements Driver {
  async run({ io, emit, setActivity, signal }: DriverContext): Promise<void> {
    setActivity('idle');
    let measurement = 0;
    try {
      while (!signal.aborted) {
        const frame = await io.read(READ_TIMEOUT_MS);
        const record = frame === null ? null : decodeGattFrame(frame);
        if (record === null) continue;
        if (record.characteristic === UUID.batteryLevel) {
          const battery = decodeBatteryLevel(record.value);
          if (battery.ok && battery.value <= LOW_BATTERY_PERCENT) emit({ type: 'status', condition: 'low-battery', detail: `battery at ${battery.value} %` });
          continue;
        }
        const { outputs, problem } = gattOutputs(record, measurement);
        // A damaged value is the device's fault, said as such; it never becomes a reading.
        if (problem !== undefined) emit({ type: 'status', condition: 'device-fault', detail: `unreadable ${record.characteristic} value: ${problem}` });
        if (outputs.some((output) => output.type === 'observation')) measurement += 1;
        for (const output of outputs) emit(output);
      }
    } catch (error) {
      if (!(error instanceof DeviceClosedError)) throw error;
    }
  }
}

export function bleManifest(profile: BleProfile): DriverManifest {
  return {
    id: profile.id,
    name: profile.name,
    transport: 'ble',
    matches: [],
    source: profile.source,
    metrics: profile.metrics,
    canRequestMeasurement: false,
    create: () => new GattHealthDriver(),
  };
}

export const bleManifests: readonly DriverManifest[] = BLE_PROFILES.map(bleManifest);
