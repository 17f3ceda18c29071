/**
 * Where the hub finds devices. Each transport (node-hid, serialport, the simulator) is one
 * DeviceSource; the hub polls or listens to them, matches candidates to driver manifests and opens
 * the winners through the same source.
 */
import type { DeviceIo, DriverManifest, TransportKind } from '../drivers/driver';

export interface DeviceCandidate {
  /** Identifies the physical device across plug cycles where the OS allows (serial number, else path). */
  key: string;
  transport: TransportKind;
  /** OS path (hidraw node, /dev/ttyUSB0, ...) or a simulator id. */
  path: string;
  vendorId?: number;
  productId?: number;
  usagePage?: number;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  /** Set by sources that already know the driver (the simulator); skips manifest matching. */
  driverId?: string;
  /** Wireless devices: signal strength and battery, refreshed on every listing. */
  radio?: { rssiDbm: number; batteryPercent?: number };
}

export interface DeviceSource {
  readonly transport: TransportKind;
  list(): Promise<DeviceCandidate[]>;
  open(candidate: DeviceCandidate, manifest: DriverManifest): Promise<DeviceIo & { close(): Promise<void> }>;
  /** Sources that learn of plug/unplug by themselves call this; the others are polled. */
  onChange?(listener: () => void): () => void;
}
