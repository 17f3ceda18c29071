import type { DriverManifest } from '../driver';
import { ContourNextDriver } from './driver';

/**
 * The Contour Next family over USB HID, Ascensia (Bayer) vendor 0x1A79; product IDs from
 * tidepool-org/uploader lib/core/driverManifests.js as listed in device-protocols.md section 4.
 * A "measurement" is a download of the meter's memory.
 */
export const contourNextManifest: DriverManifest = {
  id: 'bayer-contour-next',
  name: 'Ascensia (Bayer) Contour Next glucose meter',
  transport: 'hid',
  matches: [0x6002, 0x6200, 0x6300, 0x6210, 0x7350, 0x7410, 0x7800, 0x7900, 0x7950].map((productId) => ({ vendorId: 0x1a79, productId })),
  metrics: ['glucose'],
  source: 'glucometer',
  canRequestMeasurement: true,
  create: () => new ContourNextDriver(),
};
