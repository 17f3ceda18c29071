import type { DriverManifest } from '../driver';
import { Cms50Driver } from './session';

/**
 * The meter speaks logic-level serial through a cable with a Silicon Labs CP210x USB-UART inside.
 * 10C4:EA60 is the CP210x default and is shared by many unrelated products (device-protocols.md
 * section 8), so a match on it alone is a candidate, not proof: the hub should confirm the device
 * by seeing real-time packages after the start command.
 */
export const cms50Manifest: DriverManifest = {
  id: 'contec-cms50',
  name: 'Contec CMS50D+/CMS50E/CMS50F pulse oximeter',
  transport: 'serial',
  matches: [{ vendorId: 0x10c4, productId: 0xea60 }],
  // No XON/XOFF: package types 0x11 and 0x13 are the XON and XOFF bytes.
  serial: { baudRate: 115_200, dataBits: 8, parity: 'none', stopBits: 1 },
  source: 'pulse-oximeter',
  metrics: ['spo2', 'pulseRate', 'perfusionIndex'],
  canRequestMeasurement: false,
  create: () => new Cms50Driver(),
};
