import type { SimulatedPatient } from './patient';
import type { DeviceMessage } from './wire';

/**
 * The device side of a simulated link: what a simulated device's firmware sees. Waits reject with
 * DeviceClosedError once the device is unplugged or closed, which ends the firmware.
 */
export interface DevicePort {
  readonly patient: SimulatedPatient;
  /** This device's own noise seed, derived from the simulator seed and the device id. */
  readonly seed: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  send(message: DeviceMessage): void;
  /** Resolves at the host's next measure command (at once if one is waiting). */
  measureRequested(): Promise<void>;
  /** Forgets measure commands that arrived meanwhile (a second press during a measurement). */
  discardRequests(): void;
}

export type Firmware = (port: DevicePort) => Promise<void>;
