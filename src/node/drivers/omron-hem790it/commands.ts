/**
 * HEM-790IT commands and replies (device-protocols.md section 2, "Commands" and "Replies").
 * A command is a three-letter mnemonic, argument bytes and an XOR check byte; a successful reply is
 * `OK 00`, the data and an XOR byte over the data.
 */

const ASCII = new TextEncoder();
const OK = [0x4f, 0x4b] as const;
const NO = [0x4e, 0x4f] as const;

export function xor(bytes: ArrayLike<number>): number {
  let check = 0;
  for (let i = 0; i < bytes.length; i += 1) check ^= bytes[i] ?? 0;
  return check;
}

export interface Command {
  /** For messages: 'GME', 'VER', ... */
  mnemonic: string;
  /** The full message: mnemonic, arguments, check byte. */
  bytes: Uint8Array;
  /** Data bytes the OK reply carries after `OK 00`, the trailing XOR included. */
  replyDataLength: number;
}

function command(mnemonic: string, args: readonly number[], replyDataLength: number): Command {
  const bytes = new Uint8Array([...ASCII.encode(mnemonic), ...args, xor(args)]);
  return { mnemonic, bytes, replyDataLength };
}

/** The three identification queries take the argument "0", whose check byte is "0" again. */
const ZERO_ARGUMENT = [0x30] as const;

export const versionCommand = (): Command => command('VER', ZERO_ARGUMENT, 12);
export const profileCommand = (): Command => command('PRF', ZERO_ARGUMENT, 11);
export const serialCommand = (): Command => command('SRL', ZERO_ARGUMENT, 8);
/** Count of stored readings in memory bank `bank`. */
export const readingCountCommand = (bank: number): Command => command('GDC', [0x00, bank, 0x00, 0x00], 5);
/** Stored reading `index` (0 = newest) of memory bank `bank`. */
export const readingCommand = (bank: number, index: number): Command => command('GME', [0x00, bank, 0x00, index], 14);
/** Weekly morning (GMA) or evening (GEA) average, slot 0..7. */
export const weeklyAverageCommand = (period: 'morning' | 'evening', bank: number, slot: number): Command =>
  command(period === 'morning' ? 'GMA' : 'GEA', [0x00, bank, slot, 0x00, 0x00], 9);
/** Ends the session; the unit answers `OK`, then `OFF\r\n`, and switches off. */
export const endCommand = (): Command => command('END', [0xff], 0);

export const END_GOODBYE = ASCII.encode('OFF\r\n');

export type Reply =
  | { kind: 'ok'; data: Uint8Array }
  /** The device is not ready; the same command should be sent again. */
  | { kind: 'not-ready' }
  /** Too few bytes yet for the expected reply. */
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string };

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((b, i) => bytes[i] === b);

/**
 * Interprets the counted bytes received so far for a command whose OK reply carries
 * `dataLength` bytes (XOR byte included). Zero-length replies are the bare `OK` of END.
 */
export function parseReply(received: Uint8Array, dataLength: number): Reply {
  if (received.length === 0) return { kind: 'incomplete' };
  if (received.length === 1) {
    const first = received[0];
    return first === OK[0] || first === NO[0] ? { kind: 'incomplete' } : { kind: 'invalid', reason: `reply starts with 0x${hex(first)}` };
  }
  if (startsWith(received, NO)) return { kind: 'not-ready' };
  if (!startsWith(received, OK)) return { kind: 'invalid', reason: `reply starts with ${hex(received[0])} ${hex(received[1])}, neither OK nor NO` };
  if (dataLength === 0) return received.length === 2 ? { kind: 'ok', data: new Uint8Array(0) } : { kind: 'invalid', reason: `${received.length - 2} unexpected bytes after OK` };
  const expected = 3 + dataLength;
  if (received.length < expected) return { kind: 'incomplete' };
  if (received.length > expected) return { kind: 'invalid', reason: `reply is ${received.length} bytes, expected ${expected}` };
  if (received[2] !== 0x00) return { kind: 'invalid', reason: `byte after OK is 0x${hex(received[2])}, expected 00` };
  const data = received.slice(3);
  const check = data[data.length - 1];
  const computed = xor(data.subarray(0, data.length - 1));
  if (check !== computed) return { kind: 'invalid', reason: `XOR check 0x${hex(check)} does not match computed 0x${hex(computed)}` };
  return { kind: 'ok', data: data.slice(0, data.length - 1) };
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}

/** The reading count from a GDC reply's data (XOR already checked and removed). */
export function readingCountFrom(data: Uint8Array): number {
  return data[3] ?? 0;
}

export interface StoredReading {
  /** The monitor's local clock, ISO 8601 without zone: the device has none. */
  time: string;
  systolic: number;
  diastolic: number;
  pulseRate: number;
}

export type ReadingDecode = { ok: true; reading: StoredReading } | { ok: false; reason: string };

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Decodes a GME reply's 13 data bytes (device-protocols.md, "GME reading"), rejecting anything a
 * cuff could not have measured: an impossible date, a diastolic not below the systolic, zeros.
 */
export function decodeStoredReading(data: Uint8Array): ReadingDecode {
  if (data.length !== 13) return { ok: false, reason: `reading is ${data.length} bytes, expected 13` };
  const [yy, month, day, hour, minute, second] = data;
  const systolic = data[8] ?? 0;
  const diastolic = data[9] ?? 0;
  const pulseRate = data[10] ?? 0;
  const year = 2000 + (yy ?? 0);
  if (month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined) return { ok: false, reason: 'truncated' };
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `impossible timestamp ${year}-${month}-${day} ${hour}:${minute}:${second}` };
  }
  if (systolic === 0 || diastolic === 0 || pulseRate === 0) return { ok: false, reason: 'zero pressure or pulse' };
  if (diastolic >= systolic) return { ok: false, reason: `diastolic ${diastolic} not below systolic ${systolic}` };
  const time = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
  return { ok: true, reading: { time, systolic, diastolic, pulseRate } };
}
