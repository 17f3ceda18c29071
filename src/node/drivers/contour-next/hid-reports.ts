/**
 * The Contour Next meters' 64-byte HID reports (device-protocols.md section 4, "HID framing"): a
 * three-byte prefix ("ABC" from the meter, zeros from the host), a length byte N (0..60) and N
 * payload bytes, padded. A message longer than 60 bytes continues in the next report.
 */

export const REPORT_SIZE = 64;
export const MAX_PAYLOAD = 60;
const PREFIX_SIZE = 3;
const METER_PREFIX = [0x41, 0x42, 0x43]; // "ABC"

export type InputReport =
  | { kind: 'payload'; bytes: Uint8Array; /** N = 60: the message goes on in the next report. */ continues: boolean }
  | { kind: 'invalid'; reason: string };

/** One input report as node-hid read() returns it (the meter numbers none). */
export function decodeInputReport(report: Uint8Array): InputReport {
  if (report.length < PREFIX_SIZE + 1) return { kind: 'invalid', reason: `report of ${report.length} bytes is too short` };
  if (!METER_PREFIX.every((byte, index) => report[index] === byte)) return { kind: 'invalid', reason: 'report does not start with ABC' };
  const length = report[PREFIX_SIZE] ?? 0;
  if (length > MAX_PAYLOAD) return { kind: 'invalid', reason: `length byte ${length} exceeds ${MAX_PAYLOAD}` };
  const start = PREFIX_SIZE + 1;
  if (report.length < start + length) return { kind: 'invalid', reason: `length byte ${length} exceeds the report` };
  return { kind: 'payload', bytes: report.slice(start, start + length), continues: length === MAX_PAYLOAD };
}

/**
 * A host message as the output report that carries it, padded to 64 bytes. The host only ever
 * sends single control characters, so one report always holds the message.
 */
export function encodeOutputReport(message: Uint8Array): Uint8Array {
  if (message.length >= MAX_PAYLOAD) throw new RangeError(`a host message of ${message.length} bytes needs more than one report`);
  const report = new Uint8Array(REPORT_SIZE);
  report[PREFIX_SIZE] = message.length;
  report.set(message, PREFIX_SIZE + 1);
  return report;
}
