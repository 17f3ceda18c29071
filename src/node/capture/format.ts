/**
 * The device capture format, version 1 (../../../shared/docs/capture-format.md, copied into
 * docs for newcomers as resources/captures/*.cap): parse text into records and write records back
 * as text. Comments are kept with the record they precede so a parse/serialise round trip loses
 * nothing a reader cares about.
 */

import { decodeGattFrame, encodeGattFrame, GATT_OPS, normaliseUuid, type GattOp } from '../ble/gatt-frame';

export const CAPTURE_MAGIC = '# vitalbridge-capture 1';

export const DIRECTIONS = ['in', 'out', 'feature-out', 'feature-in', ...GATT_OPS] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Host-to-device directions: the records a replay compares the driver's writes with. */
export function isHostToDevice(direction: Direction): boolean {
  return direction === 'out' || direction === 'feature-out' || direction === 'write';
}

/** Device-to-host records a replay hands the driver, in file order. */
export function isDeviceToHost(direction: Direction): boolean {
  return direction === 'in' || direction === 'notify' || direction === 'indicate' || direction === 'read';
}

function isGattOp(direction: Direction): direction is GattOp {
  return (GATT_OPS as readonly string[]).includes(direction);
}

export interface CaptureRecord {
  /** Milliseconds since the previous data line (0 when the line has no `+<ms>`). */
  delayMs: number;
  direction: Direction;
  bytes: Uint8Array;
  /** 1-based line in the source text; absent for records built in memory. */
  line?: number;
  /** Comment texts (without the leading `#`) that stood between the previous data line and this one. */
  comments?: string[];
}

export interface CaptureHeader {
  /** Driver id, e.g. `contec-cms50`. */
  device?: string;
  transport?: 'hid' | 'serial' | 'ble';
  vid?: number;
  pid?: number;
  /** Serial line settings such as `115200 8N1`. */
  serial?: string;
  source?: string;
  /** Unknown `# key: value` fields, in file order; kept and otherwise ignored. */
  extra: Array<[key: string, value: string]>;
}

/** Where a parser puts the records it reads: an array, or a compact store (record-store.ts). */
export interface RecordSink {
  readonly length: number;
  push(record: CaptureRecord): void;
}

/** A parsed capture whose records are held in `Records`. */
export interface CaptureOf<Records> {
  header: CaptureHeader;
  records: Records;
  /** Comments after the last data line. */
  trailingComments?: string[];
}

export type Capture = CaptureOf<CaptureRecord[]>;

export class CaptureFormatError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`capture line ${line}: ${problem}`);
    this.name = 'CaptureFormatError';
  }
}

const HEADER_FIELD = /^#\s*([A-Za-z][A-Za-z0-9_-]*):\s*(.*)$/;
const DELAY = /^\+(\d+(?:\.\d+)?)$/;
const HEX_BYTES = /^[0-9A-Fa-f]{2}(?: [0-9A-Fa-f]{2})*$/;
const USB_ID = /^0x[0-9A-Fa-f]{1,4}$/;

/**
 * The longest a record may wait after the previous one, and all of a capture's delays together.
 * Far above any real session (a cuff left for hours between readings); what lies beyond is a
 * damaged or hostile file, and virtual time that large loses millisecond precision, so a replay
 * would never move on (`+99999999999999999999999` ran forever).
 */
export const MAX_RECORD_DELAY_MS = 24 * 60 * 60_000;
export const MAX_CAPTURE_SPAN_MS = 7 * 24 * 60 * 60_000;

/** Parses a capture one line at a time, so a file can be read as a stream instead of whole. */
export class CaptureParser<Records extends RecordSink> {
  readonly #header: CaptureHeader = { extra: [] };
  readonly #records: Records;
  readonly #seenKnownFields = new Set<string>();
  #pendingComments: string[] = [];
  #lineNumber = 0;
  #spanMs = 0;

  constructor(records: Records) {
    this.#records = records;
  }

