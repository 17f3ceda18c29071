/**
 * USB-serial devices through serialport 13. Received chunks are queued for DeviceIo.read; the
 * library is loaded only when first needed and can be replaced by any object with the same API,
 * so tests fake it at its own boundary.
 */
import { DeviceClosedError, type DeviceIo, type DriverManifest } from '../drivers/driver';
import { describeError } from './guidance';
import { LiveTiming } from './live-timing';
import { hex4 } from './node-hid-source';
import type { DeviceCandidate, DeviceSource } from './source';

export interface SerialPortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  /** Hex strings as the OS reports them, e.g. "10c4". */
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export interface SerialOpenOptions {
  path: string;
  baudRate: number;
  dataBits: 8;
  parity: 'none';
  stopBits: 1;
  autoOpen: false;
  rtscts: false;
  xon: false;
  xoff: false;
  xany: false;
}

/** The part of a serialport SerialPort the station uses. */
export interface SerialPortHandle {
  open(callback: (error: Error | null) => void): void;
  write(data: Buffer, callback: (error: Error | null | undefined) => void): boolean;
  drain(callback: (error: Error | null) => void): void;
  close(callback: (error: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: (error?: Error | null) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** The part of the serialport module the station uses. */
export interface SerialPortModule {
  SerialPort: { list(): Promise<SerialPortInfo[]>; new (options: SerialOpenOptions): SerialPortHandle };
}

export async function loadSerialPort(): Promise<SerialPortModule> {
  const { SerialPort } = await import('serialport');
  return { SerialPort };
}

/** Received bytes a driver has not read yet; beyond this the oldest are dropped (a stalled driver must not grow memory). */
const RECEIVE_BUFFER_MAX_BYTES = 1 << 20;

export type OpenSerialIo = DeviceIo & { close(): Promise<void> };

export class SerialPortSource implements DeviceSource {
  readonly transport = 'serial';
  private module: Promise<SerialPortModule> | undefined;

  constructor(private readonly load: () => Promise<SerialPortModule> = loadSerialPort) {}

  async list(): Promise<DeviceCandidate[]> {
    const ports = await (await this.serialport()).SerialPort.list();
    return ports.map(serialCandidate);
  }

  async open(candidate: DeviceCandidate, manifest: DriverManifest): Promise<OpenSerialIo> {
    if (manifest.serial === undefined) throw new Error(`driver ${manifest.id} has no serial line settings`);
    const { SerialPort } = await this.serialport();
    const port = new SerialPort({
      path: candidate.path,
      ...manifest.serial,
      autoOpen: false,
      // Binary protocols: software flow control would swallow data bytes equal to XON/XOFF.
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
    });
    const io = new SerialDeviceIo(port);
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return io;
  }

  private serialport(): Promise<SerialPortModule> {
    this.module ??= this.load();
    return this.module;
  }
}

function serialCandidate(port: SerialPortInfo): DeviceCandidate {
  const vendorId = parseUsbId(port.vendorId);
  const productId = parseUsbId(port.productId);
  const serialNumber = port.serialNumber === undefined || port.serialNumber.trim() === '' ? undefined : port.serialNumber.trim();
  const key =
    serialNumber !== undefined && vendorId !== undefined && productId !== undefined
      ? `serial:${hex4(vendorId)}:${hex4(productId)}:${serialNumber}`
      : `serial:${port.path}`;
  return { key, transport: 'serial', path: port.path, vendorId, productId, serialNumber, manufacturer: port.manufacturer };
}

function parseUsbId(hex: string | undefined): number | undefined {
  if (hex === undefined || !/^(0x)?[0-9a-f]{1,4}$/i.test(hex.trim())) return undefined;
  return Number.parseInt(hex.trim().replace(/^0x/i, ''), 16);
}

class SerialDeviceIo implements OpenSerialIo {
  readonly transport = 'serial';
  private readonly received: Uint8Array[] = [];
  private receivedBytes = 0;
  private readonly waiters = new Set<{ deliver(chunk: Uint8Array): void; fail(error: Error): void }>();
  private gone: DeviceClosedError | undefined;
  private closed: Promise<void> | undefined;
  private readonly timing = new LiveTiming();

  constructor(private readonly port: SerialPortHandle) {
    port.on('data', (chunk) => this.receive(new Uint8Array(chunk)));
    // serialport emits 'close' with a disconnected error when the cable is pulled.
    port.on('close', (error) => this.markGone(error ? `port closed: ${describeError(error)}` : 'port closed'));
    port.on('error', (error) => this.markGone(`port error: ${describeError(error)}`));
  }

  read(timeoutMs: number): Promise<Uint8Array | null> {
    if (this.gone !== undefined) return Promise.reject(this.gone);
    const next = this.received.shift();
    if (next !== undefined) {
      this.receivedBytes -= next.length;
      return Promise.resolve(next);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        deliver: (chunk: Uint8Array) => settle(() => resolve(chunk)),
        fail: (error: Error) => settle(() => reject(error)),
      };
      const settle = (finish: () => void): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        finish();
      };
      const timer = setTimeout(() => settle(() => resolve(null)), Math.max(0, timeoutMs));
      this.waiters.add(waiter);
    });
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.gone !== undefined) throw this.gone;
    try {
      await new Promise<void>((resolve, reject) => {
        this.port.write(Buffer.from(data), (error) => (error ? reject(error) : resolve()));
      });
      await new Promise<void>((resolve, reject) => this.port.drain((error) => (error ? reject(error) : resolve())));
    } catch (error) {
      throw new DeviceClosedError(`serial write failed: ${describeError(error)}`);
    }
  }

  sendFeatureReport(): Promise<void> {
    return Promise.reject(new Error('serial ports have no feature reports'));
  }

  now(): number {
    return this.timing.now();
  }

  sleep(ms: number): Promise<void> {
    return this.timing.sleep(ms);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.markGone('device closed');
      // Closing a port whose cable was pulled fails; it is closed either way.
      await new Promise<void>((resolve) => this.port.close(() => resolve()));
    })();
    return this.closed;
  }

  private receive(chunk: Uint8Array): void {
    if (this.gone !== undefined || chunk.length === 0) return;
    const [waiter] = this.waiters;
    if (waiter !== undefined) {
      waiter.deliver(chunk);
      return;
    }
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    while (this.receivedBytes > RECEIVE_BUFFER_MAX_BYTES) this.receivedBytes -= this.received.shift()?.length ?? this.receivedBytes;
  }

  private markGone(reason: string): void {
    if (this.gone !== undefined) return;
    this.gone = new DeviceClosedError(reason);
    this.received.length = 0;
    this.receivedBytes = 0;
    this.timing.wakeAll();
    for (const waiter of [...this.waiters]) waiter.fail(this.gone);
  }
}
