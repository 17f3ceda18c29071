/**
 * `devices [--json]`: lists attached HID and serial devices, each with the driver that claims it
 * (automation-interface.md). Field support reads the table; scripts read the JSON.
 */
import type { DriverManifest } from '../../drivers/driver';
import { hardwareDrivers } from '../../drivers/registry';
import { takeInventory, type AttachedDevice } from '../../hub/inventory';
import { hex4, NodeHidSource } from '../../hub/node-hid-source';
import { SerialPortSource } from '../../hub/serialport-source';
import { BleSource } from '../../ble/ble-source';
import { loadNoble } from '../../ble/noble-boundary';
import type { DeviceSource } from '../../hub/source';
import { EXIT_FAILURE, EXIT_OK, UsageError, parseVerbArgs, type Verb } from '../verb';

export interface HardwareAccess {
  sources(): DeviceSource[];
  drivers: readonly DriverManifest[];
}

export const realHardware: HardwareAccess = {
  // Bluetooth devices are found by listening for their advertisements: five seconds catch a device that is awake.
  sources: () => [new NodeHidSource(), new SerialPortSource(), new BleSource({ loadNoble, initialScanMs: 5_000, log: () => undefined })],
  drivers: hardwareDrivers,
};

export function createDevicesVerb(hardware: HardwareAccess): Verb {
  return {
    name: 'devices',
    summary: 'list attached HID and serial devices and the driver that claims each',
    help: `Usage: npm run -s cli -- devices [--json] [--data-dir DIR]

Lists the USB HID devices and serial ports attached now, and the Bluetooth health devices heard
advertising within five seconds, each with the VitalBridge driver that claims it, or "none". The ID
column is what record --device accepts (the path works too).

  --json  one JSON array: {id, transport, path, vid, pid, usagePage, serialNumber, manufacturer,
          product, driver} per device; driver is null when no driver claims the device

Exit status: 0 listed, 2 bad arguments, 1 a device family could not be listed (the others still are).
`,
    async run(args, ctx) {
      const { values, positionals } = parseVerbArgs(args, { json: { type: 'boolean' } });
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
      const inventory = await takeInventory(hardware.sources(), hardware.drivers);
      ctx.stdout(values.json ? `${JSON.stringify(inventory.devices.map(asJson))}\n` : table(inventory.devices));
      for (const failure of inventory.failures) ctx.stderr(`devices: ${failure}\n`);
      return inventory.failures.length > 0 ? EXIT_FAILURE : EXIT_OK;
    },
  };
}

export const devicesVerb = createDevicesVerb(realHardware);

function asJson({ candidate, manifest }: AttachedDevice) {
  return {
    id: candidate.key,
    transport: candidate.transport,
    path: candidate.path,
    vid: usbId(candidate.vendorId),
    pid: usbId(candidate.productId),
    usagePage: usbId(candidate.usagePage),
    serialNumber: candidate.serialNumber ?? null,
    manufacturer: candidate.manufacturer ?? null,
    product: candidate.product ?? null,
    driver: manifest?.id ?? null,
  };
}

function usbId(id: number | undefined): string | null {
  return id === undefined ? null : `0x${hex4(id)}`;
}

function table(devices: readonly AttachedDevice[]): string {
  if (devices.length === 0) return 'No HID or serial devices found.\n';
  const rows = [
    ['TRANSPORT', 'VID:PID', 'DRIVER', 'PRODUCT', 'PATH', 'ID'],
    ...devices.map(({ candidate, manifest }) => [
      candidate.transport,
      candidate.vendorId === undefined ? '-' : `${hex4(candidate.vendorId)}:${candidate.productId === undefined ? '????' : hex4(candidate.productId)}`,
      manifest?.id ?? 'none',
      [candidate.manufacturer, candidate.product].filter((part) => part !== undefined && part !== '').join(' ') || '-',
      candidate.path,
      candidate.key,
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')).join('\n') + '\n';
}
