/**
 * Test doubles for the hub's tests: node-hid and serialport faked at their own API boundary
 * (devicesAsync / HIDAsync.open, SerialPort.list / new SerialPort), and a small HID test driver
 * whose reports are a one-byte command and a value. Timing runs on vitest's fake timers.
 */
import type { Device as HidDeviceInfo } from 'node-hid';
import { DeviceClosedError, type Driver, type DriverContext, type DriverManifest } from '../drivers/driver';
import type { HidHandle, NodeHidModule } from './node-hid-source';
import type { SerialOpenOptions, SerialPortHandle, SerialPortInfo, SerialPortModule } from './serialport-source';

export class FakeHidDevice {
  readonly pendingReports: Buffer[] = [];
  readonly written: number[][] = [];
  readonly featureReports: number[][] = [];
  openCount = 0;
  openHandles = 0;
  /** Makes the next opens fail with this error (an errno-style error or a plain message). */
  openError: Error | undefined;
  private wake: (() => void) | undefined;
  private unplugged = false;

  constructor(readonly info: HidDeviceInfo & { path: string }) {}

  /** Queues an input report, as the device's interrupt endpoint would deliver it. */
  send(...bytes: number[]): void {
    this.pendingReports.push(Buffer.from(bytes));
    this.wake?.();
  }

  unplug(): void {
    this.unplugged = true;
    this.wake?.();
  }

  replug(): void {
    this.unplugged = false;
  }

  get isAttached(): boolean {
    return !this.unplugged;
  }

  open(): HidHandle {
    if (this.openError !== undefined) throw this.openError;
    if (this.unplugged) throw new Error(`cannot open device with path ${this.info.path}`);
    this.openCount += 1;
    this.openHandles += 1;
    let closed = false;
    return {
      read: (timeoutMs = -1) =>
        new Promise<Buffer | undefined>((resolve, reject) => {
          const attempt = (): boolean => {
            if (closed || this.unplugged) {
              reject(new Error('could not read data from device'));
              return true;
            }
            const report = this.pendingReports.shift();
            if (report === undefined) return false;
            resolve(report);
            return true;
          };
          if (attempt()) return;
          const timer = setTimeout(() => {
            this.wake = undefined;
            resolve(Buffer.alloc(0));
          }, timeoutMs);
          this.wake = () => {
            if (!attempt()) return;
            clearTimeout(timer);
            this.wake = undefined;
          };
        }),
      write: async (data) => {
        if (closed || this.unplugged) throw new Error('could not write to device');
        this.written.push([...data]);
        return data.length;
      },
      sendFeatureReport: async (data) => {
        if (closed || this.unplugged) throw new Error('could not send feature report to device');
        this.featureReports.push([...data]);
        return data.length;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        this.openHandles -= 1;
        this.wake?.();
      },
    };
  }
}

export class FakeNodeHid implements NodeHidModule {
  readonly devices: FakeHidDevice[] = [];
  listError: Error | undefined;

  attach(info: Partial<HidDeviceInfo> & { path: string; vendorId: number; productId: number }): FakeHidDevice {
    const device = new FakeHidDevice({ release: 0x100, interface: 0, ...info });
    this.devices.push(device);
    return device;
  }

  readonly devicesAsync = async (): Promise<HidDeviceInfo[]> => {
    if (this.listError !== undefined) throw this.listError;
    return this.devices.filter((device) => device.isAttached).map((device) => ({ ...device.info }));
  };

  readonly HIDAsync = {
    open: async (path: string): Promise<HidHandle> => {
      const device = this.devices.find((candidate) => candidate.info.path === path && candidate.isAttached);
      if (device === undefined) throw new Error(`cannot open device with path ${path}`);
      return device.open();
    },
  };
}

/** A fake serialport module; each constructed port is kept so a test can feed it and inspect it. */
export function fakeSerialPortModule(ports: SerialPortInfo[]): { module: SerialPortModule; opened: FakeSerialPort[]; setOpenError(error: Error | undefined): void } {
  const opened: FakeSerialPort[] = [];
  let openError: Error | undefined;
  class SerialPort extends FakeSerialPort {
    static async list(): Promise<SerialPortInfo[]> {
      return ports.map((port) => ({ ...port }));
    }

    constructor(options: SerialOpenOptions) {
      super(options, openError);
      opened.push(this);
    }
  }
  return { module: { SerialPort }, opened, setOpenError: (error) => (openError = error) };
}

export class FakeSerialPort implements SerialPortHandle {
  readonly written: number[][] = [];
  isOpen = false;
  private readonly listeners = { data: [] as Array<(chunk: Buffer) => void>, close: [] as Array<(error?: Error | null) => void>, error: [] as Array<(error: Error) => void> };

