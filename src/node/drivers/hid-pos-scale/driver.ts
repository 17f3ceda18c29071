/**
 * Reads a HID POS scale until the device goes away. The scale sends reports by itself (continuously
 * or on change, by model); the driver never writes, so it cannot disturb the tare.
 */
import { DeviceClosedError, type Driver, type DriverContext } from '../driver';
import { ScaleReadings } from './readings';

/** Short enough that an abort is noticed promptly even from a scale that only reports on change. */
const READ_TIMEOUT_MS = 250;

export class HidPosScaleDriver implements Driver {
  async run({ io, emit, setActivity, signal }: DriverContext): Promise<void> {
    const readings = new ScaleReadings();
    setActivity('streaming');
    try {
      while (!signal.aborted) {
        const report = await io.read(READ_TIMEOUT_MS);
        if (report) for (const output of readings.push(report)) emit(output);
      }
    } catch (error) {
      if (!(error instanceof DeviceClosedError)) throw error;
    }
  }
}
