/**
 * A device the hub has opened, and the hook that records its traffic: shared by the hub and the
 * capture recorder without either importing the other's module.
 */
import type { DeviceIo, DriverManifest } from '../drivers/driver';
import type { DeviceCandidate } from './source';

export type OpenDeviceIo = DeviceIo & { close(): Promise<void> };

/** What a recording needs to know about the device whose traffic it captures. */
export interface RecordingTarget {
  deviceId: string;
  manifest: DriverManifest;
  candidate: DeviceCandidate;
  outPath: string;
}

/** Wraps a freshly opened io so everything that passes through it is written to a capture. */
export type RecordIo = (io: OpenDeviceIo, target: RecordingTarget) => Promise<OpenDeviceIo>;
