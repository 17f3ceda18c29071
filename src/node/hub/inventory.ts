/**
 * What is plugged in right now and which driver would claim each device: the `devices` verb's
 * listing and the `record` verb's lookup of `--device <id|path>`.
 */
import type { DriverManifest } from '../drivers/driver';
import { describeError } from './guidance';
import { matchManifest } from './matching';
import type { DeviceCandidate, DeviceSource } from './source';

export interface AttachedDevice {
  candidate: DeviceCandidate;
  /** The driver that claims the device, or undefined when none does. */
  manifest: DriverManifest | undefined;
}

export interface Inventory {
  devices: AttachedDevice[];
  /** One line per source that could not be listed. */
  failures: string[];
}

export async function takeInventory(sources: readonly DeviceSource[], drivers: readonly DriverManifest[]): Promise<Inventory> {
  const inventory: Inventory = { devices: [], failures: [] };
  for (const source of sources) {
    try {
      for (const candidate of await source.list()) inventory.devices.push({ candidate, manifest: matchManifest(candidate, drivers) });
    } catch (error) {
      inventory.failures.push(`cannot list ${source.transport} devices: ${describeError(error)}`);
    }
  }
  return inventory;
}

/** The device a user named by its id (as `devices` prints it) or by its OS path. */
export function findAttached(inventory: Inventory, idOrPath: string): AttachedDevice | undefined {
  return inventory.devices.find(({ candidate }) => candidate.key === idOrPath) ?? inventory.devices.find(({ candidate }) => candidate.path === idOrPath);
}
