/**
 * Which driver claims a device. A source that already knows (the simulator) names the driver; the
 * others are matched on USB identity. When several manifests match, the most specific wins, so a
 * manifest for one product beats a class match on its vendor or usage page.
 */
import type { DriverManifest, UsbMatch } from '../drivers/driver';
import type { DeviceCandidate } from './source';

export function matchManifest(candidate: DeviceCandidate, manifests: readonly DriverManifest[]): DriverManifest | undefined {
  if (candidate.driverId !== undefined) return manifests.find((manifest) => manifest.id === candidate.driverId);
  let best: { manifest: DriverManifest; specificity: number } | undefined;
  for (const manifest of manifests) {
    if (manifest.transport !== candidate.transport) continue;
    for (const match of manifest.matches) {
      const specificity = matchSpecificity(candidate, match);
      if (specificity > (best?.specificity ?? 0)) best = { manifest, specificity };
    }
  }
  return best?.manifest;
}

/** 0 for no match; otherwise higher for matches that pin down more of the device's identity. */
function matchSpecificity(candidate: DeviceCandidate, match: UsbMatch): number {
  if (candidate.vendorId !== match.vendorId) return 0;
  if (match.productId !== undefined && candidate.productId !== match.productId) return 0;
  if (match.usagePage !== undefined && candidate.usagePage !== match.usagePage) return 0;
  return 1 + (match.productId === undefined ? 0 : 2) + (match.usagePage === undefined ? 0 : 1);
}