  constructor(
    readonly options: SerialOpenOptions,
    private readonly openError: Error | undefined,
  ) {}

  open(callback: (error: Error | null) => void): void {
    if (this.openError !== undefined) {
      const error = this.openError;
      queueMicrotask(() => callback(error));
      return;
    }
    this.isOpen = true;
    queueMicrotask(() => callback(null));
  }

  write(data: Buffer, callback: (error: Error | null | undefined) => void): boolean {
    this.written.push([...data]);
    queueMicrotask(() => callback(this.isOpen ? null : new Error('Port is not open')));
    return true;
  }

  drain(callback: (error: Error | null) => void): void {
    queueMicrotask(() => callback(null));
  }

  close(callback: (error: Error | null) => void): void {
    const wasOpen = this.isOpen;
    this.isOpen = false;
    if (wasOpen) for (const listener of this.listeners.close) listener(null);
    queueMicrotask(() => callback(wasOpen ? null : new Error('Port is not open')));
  }

  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close', listener: (error?: Error | null) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'data' | 'close' | 'error', listener: never): this {
    (this.listeners[event] as unknown[]).push(listener);
    return this;
  }

  /** Bytes arriving from the device. */
  receive(...bytes: number[]): void {
    for (const listener of this.listeners.data) listener(Buffer.from(bytes));
  }

  /** The cable is pulled: serialport closes the port with a "disconnected" error. */
  disconnect(): void {
    this.isOpen = false;
    const error = Object.assign(new Error('Disconnected'), { disconnected: true });
    for (const listener of this.listeners.close) listener(error);
  }
}

/** Report commands of the HID test driver. */
export const TEST_REPORT = { spo2: 1, probeOff: 2, probeOk: 3, pleth: 4, crash: 0xee, finish: 0xf0, temperatureF: 5, pulseRate: 6, spo2InWrongUnit: 7, plethUpsideDownScale: 8 } as const;

/**
 * A small HID driver for hub tests. Report `[command, value, ...]`: spo2 / pulseRate /
 * temperature °F observations, probe status, a pleth chunk of the following bytes at 50 Hz (on a
 * byte's scale 0..255, or on one whose max is below its min), a
 * crash (throws), or a normal end of session. Counts requestMeasurement calls.
 */
export class TestHidDriver implements Driver {
  static measurementRequests = 0;

  async run(ctx: DriverContext): Promise<void> {
    ctx.setActivity('streaming');
    try {
      while (!ctx.signal.aborted) {
        const report = await ctx.io.read(100);
        if (report === null) continue;
        const [command, value = 0] = report;
        switch (command) {
          case TEST_REPORT.spo2:
            ctx.emit({ type: 'observation', metric: 'spo2', value, unit: '%', time: null });
            break;
          case TEST_REPORT.pulseRate:
            ctx.emit({ type: 'observation', metric: 'pulseRate', value, unit: '/min', time: null });
            break;
          case TEST_REPORT.spo2InWrongUnit:
            ctx.emit({ type: 'observation', metric: 'spo2', value, unit: '/min', time: null });
            break;
          case TEST_REPORT.temperatureF:
            ctx.emit({ type: 'observation', metric: 'bodyTemperature', value: value + 0.6, unit: '[degF]', time: null });
            break;
          case TEST_REPORT.probeOff:
            ctx.emit({ type: 'status', condition: 'probe-off' });
            break;
          case TEST_REPORT.probeOk:
            ctx.emit({ type: 'status', condition: 'ok' });
            break;
          case TEST_REPORT.pleth:
            ctx.emit({ type: 'waveform', metric: 'pleth', rateHz: 50, samples: [...report.subarray(1)], scale: { min: 0, max: 255 } });
            break;
          case TEST_REPORT.plethUpsideDownScale:
            ctx.emit({ type: 'waveform', metric: 'pleth', rateHz: 50, samples: [...report.subarray(1)], scale: { min: 255, max: 0 } });
            break;
          case TEST_REPORT.crash:
            throw new Error('corrupt frame from device');
          case TEST_REPORT.finish:
            return;
        }
      }
    } catch (error) {
      if (!(error instanceof DeviceClosedError)) throw error;
    }
  }

  requestMeasurement(): void {
    TestHidDriver.measurementRequests += 1;
  }
}

export const testHidManifest: DriverManifest = {
  id: 'test-hid-oximeter',
  name: 'Test oximeter',
  transport: 'hid',
  matches: [{ vendorId: 0x1234, productId: 0x0001 }],
  metrics: ['spo2', 'pulseRate', 'bodyTemperature'],
  source: 'pulse-oximeter',
  canRequestMeasurement: true,
  create: () => new TestHidDriver(),
};
