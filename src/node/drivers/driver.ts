/**
 * The seam between the peripheral hub (or a capture replay) and a device driver. A driver only
 * ever talks to a DeviceIo, so the same driver code runs against node-hid, serialport, a recorded
 * capture or a simulator, and its clock is virtual under replay.
 */
import type { DriverOutput } from '../../shared/readings';
import type { MeasurementSource, Metric } from '../../shared/vitals';

export type TransportKind = 'hid' | 'serial' | 'ble' | 'simulated';

/** Raised by DeviceIo.read when the device is gone (unplugged, closed, or the capture has ended). */
export class DeviceClosedError extends Error {
  constructor(reason = 'device closed') {
    super(reason);
    this.name = 'DeviceClosedError';
  }
}

export interface DeviceIo {
  readonly transport: TransportKind;
  /**
   * The next HID input report (as node-hid read() returns it) or received serial chunk.
   * Resolves null when nothing arrived within timeoutMs; rejects with DeviceClosedError when the
   * device is gone.
   */
  read(timeoutMs: number): Promise<Uint8Array | null>;
  /** HID: one output report without the leading report-ID 0; serial: bytes to send. */
  write(data: Uint8Array): Promise<void>;
  /** HID only: a feature report as recorded in captures (without node-hid's leading report-ID 0). */
  sendFeatureReport(data: Uint8Array): Promise<void>;
  /** Milliseconds on the io's clock: wall time live, virtual time under replay. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** What a device is doing, as the hub shows it to the user. */
export type DeviceActivity = 'streaming' | 'measuring' | 'idle';

export interface DriverContext {
  io: DeviceIo;
  emit(output: DriverOutput): void;
  setActivity(activity: DeviceActivity): void;
  /** Aborted when the hub closes the device; run() must then return promptly. */
  signal: AbortSignal;
}

export interface Driver {
  /** Talks to the device until it is closed, the capture ends or ctx.signal aborts. */
  run(ctx: DriverContext): Promise<void>;
  /** Present on devices whose measurement the station can start (cuff inflation, memory download). */
  requestMeasurement?(): void;
}

export interface UsbMatch {
  vendorId: number;
  productId?: number;
  /** HID usage page, for class matches such as POS scales (0x8D). */
  usagePage?: number;
}

/** A host behaviour the driver can adopt besides its default (see DriverManifest.hostVariants). */
export interface HostVariant {
  name: string;
  /** Where this behaviour was seen, e.g. which vendor-software log does it. */
  origin: string;
  create(): Driver;
}

export interface DriverManifest {
  /** Stable id, as in capture headers (`# device:`) and on the command line. */
  id: string;
  name: string;
  transport: TransportKind;
  /** USB identities that select this driver; for serial drivers the cable's USB-serial chip. */
  matches: readonly UsbMatch[];
  serial?: { baudRate: number; dataBits: 8; parity: 'none'; stopBits: 1 };
  /**
   * HID only: the device numbers its reports, so what the driver writes already starts with the
   * report ID. Unnumbered (the default) makes the io prepend node-hid's 0x00.
   */
  hidNumberedReports?: boolean;
  metrics: readonly Metric[];
  /** What kind of device it is: codes such as a pulse's MDC code depend on it. */
  source: MeasurementSource;
  canRequestMeasurement: boolean;
  create(): Driver;
  /**
   * Replays only: whether a host-to-device report the driver wrote is the one a capture recorded,
   * for devices that ignore part of what they are sent (the stale tail after a count prefix, a
   * byte the device does not check). Byte equality when absent.
   */
  sameHostReport?(direction: 'out' | 'feature-out', recorded: Uint8Array, written: Uint8Array): boolean;
  /**
   * Other host behaviours the driver supports, for devices whose vendor software was logged talking
   * to identical device behaviour in more than one way (nothing the device sends tells them apart).
   * A replay falls back to them, in order, when the default's writes do not match the recording.
   */
  hostVariants?: readonly HostVariant[];
}
