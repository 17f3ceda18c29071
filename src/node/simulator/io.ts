/**
 * What a simulated device gives its driver: the ordinary DeviceIo (clock, closing) plus the patient
 * it measures. Simulated devices have no byte protocol; their drivers read the patient instead.
 */
import type { DeviceIo, DriverContext } from '../drivers/driver';
import type { SimulatedPatient } from './patient';

export interface SimulatedDeviceIo extends DeviceIo {
  readonly transport: 'simulated';
  readonly patient: SimulatedPatient;
  /** This device's own noise seed, derived from the simulator seed and the device id. */
  readonly seed: number;
}

export function asSimulatedIo(io: DeviceIo): SimulatedDeviceIo {
  if (io.transport !== 'simulated' || !('patient' in io) || !('seed' in io)) {
    throw new Error(`Simulated drivers only run on devices opened by a SimulatedSource (this one is ${io.transport})`);
  }
  return io as SimulatedDeviceIo;
}

/**
 * Waits ms on the device's clock. Resolves false as soon as the hub aborts the driver, true when
 * the time is up; rejects with the io's DeviceClosedError when the device goes away.
 */
export function pause(ctx: DriverContext, ms: number): Promise<boolean> {
  const { signal } = ctx;
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    ctx.io.sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(!signal.aborted);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) resolve(false);
        else reject(error);
      },
    );
  });
}
