/**
 * USB HID devices through node-hid 3 (hidapi; the hidraw backend on Linux). The library is loaded
 * only when first needed, and can be replaced by any object with the same API, so tests fake it at
 * its own boundary and a station without HID support still starts.
 */
import type { Device as HidDeviceInfo } from 'node-hid';
import { DeviceClosedError, type DeviceIo, type DriverManifest } from '../drivers/driver';
import { describeError } from './guidance';
import { LiveTiming } from './live-timing';
import type { DeviceCandidate, DeviceSource } from './source';

/** The part of an open node-hid HIDAsync the station uses. */
export interface HidHandle {
  /** Resolves an empty buffer (or undefined) when nothing arrived within the timeout. */
  read(timeoutMs?: number): Promise<Buffer | undefined>;
  write(data: number[] | Buffer): Promise<number>;
  sendFeatureReport(data: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

/** The part of the node-hid module the station uses. */
export interface NodeHidModule {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  HIDAsync: { open(path: string): Promise<HidHandle> };
}

export async function loadNodeHid(): Promise<NodeHidModule> {
  const { devicesAsync, HIDAsync } = await import('node-hid');
  return { devicesAsync, HIDAsync };
}

export type OpenHidIo = DeviceIo & { close(): Promise<void> };

export class NodeHidSource implements DeviceSource {
  readonly transport = 'hid';
  private module: Promise<NodeHidModule> | undefined;

  constructor(private readonly load: () => Promise<NodeHidModule> = loadNodeHid) {}

  async list(): Promise<DeviceCandidate[]> {
    const entries = await (await this.hid()).devicesAsync();
    // hidapi lists each top-level collection of an interface separately, all with the same path;
    // the device is opened once per path, so one candidate per path.
    const byPath = new Map<string, DeviceCandidate>();
    for (const entry of entries) {
      if (entry.path === undefined || entry.path === '' || byPath.has(entry.path)) continue;
      byPath.set(entry.path, hidCandidate(entry, entry.path));
    }
    return [...byPath.values()];
  }

  async open(candidate: DeviceCandidate, manifest: DriverManifest): Promise<OpenHidIo> {
    const handle = await (await this.hid()).HIDAsync.open(candidate.path);
    return new HidDeviceIo(handle, manifest.hidNumberedReports === true);
  }

  private hid(): Promise<NodeHidModule> {
    this.module ??= this.load();
    return this.module;
  }
}

/** Stable across plug cycles when the device has a serial number; its OS path otherwise. */
function hidCandidate(entry: HidDeviceInfo, path: string): DeviceCandidate {
  const serialNumber = entry.serialNumber === undefined || entry.serialNumber.trim() === '' ? undefined : entry.serialNumber.trim();
  const key = serialNumber === undefined ? `hid:${path}` : `hid:${hex4(entry.vendorId)}:${hex4(entry.productId)}:${serialNumber}:if${entry.interface}`;
  return {
    key,
    transport: 'hid',
    path,
    vendorId: entry.vendorId,
    productId: entry.productId,
    usagePage: entry.usagePage,
    serialNumber,
    manufacturer: entry.manufacturer,
    product: entry.product,
  };
}

export function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

class HidDeviceIo implements OpenHidIo {
  readonly transport = 'hid';
  private closed: Promise<void> | undefined;
  private readonly timing = new LiveTiming();

  constructor(
    private readonly handle: HidHandle,
    private readonly numberedReports: boolean,
  ) {}

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    this.assertOpen();
    let report: Buffer | undefined;
    try {
      report = await this.handle.read(Math.max(0, Math.round(timeoutMs)));
    } catch (error) {
      // hidapi fails a read only when the device is gone or was closed under it.
      throw new DeviceClosedError(`device read failed: ${describeError(error)}`);
    }
    this.assertOpen();
    return report === undefined || report.length === 0 ? null : new Uint8Array(report);
  }

  async write(data: Uint8Array): Promise<void> {
    await this.send((bytes) => this.handle.write(bytes), data);
  }

  async sendFeatureReport(data: Uint8Array): Promise<void> {
    await this.send((bytes) => this.handle.sendFeatureReport(bytes), data);
  }

  now(): number {
    return this.timing.now();
  }

  sleep(ms: number): Promise<void> {
    return this.timing.sleep(ms);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.timing.wakeAll();
      // Closing a device that has already gone fails; it is closed either way.
      await this.handle.close().catch(() => undefined);
    })();
    return this.closed;
  }

  private async send(transfer: (bytes: Buffer) => Promise<number>, data: Uint8Array): Promise<void> {
    this.assertOpen();
    const bytes = this.numberedReports ? Buffer.from(data) : Buffer.concat([Buffer.of(0x00), data]);
    try {
      await transfer(bytes);
    } catch (error) {
      throw new DeviceClosedError(`device write failed: ${describeError(error)}`);
    }
  }

  private assertOpen(): void {
    if (this.closed !== undefined) throw new DeviceClosedError();
  }
}
