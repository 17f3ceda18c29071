/**
 * The HEM-790IT's 8-byte HID report framing (device-protocols.md section 2, "Report framing"):
 * byte 0 counts the valid bytes that follow; everything after them is stale and meaningless.
 */

export const REPORT_SIZE = 8;
/** The most message bytes one report can carry after its count byte. */
export const MAX_REPORT_PAYLOAD = REPORT_SIZE - 1;

export type InputReport =
  | { kind: 'data'; bytes: Uint8Array }
  /** Count 0: the device sends one after a mode change. */
  | { kind: 'empty' }
  /**
   * A count the report cannot hold (the logs show `08 60 …` after a mode change) or a report of the
   * wrong size: the device is not ready, and none of its bytes are data.
   */
  | { kind: 'not-ready' };

/** The counted bytes of one input report, as node-hid read() returns it. */
export function decodeInputReport(report: Uint8Array): InputReport {
  const count = report[0];
  if (count === undefined || report.length !== REPORT_SIZE || count > MAX_REPORT_PAYLOAD) return { kind: 'not-ready' };
  if (count === 0) return { kind: 'empty' };
  return { kind: 'data', bytes: report.slice(1, 1 + count) };
}

/**
 * Splits one host message into output reports of at most seven counted bytes each.
 *
 * The vendor software writes every piece of a message through the same 8-byte buffer, so a later,
 * shorter piece leaves the tail of the earlier one behind as stale bytes. The device ignores those
 * bytes; reproducing them keeps our traffic byte-identical to the recorded vendor sessions.
 */
export function encodeOutputReports(message: Uint8Array): Uint8Array[] {
  const buffer = new Uint8Array(REPORT_SIZE);
  const reports: Uint8Array[] = [];
  for (let offset = 0; offset < message.length; offset += MAX_REPORT_PAYLOAD) {
    const piece = message.subarray(offset, offset + MAX_REPORT_PAYLOAD);
    buffer[0] = piece.length;
    buffer.set(piece, 1);
    reports.push(buffer.slice());
  }
  return reports;
}

/** Whether two output reports carry the same piece of a message: same count, same counted bytes. */
export function sameOutputReport(a: Uint8Array, b: Uint8Array): boolean {
  const count = a[0];
  if (a.length !== REPORT_SIZE || b.length !== REPORT_SIZE || count === undefined || count > MAX_REPORT_PAYLOAD || b[0] !== count) return false;
  return a.subarray(1, 1 + count).every((byte, i) => byte === b[1 + i]);
}
