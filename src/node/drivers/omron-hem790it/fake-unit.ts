/**
 * Tests only: a HEM-790IT as a DeviceIo on its own virtual clock. It answers complete commands the
 * way the logged unit does (count-prefixed reports, `OK 00 data XOR`, bare OK after clearing) and
 * can be told to misbehave: answer `NO`, corrupt reports, or stay silent.
 */
import { DeviceClosedError, type DeviceIo } from '../driver';
import { END_GOODBYE, xor } from './commands';
import { encodeOutputReports } from './reports';

export interface FakeReading {
  /** The 13 GME data bytes; the fake appends the XOR. */
  data: number[];
}

export interface FakeUnitBehaviour {
  readings: FakeReading[];
  /** How many times each GME index is answered `NO` before it is answered. */
  notReadyFor?: Record<number, number>;
  /** Rewrites the n-th report the unit sends (0-based over the whole session). */
  tamper?(report: Uint8Array, ordinal: number): Uint8Array;
  /** The unit never sends anything. */
  silent?: boolean;
}

const ASCII = new TextEncoder();
const COMMAND_LENGTHS: Record<string, number> = { VER: 5, PRF: 5, SRL: 5, END: 5, GDC: 8, GME: 8, GMA: 9, GEA: 9 };

export class FakeOmronUnit implements DeviceIo {
  readonly transport = 'hid';
  readonly written: Uint8Array[] = [];
  readonly features: Uint8Array[] = [];
  private clock = 0;
  private sent = 0;
  private pending: Uint8Array[] = [];
  private message: number[] = [];
  private zeroBytes = 0;
  private readonly notReadyLeft: Map<number, number>;
  private closed = false;

  constructor(private readonly behaviour: FakeUnitBehaviour) {
    this.notReadyLeft = new Map(Object.entries(behaviour.notReadyFor ?? {}).map(([index, times]) => [Number(index), times]));
  }

  /** The device is unplugged: every later read or write fails as the hid io would. */
  unplug(): void {
    this.closed = true;
  }

  now(): number {
    return this.clock;
  }

  async sleep(ms: number): Promise<void> {
    this.clock += ms;
  }

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    if (this.closed) throw new DeviceClosedError('unplugged');
    const report = this.pending.shift();
    if (report) return report;
    this.clock += timeoutMs;
    // Let a test's requestMeasurement() or abort land between idle polls.
    await new Promise((resolve) => setImmediate(resolve));
    return null;
  }

  async sendFeatureReport(data: Uint8Array): Promise<void> {
    if (this.closed) throw new DeviceClosedError('unplugged');
    this.features.push(data.slice());
    this.message = [];
    this.zeroBytes = 0;
    this.reply([]);
  }

  async write(report: Uint8Array): Promise<void> {
    if (this.closed) throw new DeviceClosedError('unplugged');
    this.written.push(report.slice());
    const counted = Array.from(report.subarray(1, 1 + (report[0] ?? 0)));
    if (this.message.length === 0 && counted.every((b) => b === 0)) {
      this.zeroBytes += counted.length;
      if (this.zeroBytes === 30) {
        this.zeroBytes = 0;
        this.reply([0x4f, 0x4b]);
      }
      return;
    }
    this.message.push(...counted);
    const mnemonic = String.fromCharCode(...this.message.slice(0, 3));
    if (this.message.length === COMMAND_LENGTHS[mnemonic]) {
      const message = this.message;
      this.message = [];
      this.answer(mnemonic, message);
    }
  }

  private answer(mnemonic: string, message: readonly number[]): void {
    const readings = this.behaviour.readings;
    switch (mnemonic) {
      case 'VER':
        return this.ok(Array.from(ASCII.encode('M7080IT 207')));
      case 'PRF':
        return this.ok(Array.from(ASCII.encode('0010100000')));
      case 'SRL':
        return this.ok([0x06, 0, 0, 0, 0, 0, 0]);
      case 'GDC':
        return this.ok([0x00, 0x10, 0x00, readings.length]);
      case 'GMA':
      case 'GEA':
        return this.ok([0xff, 0xff, 0, 0, 0, 0, 0, 0]);
      case 'GME': {
        const index = message[6] ?? 0;
        const notReady = this.notReadyLeft.get(index) ?? 0;
        if (notReady > 0) {
          this.notReadyLeft.set(index, notReady - 1);
          return this.reply([0x4e, 0x4f]);
        }
        // Index 0 is the newest reading; the readings list is oldest first.
        return this.ok(readings[readings.length - 1 - index]?.data ?? new Array<number>(13).fill(0xff));
      }
      case 'END':
        this.reply([0x4f, 0x4b]);
        return this.reply(Array.from(END_GOODBYE));
    }
  }

  private ok(data: number[]): void {
    this.reply([0x4f, 0x4b, 0x00, ...data, xor(data)]);
  }

  private reply(message: number[]): void {
    if (this.behaviour.silent) return;
    const reports = message.length === 0 ? [new Uint8Array(8)] : encodeOutputReports(Uint8Array.from(message));
    for (const report of reports) {
      this.pending.push(this.behaviour.tamper ? this.behaviour.tamper(report, this.sent) : report);
      this.sent += 1;
    }
  }
}

/** GME data bytes for a reading at the given local time. */
export function gmeData(time: { y: number; mo: number; d: number; h: number; mi: number; s: number }, systolic: number, diastolic: number, pulse: number): number[] {
  return [time.y - 2000, time.mo, time.d, time.h, time.mi, time.s, 0, 0, systolic, diastolic, pulse, 0, 0];
}
