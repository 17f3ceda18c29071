/**
 * A capture's records as a replay reads them, held compactly: a capture file may be tens of
 * megabytes and millions of records, and one object with its own byte array per record cost about
 * 300 bytes each (a 63 MB file took gigabytes to replay). Here every record's bytes sit in one
 * growing buffer, its delay, direction, line and byte offset in typed arrays, about 20 bytes a
 * record beside its payload; a record is materialised only when asked for, its bytes a view into
 * the buffer. Comments between records are not kept: a replay never reads them. A forward-only
 * stream from the file would hold less still, but choosing a driver's host variant replays the
 * whole capture once per variant, and a replay compares writes with records it has passed, so the
 * records stay at hand, only compactly.
 */
import { DIRECTIONS, type CaptureOf, type CaptureRecord, type RecordSink } from './format';

/** Read access to records by index: a plain array satisfies it, and so does a RecordStore. */
export interface RecordList {
  readonly length: number;
  at(index: number): CaptureRecord | undefined;
}

/** A capture as a replay needs it: records in any RecordList. */
export type ReplayableCapture = CaptureOf<RecordList>;

const INITIAL_RECORDS = 1024;

export class RecordStore implements RecordSink, RecordList {
  #length = 0;
  #payload = new Uint8Array(16 * INITIAL_RECORDS);
  #payloadLength = 0;
  /** Record i's bytes are #payload[#offsets[i], #offsets[i + 1]). */
  #offsets = new Uint32Array(INITIAL_RECORDS + 1);
  #delays = new Float64Array(INITIAL_RECORDS);
  #directions = new Uint8Array(INITIAL_RECORDS);
  #lines = new Uint32Array(INITIAL_RECORDS);

  get length(): number {
    return this.#length;
  }

  push(record: CaptureRecord): void {
    const index = this.#length;
    if (index === this.#delays.length) this.#growRecords();
    const end = this.#payloadLength + record.bytes.length;
    if (end > this.#payload.length) this.#payload = grown(this.#payload, Math.max(end, 2 * this.#payload.length));
    this.#payload.set(record.bytes, this.#payloadLength);
    this.#payloadLength = end;
    this.#offsets[index + 1] = end;
    this.#delays[index] = record.delayMs;
    this.#directions[index] = DIRECTIONS.indexOf(record.direction);
    this.#lines[index] = record.line ?? 0;
    this.#length = index + 1;
  }

  at(index: number): CaptureRecord | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.#length) return undefined;
    const direction = DIRECTIONS[this.#directions[index] ?? 0] ?? 'in';
    const bytes = this.#payload.subarray(this.#offsets[index], this.#offsets[index + 1]);
    const line = this.#lines[index] ?? 0;
    return { delayMs: this.#delays[index] ?? 0, direction, bytes, ...(line > 0 ? { line } : {}) };
  }

  #growRecords(): void {
    const capacity = 2 * this.#delays.length;
    this.#offsets = grown(this.#offsets, capacity + 1);
    this.#delays = grown(this.#delays, capacity);
    this.#directions = grown(this.#directions, capacity);
    this.#lines = grown(this.#lines, capacity);
  }
}

function grown<T extends Uint8Array | Uint32Array | Float64Array>(array: T, capacity: number): T {
  const larger = new (array.constructor as new (length: number) => T)(capacity);
  larger.set(array);
  return larger;
}
