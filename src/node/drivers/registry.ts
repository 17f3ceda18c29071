/**
 * The hardware drivers the station ships. The hub matches attached devices against these
 * manifests; the replay verb picks one by the id in a capture's `# device:` header.
 */
import type { DriverManifest } from './driver';
import { bleManifests } from '../ble/gatt-driver';
import { cms50Manifest } from './cms50/manifest';
import { contourNextManifest } from './contour-next/manifest';
import { hidPosScaleManifest } from './hid-pos-scale/manifest';
import { omronHem790itManifest } from './omron-hem790it/manifest';

export const hardwareDrivers: readonly DriverManifest[] = [cms50Manifest, omronHem790itManifest, hidPosScaleManifest, contourNextManifest, ...bleManifests];

export function findDriver(id: string): DriverManifest | undefined {
  return hardwareDrivers.find((manifest) => manifest.id === id);
}
