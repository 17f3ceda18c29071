/**
 * A DeviceIo that plays a capture back to a driver with the semantics of capture-format.md:
 * `in` records in file order, each released only after the driver has written as many
 * host-to-device records as precede it, delays on a virtual clock, and every write compared with
 * the recorded one.
 */
import { DeviceClosedError, type DeviceIo, type TransportKind } from '../drivers/driver';
import { describeData, isDeviceToHost, isHostToDevice, type CaptureRecord, type Direction } from './format';
import type { RecordList, ReplayableCapture } from './record-store';
import { VirtualClock, type ReplayClock } from './virtual-clock';

export interface ReplayMismatch {
  /** 1-based ordinal of the driver's host-to-device write, or of the recorded one it never made. */
  write: number;
  /** Capture line of the recorded record, null when the capture holds no record for this write. */
  line: number | null;
  /** Recorded record as `<direction> <hex>`, null when the driver wrote more than was recorded. */
  expected: string | null;
  /** What the driver wrote as `<direction> <hex>`, null when it never wrote the recorded record. */
  actual: string | null;
}

export class ReplayMismatchError extends Error {
  constructor(readonly mismatch: ReplayMismatch) {
    super(describeMismatch(mismatch));
    this.name = 'ReplayMismatchError';
  }
}

export function describeMismatch(m: ReplayMismatch): string {
  const where = m.line === null ? `write ${m.write}` : `write ${m.write} (capture line ${m.line})`;
  if (m.expected === null) return `${where}: driver wrote "${m.actual}" but the capture has no more host-to-device records`;
  if (m.actual === null) return `${where}: driver never wrote "${m.expected}"`;
  return `${where}: driver wrote "${m.actual}", capture has "${m.expected}"`;
}

export interface ReplayIoOptions {
  /** Fail (reject the write and every later call) on the first mismatch. */
  strict?: boolean;
  /** Used when the capture header names no transport. */
  transport?: TransportKind;
  /**
   * Virtual milliseconds without progress (a delivered record or a write) after which a driver
   * waiting on input the capture cannot release is told the device is gone. Keeps a replay from
   * spinning forever on a driver that never sends what the capture waits for.
   */
  stallLimitMs?: number;
  onMismatch?(mismatch: ReplayMismatch): void;
  /** The driver's own notion of an equivalent write (DriverManifest.sameHostReport); byte equality otherwise. */
  sameHostReport?(direction: 'out' | 'feature-out', recorded: Uint8Array, written: Uint8Array): boolean;
  /** Called once when the replayed device goes away: capture ended, stalled, or strict mismatch. */
  onEnd?(reason: Error): void;
  /** A virtual clock of its own by default; a RecordedSpeedClock plays the capture in real time. */
  clock?: ReplayClock;
}

const DEFAULT_STALL_LIMIT_MS = 5 * 60_000;

export class ReplayIo implements DeviceIo {
  readonly transport: TransportKind;
  private readonly clock: ReplayClock;
  /** Aborted by close(): cuts every wait short so a driver blocked on the replay returns. */
  private readonly closing = new AbortController();
  private readonly records: RecordList;
  // Per-record indexes in typed arrays: a capture may hold millions of records (record-store.ts).
  /** Per record: how many host-to-device records precede it in the file. */
  private readonly hostRecordsBefore: Uint32Array;
  /** Record indices of the host-to-device records, in file order. */
  private readonly hostRecordIndices: Uint32Array;
  /** Record indices of the device-to-host records, in file order: the driver reads them one after another. */
  private readonly inputRecordIndices: Uint32Array;
  /** Virtual time at which each record happened, known for the first `occurredKnown` records. */
  private readonly occurredAt: Float64Array;
  private occurredKnown = 0;
  private readonly hostWriteTimes: number[] = [];
  private readonly collectedMismatches: ReplayMismatch[] = [];
  private readonly writeListeners = new Set<() => void>();
  private inputsDelivered = 0;
  private writesMade = 0;
  private lastProgressAt = 0;
  private closedBy: Error | null = null;