  /** The next line of the text, without its line end; throws CaptureFormatError naming the line. */
  line(raw: string): void {
    const lineNumber = ++this.#lineNumber;
    if (lineNumber === 1) {
      if (raw.replace(/^\uFEFF/, '').trimEnd() !== CAPTURE_MAGIC) throw new CaptureFormatError(1, `expected "${CAPTURE_MAGIC}" as the first line`);
      return;
    }
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const field = this.#records.length === 0 ? HEADER_FIELD.exec(line) : null;
      if (field) {
        const [, key = '', value = ''] = field;
        if (isKnownField(key) && this.#seenKnownFields.has(key)) throw new CaptureFormatError(lineNumber, `header field "${key}" given twice`);
        this.#seenKnownFields.add(key);
        setHeaderField(this.#header, key, value.trim(), lineNumber);
      } else {
        this.#pendingComments.push(line.slice(1));
      }
      return;
    }
    const record = parseDataLine(line, lineNumber);
    this.#spanMs += record.delayMs;
    if (this.#spanMs > MAX_CAPTURE_SPAN_MS) throw new CaptureFormatError(lineNumber, `the delays add up to more than ${MAX_CAPTURE_SPAN_MS / 86_400_000} days, longer than a capture may span`);
    if (this.#pendingComments.length > 0) record.comments = this.#pendingComments;
    this.#pendingComments = [];
    this.#records.push(record);
  }

  /** The capture read so far; an empty text lacks the magic line. */
  finish(): CaptureOf<Records> {
    if (this.#lineNumber === 0) this.line('');
    const capture: CaptureOf<Records> = { header: this.#header, records: this.#records };
    if (this.#pendingComments.length > 0) capture.trailingComments = this.#pendingComments;
    return capture;
  }
}

export function parseCapture(text: string): Capture {
  const parser = new CaptureParser<CaptureRecord[]>([]);
  for (const line of text.split(/\r?\n/)) parser.line(line);
  return parser.finish();
}

const KNOWN_FIELDS = ['device', 'transport', 'vid', 'pid', 'serial', 'source'] as const;
type KnownField = (typeof KNOWN_FIELDS)[number];
function isKnownField(key: string): key is KnownField {
  return (KNOWN_FIELDS as readonly string[]).includes(key);
}

function setHeaderField(header: CaptureHeader, key: string, value: string, lineNumber: number): void {
  if (!isKnownField(key)) {
    header.extra.push([key, value]);
    return;
  }
  switch (key) {
    case 'transport':
      if (value !== 'hid' && value !== 'serial' && value !== 'ble') throw new CaptureFormatError(lineNumber, `transport must be "hid", "serial" or "ble", not "${value}"`);
      header.transport = value;
      return;
    case 'vid':
    case 'pid':
      if (!USB_ID.test(value)) throw new CaptureFormatError(lineNumber, `${key} must be hex such as 0x0590, not "${value}"`);
      header[key] = Number.parseInt(value.slice(2), 16);
      return;
    default:
      header[key] = value;
  }
}

const DATA_LINE = /^(?:(\+\S*)\s+)?(\S+)(?:\s+(.*))?$/;

function parseDataLine(line: string, lineNumber: number): CaptureRecord {
  const [, delayField, direction = '', hex = ''] = DATA_LINE.exec(line) ?? [];
  let delayMs = 0;
  if (delayField !== undefined) {
    const delay = DELAY.exec(delayField);
    if (!delay) throw new CaptureFormatError(lineNumber, `delay "${delayField}" is not +<milliseconds>`);
    delayMs = Number(delay[1]);
    if (delayMs > MAX_RECORD_DELAY_MS) throw new CaptureFormatError(lineNumber, `delay ${delayField.slice(0, 40)} ms is longer than the ${MAX_RECORD_DELAY_MS / 3_600_000} hours a record may wait`);
  }
  if (!isDirection(direction)) {
    throw new CaptureFormatError(lineNumber, `unknown direction "${direction}" (expected ${DIRECTIONS.join(', ')})`);
  }
  if (isGattOp(direction)) return { delayMs, direction, bytes: parseGattData(direction, hex, lineNumber), line: lineNumber };
  return { delayMs, direction, bytes: parseHex(hex, lineNumber), line: lineNumber };
}

function parseHex(hex: string, lineNumber: number): Uint8Array {
  if (hex === '') throw new CaptureFormatError(lineNumber, 'data line has no bytes');
  if (!HEX_BYTES.test(hex)) throw new CaptureFormatError(lineNumber, 'bytes must be two hex digits each, separated by single spaces');
  return Uint8Array.from(hex.split(' '), (pair) => Number.parseInt(pair, 16));
}

const GATT_DATA = /^(\S+)\/(\S+)(?:\s+(.*))?$/;

/** `<service>/<characteristic> <hex>`, held as a GATT frame (ble/gatt-frame.ts); a write or read may carry no bytes. */
function parseGattData(op: GattOp, data: string, lineNumber: number): Uint8Array {
  const [, serviceText = '', characteristicText = '', hex = ''] = GATT_DATA.exec(data) ?? [];
  const service = normaliseUuid(serviceText);
  const characteristic = normaliseUuid(characteristicText);
  if (service === null || characteristic === null) {
    throw new CaptureFormatError(lineNumber, `a ${op} record needs <service>/<characteristic> UUIDs (4 or 32 hex digits), such as 1810/2a35`);
  }
  const value = hex === '' && (op === 'read' || op === 'write') ? new Uint8Array(0) : parseHex(hex, lineNumber);
  return encodeGattFrame({ op, service, characteristic, value });
}

function isDirection(word: string): word is Direction {
  return (DIRECTIONS as readonly string[]).includes(word);
}

export function formatHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function formatUsbId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/** The header block: the magic line and every field, known ones first in the documented order. */
export function serialiseHeader(header: CaptureHeader): string {
  const lines = [CAPTURE_MAGIC];
  const known: Array<[string, string | undefined]> = [
    ['device', header.device],
    ['transport', header.transport],
    ['vid', header.vid === undefined ? undefined : formatUsbId(header.vid)],
    ['pid', header.pid === undefined ? undefined : formatUsbId(header.pid)],
    ['serial', header.serial],
    ['source', header.source],
  ];
  for (const [key, value] of [...known, ...header.extra]) {
    if (value !== undefined) lines.push(`# ${key}: ${singleLine(value)}`);
  }
  return lines.join('\n') + '\n';
}

/** One data line (preceded by its comments), newline-terminated. */
export function serialiseRecord(record: CaptureRecord): string {
  const comments = (record.comments ?? []).map((c) => `#${singleLine(c)}\n`).join('');
  const delay = record.delayMs > 0 ? `+${formatDelay(record.delayMs)} ` : '';
  return `${comments}${delay}${describeData(record.direction, record.bytes)}\n`;
}

/** A record's `<direction> <data>` as a capture line writes it: GATT records name their characteristic. */
export function describeData(direction: Direction, bytes: Uint8Array): string {
  const gatt = isGattOp(direction) ? decodeGattFrame(bytes) : null;
  if (gatt === null) return `${direction} ${formatHex(bytes)}`;
  return `${direction} ${gatt.service}/${gatt.characteristic}${gatt.value.length > 0 ? ` ${formatHex(gatt.value)}` : ''}`;
}

export function serialiseCapture(capture: Capture): string {
  const trailing = (capture.trailingComments ?? []).map((c) => `#${singleLine(c)}\n`).join('');
  return serialiseHeader(capture.header) + '\n' + capture.records.map(serialiseRecord).join('') + trailing;
}

function formatDelay(ms: number): string {
  // Whole milliseconds are what the format's sources carry; keep sub-millisecond precision short.
  return Number.isInteger(ms) ? String(ms) : String(Math.round(ms * 1000) / 1000);
}

/** A newline inside a field or comment would start a new (possibly data) line: flatten it. */
function singleLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
