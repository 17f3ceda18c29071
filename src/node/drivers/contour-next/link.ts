/**
 * The host side of one Contour download over HID (device-protocols.md section 4, "Session"): a
 * driver that accepts both published styles. Send EOT once; answer every ENQ and every good frame
 * with ACK and every damaged or out-of-sequence frame with NAK; stop once the terminator record is
 * acknowledged. A transfer that ends without its terminator is discarded whole.
 */
import type { DeviceIo } from '../driver';
import { ACK, EOT, ETB, ETX, CR, LF, NAK, tokenizeMessage } from './astm-frames';
import { decodeInputReport, encodeOutputReport } from './hid-reports';

export interface LinkPolicy {
  /** How long the meter may stay silent; the meter itself waits 15 s for the host (Bayer spec 6.1.2). */
  messageTimeoutMs: number;
}

export const DEFAULT_POLICY: LinkPolicy = { messageTimeoutMs: 15_000 };

/** After six failed sends of one frame the meter gives up (spec 6.1.3); so does the host. */
const MAX_CONSECUTIVE_NAKS = 6;
/** Bounds that keep a chattering or broken meter from holding the driver or its memory forever. */
const MAX_REPORTS_PER_MESSAGE = 64;
const MAX_RECORDS = 5_000;

export class ContourProtocolError extends Error {
  override name = 'ContourProtocolError';
}

/** Thrown when the hub closes the device mid-download. */
export class LinkAbortedError extends Error {
  override name = 'LinkAbortedError';
}

/** The record texts of one complete transfer, header first and terminator last. */
export async function downloadRecords(io: DeviceIo, signal: AbortSignal, policy: LinkPolicy = DEFAULT_POLICY): Promise<string[]> {
  const send = async (code: number): Promise<void> => {
    if (signal.aborted) throw new LinkAbortedError('device closed by the station');
    await io.write(encodeOutputReport(Uint8Array.of(code)));
  };
  await send(EOT);
  const records: string[] = [];
  // null: the next frame may carry any number (start of a transfer, or after an ENQ, as
  // glucometerutils does: no source shows which number follows).
  let lastNumber: number | null = null;
  let terminated = false;
  let consecutiveNaks = 0;
  for (;;) {
    const message = await readMessage(io, signal, policy.messageTimeoutMs);
    if (message === null) throw new ContourProtocolError('the meter stopped answering');
    let reply: typeof ACK | typeof NAK | null = null;
    for (const token of tokenizeMessage(message)) {
      if (token.kind === 'bad-frame') {
        reply = NAK;
      } else if (token.kind === 'control') {
        // The meter opens with EOT; once records have come, an EOT before the terminator is an abort.
        if (token.code === 'EOT') {
          if (records.length > 0) throw new ContourProtocolError('the meter ended the transfer before its terminator record');
        } else if (token.code === 'ENQ') {
          reply ??= ACK;
          lastNumber = null;
        }
      } else if (!terminated) {
        const { frame } = token;
        if (lastNumber !== null && frame.number === lastNumber) {
          reply ??= ACK; // a repeat of the frame already accepted: acknowledged, not kept twice
        } else if (lastNumber !== null && frame.number !== (lastNumber + 1) % 8) {
          reply = NAK;
        } else {
          records.push(frame.text);
          if (records.length > MAX_RECORDS) throw new ContourProtocolError(`the meter sent more than ${MAX_RECORDS} records`);
          lastNumber = frame.number;
          terminated = frame.final;
          reply ??= ACK;
        }
      }
    }
    if (reply === NAK && ++consecutiveNaks >= MAX_CONSECUTIVE_NAKS) throw new ContourProtocolError(`${MAX_CONSECUTIVE_NAKS} damaged frames in a row`);
    if (reply === ACK) consecutiveNaks = 0;
    if (reply !== null) await send(reply);
    // The terminator, acknowledged, completes the transfer; the meter's closing EOT carries nothing
    // more, so losing it (or the meter being unplugged first) costs nothing.
    if (terminated && reply === ACK) return records;
  }
}

/**
 * One message: reports until one whose length byte is below 60, or whose payload completes a frame
 * (tidepool's rule, for a frame that fills its last report exactly). Null when the meter is silent.
 */
async function readMessage(io: DeviceIo, signal: AbortSignal, timeoutMs: number): Promise<Uint8Array | null> {
  const parts: Uint8Array[] = [];
  for (let reports = 0; reports < MAX_REPORTS_PER_MESSAGE; reports += 1) {
    if (signal.aborted) throw new LinkAbortedError('device closed by the station');
    const report = await io.read(timeoutMs);
    if (report === null) break;
    const decoded = decodeInputReport(report);
    if (decoded.kind === 'invalid') continue;
    parts.push(decoded.bytes);
    if (!decoded.continues || endsWithFrameTail(decoded.bytes)) break;
  }
  return parts.length === 0 ? null : Buffer.concat(parts);
}

function endsWithFrameTail(bytes: Uint8Array): boolean {
  const end = bytes[bytes.length - 5];
  return (end === ETB || end === ETX) && bytes[bytes.length - 2] === CR && bytes[bytes.length - 1] === LF;
}
