import type { DriverManifest, UsbMatch } from '../driver';
import { HidPosScaleDriver } from './driver';

/** Scales known by VID:PID (device-protocols.md section 8: Dymo, and usbscale's scales.h list). */
const KNOWN_SCALES: ReadonlyArray<[vendorId: number, productId: number]> = [
  [0x0922, 0x8003], // Dymo M10
  [0x0922, 0x8004], // Dymo M25
  [0x0922, 0x8009], // Dymo S180
  [0x1446, 0x6a73],
  [0x1446, 0x6a79],
  [0x7b7c, 0x0100],
  [0x2474, 0x0550],
  [0x2474, 0x3550],
  [0x0eb8, 0xf000],
  [0x0eb8, 0xf001],
  [0x6096, 0x0158],
  [0x0b67, 0x555e],
  [0x0d8f, 0x0200],
];

/**
 * Matched on VID:PID alone: these products are scales, and hidapi does not report a usage page on
 * every platform (older Linux hidraw), so requiring page 0x8D could hide a real scale. A match on
 * the usage page alone would need UsbMatch without a vendor ID.
 */
const matches: UsbMatch[] = KNOWN_SCALES.map(([vendorId, productId]) => ({ vendorId, productId }));

export const hidPosScaleManifest: DriverManifest = {
  id: 'hid-pos-scale',
  name: 'USB HID point-of-sale scale (Dymo M10/M25/S180 and compatible)',
  transport: 'hid',
  matches,
  source: 'scale',
  metrics: ['bodyWeight'],
  canRequestMeasurement: false,
  create: () => new HidPosScaleDriver(),
};