  constructor(
    capture: ReplayableCapture,
    private readonly options: ReplayIoOptions = {},
  ) {
    this.clock = options.clock ?? new VirtualClock();
    const records = capture.records;
    this.records = records;
    this.transport = capture.header.transport ?? options.transport ?? 'hid';
    this.hostRecordsBefore = new Uint32Array(records.length);
    this.occurredAt = new Float64Array(records.length);
    const hostIndices = new Uint32Array(records.length);
    const inputIndices = new Uint32Array(records.length);
    let hosts = 0;
    let inputs = 0;
    for (let index = 0; index < records.length; index++) {
      const direction = records.at(index)?.direction;
      this.hostRecordsBefore[index] = hosts;
      if (direction !== undefined && isHostToDevice(direction)) hostIndices[hosts++] = index;
      if (direction !== undefined && isDeviceToHost(direction)) inputIndices[inputs++] = index;
    }
    this.hostRecordIndices = hostIndices.slice(0, hosts);
    this.inputRecordIndices = inputIndices.slice(0, inputs);
  }

  get mismatches(): readonly ReplayMismatch[] {
    return this.collectedMismatches;
  }

  /** True once read() has reported the end of the capture (or a stall). */
  get ended(): boolean {
    return this.closedBy !== null;
  }

  /** Recorded host-to-device records the driver never wrote, as mismatches. */
  unwrittenRecords(): ReplayMismatch[] {
    return Array.from(this.hostRecordIndices.subarray(this.writesMade), (recordIndex, i) => {
      const record = this.records.at(recordIndex);
      return { write: this.writesMade + i + 1, line: record?.line ?? null, expected: describeRecord(record), actual: null };
    });
  }

  now(): number {
    return this.clock.now();
  }

  /** Ends the replay as an unplug would: waiting and later calls fail with DeviceClosedError. */
  async close(): Promise<void> {
    this.closedBy ??= new DeviceClosedError('replay closed');
    this.closing.abort();
  }

