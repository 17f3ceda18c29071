/**
 * ASTM E1381 low-level frames as the Contour meters send them (Bayer Computer Interface
 * Specification P/N 99993952 Rev. C, section 6.1.3; device-protocols.md section 4):
 * `STX FN text CR ETB|ETX C1 C2 CR LF`, the checksum being the low byte of the sum of FN through
 * ETB/ETX, as two upper-case hex digits. Control characters outside frames (EOT, ENQ, ACK, NAK)
 * are link-layer signals; anything else outside a frame is ignored (spec 6.1.3.1).
 */

export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ENQ = 0x05;
export const ACK = 0x06;
export const LF = 0x0a;
export const CR = 0x0d;
export const NAK = 0x15;
export const ETB = 0x17;

export type ControlCode = 'EOT' | 'ENQ' | 'ACK' | 'NAK';
const CONTROL_CODES = new Map<number, ControlCode>([
  [EOT, 'EOT'],
  [ENQ, 'ENQ'],
  [ACK, 'ACK'],
  [NAK, 'NAK'],
]);

export interface Frame {
  /** 0..7; the first frame of a transfer is 1, and 7 wraps to 0. */
  number: number;
  /** The record, without its trailing CR. */
  text: string;
  /** ETX: the frame holds the message-terminator record; ETB otherwise. */
  final: boolean;
}

export type LinkToken = { kind: 'control'; code: ControlCode } | { kind: 'frame'; frame: Frame } | { kind: 'bad-frame'; reason: string };

/** The checksum of the frame bytes from FN through ETB/ETX, as the two characters a frame carries. */
export function frameChecksum(fnThroughEnd: Uint8Array): string {
  const sum = fnThroughEnd.reduce((total, byte) => total + byte, 0);
  return (sum & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

/** One frame from its STX through its LF. */
export function parseFrame(bytes: Uint8Array): { ok: true; frame: Frame } | { ok: false; reason: string } {
  if (bytes[0] !== STX) return { ok: false, reason: 'frame does not start with STX' };
  const end = bytes.findIndex((byte, index) => index > 0 && (byte === ETB || byte === ETX));
  if (end < 0) return { ok: false, reason: 'frame has no ETB or ETX' };
  if (bytes.length !== end + 5) return { ok: false, reason: 'frame tail is not checksum, CR, LF' };
  const fn = (bytes[1] ?? 0) - 0x30;
  if (!(fn >= 0 && fn <= 7) || end < 3) return { ok: false, reason: 'frame number is not a digit 0-7' };
  if (bytes[end - 1] !== CR) return { ok: false, reason: 'record does not end with CR' };
  if (bytes[end + 3] !== CR || bytes[end + 4] !== LF) return { ok: false, reason: 'frame does not end with CR LF' };
  const sent = String.fromCharCode(bytes[end + 1] ?? 0, bytes[end + 2] ?? 0);
  const computed = frameChecksum(bytes.subarray(1, end + 1));
  if (sent !== computed) return { ok: false, reason: `checksum ${sent} does not match ${computed}` };
  const textBytes = bytes.subarray(2, end - 1);
  // E1381 restricts control characters inside a frame's text: one there means the frame is damaged.
  if (textBytes.some((byte) => byte < 0x20 || byte === 0x7f)) return { ok: false, reason: 'control character inside the record' };
  return { ok: true, frame: { number: fn, text: Array.from(textBytes, (code) => String.fromCharCode(code)).join(''), final: bytes[end] === ETX } };
}

/** Splits one received message into link signals and frames, in order. */
export function tokenizeMessage(message: Uint8Array): LinkToken[] {
  const tokens: LinkToken[] = [];
  let index = 0;
  while (index < message.length) {
    const byte = message[index] ?? 0;
    if (byte === STX) {
      const end = message.findIndex((candidate, at) => at > index && (candidate === ETB || candidate === ETX));
      if (end < 0) {
        tokens.push({ kind: 'bad-frame', reason: 'frame has no ETB or ETX' });
        break;
      }
      const frameEnd = Math.min(end + 5, message.length);
      const parsed = parseFrame(message.subarray(index, frameEnd));
      tokens.push(parsed.ok ? { kind: 'frame', frame: parsed.frame } : { kind: 'bad-frame', reason: parsed.reason });
      index = frameEnd;
      continue;
    }
    const code = CONTROL_CODES.get(byte);
    if (code !== undefined) tokens.push({ kind: 'control', code });
    index += 1;
  }
  return tokens;
}