  async sleep(ms: number): Promise<void> {
    this.throwIfClosed();
    if (!this.inputReleasable() && this.clock.now() - this.lastProgressAt >= this.stallLimitMs) this.closeForStall();
    await this.clock.until(this.clock.now() + nonNegative(ms), this.closing.signal);
    this.throwIfClosed();
  }

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    this.throwIfClosed();
    const deadline = this.clock.now() + nonNegative(timeoutMs);
    for (;;) {
      this.throwIfClosed();
      const index = this.nextInputIndex();
      if (index === undefined) {
        this.endWith(new DeviceClosedError('capture ended'));
      }
      if (this.gateOpen(index)) {
        const at = this.occurrence(index);
        if (at <= this.clock.now()) {
          this.inputsDelivered++;
          this.lastProgressAt = this.clock.now();
          return Uint8Array.from(this.records.at(index)?.bytes ?? []);
        }
        if (at > deadline) {
          await this.clock.until(deadline, this.closing.signal);
          this.throwIfClosed();
          return null;
        }
        await this.clock.until(at, this.closing.signal);
        continue;
      }
      if (this.clock.now() - this.lastProgressAt >= this.stallLimitMs) this.closeForStall();
      if (this.clock.now() >= deadline) return null;
      await this.untilWriteOr(Math.min(deadline, this.lastProgressAt + this.stallLimitMs));
      this.throwIfClosed();
    }
  }

  write(data: Uint8Array): Promise<void> {
    return this.hostWrite(this.transport === 'ble' ? 'write' : 'out', data);
  }

  sendFeatureReport(data: Uint8Array): Promise<void> {
    return this.hostWrite('feature-out', data);
  }

  private async hostWrite(direction: Direction, data: Uint8Array): Promise<void> {
    this.throwIfClosed();
    const ordinal = this.writesMade++;
    const now = this.clock.now();
    this.lastProgressAt = now;
    this.hostWriteTimes[ordinal] = now;
    const actual = describeData(direction, data);
    const recordIndex = this.hostRecordIndices[ordinal];
    const record = recordIndex === undefined ? undefined : this.records.at(recordIndex);
    const expected = describeRecord(record);
    for (const listener of this.writeListeners) listener();
    if (expected === actual || (record && record.direction === direction && this.equivalentWrite(direction, record.bytes, data))) return;
    const mismatch: ReplayMismatch = { write: ordinal + 1, line: record?.line ?? null, expected, actual };
    this.collectedMismatches.push(mismatch);
    this.options.onMismatch?.(mismatch);
    if (this.options.strict) {
      this.endWith(new ReplayMismatchError(mismatch));
    }
  }

  private equivalentWrite(direction: Direction, recorded: Uint8Array, written: Uint8Array): boolean {
    return (direction === 'out' || direction === 'feature-out') && (this.options.sameHostReport?.(direction, recorded, written) ?? false);
  }

  private get stallLimitMs(): number {
    return this.options.stallLimitMs ?? DEFAULT_STALL_LIMIT_MS;
  }

  private nextInputIndex(): number | undefined {
    return this.inputRecordIndices[this.inputsDelivered];
  }

  private gateOpen(recordIndex: number): boolean {
    return this.writesMade >= (this.hostRecordsBefore[recordIndex] ?? 0);
  }

  private inputReleasable(): boolean {
    const index = this.nextInputIndex();
    return index !== undefined && this.gateOpen(index);
  }

  /**
   * When a record happened on the virtual clock: a device-to-host record its delay after the
   * previous record, a host-to-device record when the driver wrote it (never before the previous
   * record). Only called for records whose gate is open, so every earlier write is known.
   */
  private occurrence(recordIndex: number): number {
    while (this.occurredKnown <= recordIndex) {
      const index = this.occurredKnown;
      const record = this.records.at(index);
      const previous = index === 0 ? 0 : (this.occurredAt[index - 1] ?? 0);
      if (record && isHostToDevice(record.direction)) {
        const writtenAt = this.hostWriteTimes[this.hostRecordsBefore[index] ?? 0];
        if (writtenAt === undefined) throw new Error(`replay: record at line ${record.line} has not been written yet`);
        this.occurredAt[index] = Math.max(writtenAt, previous);
      } else {
        this.occurredAt[index] = previous + (record?.delayMs ?? 0);
      }
      this.occurredKnown++;
    }
    return this.occurredAt[recordIndex] ?? 0;
  }

  private async untilWriteOr(at: number): Promise<void> {
    const wake = new AbortController();
    const onWrite = (): void => wake.abort();
    this.writeListeners.add(onWrite);
    try {
      await this.clock.until(at, AbortSignal.any([wake.signal, this.closing.signal]));
    } finally {
      this.writeListeners.delete(onWrite);
    }
  }

  private closeForStall(): never {
    const index = this.nextInputIndex();
    const record = index === undefined ? undefined : this.records.at(index);
    const waitingFor = record
      ? `line ${record.line ?? index} waits for ${this.hostRecordsBefore[index ?? 0]} host-to-device records, the driver wrote ${this.writesMade}`
      : 'the capture has no more input';
    this.endWith(new DeviceClosedError(`replay stalled after ${this.stallLimitMs} virtual ms without progress: ${waitingFor}`));
  }

  private endWith(reason: Error): never {
    this.closedBy = reason;
    this.options.onEnd?.(reason);
    throw reason;
  }

  private throwIfClosed(): void {
    if (this.closedBy) throw this.closedBy;
  }
}

/** A NaN or negative duration from a buggy driver must not poison the virtual clock. */
function nonNegative(ms: number): number {
  return ms > 0 ? ms : 0;
}

function describeRecord(record: CaptureRecord | undefined): string | null {
  return record ? describeData(record.direction, record.bytes) : null;
}
