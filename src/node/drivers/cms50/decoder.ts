/**
 * Incremental decoder for the CMS50 V7 byte stream. Pure: bytes in, packages and discard notices
 * out, with no clock and no I/O, so the same code serves the live session, replays and fuzzing.
 *
 * Framing (device-protocols.md section 1): a package starts with a type byte whose bit 7 is 0, every
 * later byte has bit 7 set, and each type has a fixed length. A byte with bit 7 clear therefore
 * always starts a new package; that is how the decoder resynchronises after garbage, a truncated
 * package or a lost byte.
 */
import { DEVICE_PACKAGE_LENGTHS, PACKAGE_TYPE, unpackData } from './protocol';

/** One real-time package (type 0x01) after the high bits are restored. */
export interface LiveFrame {
  /** 0..8 */
  signalStrength: number;
  searchingTooLong: boolean;
  lowSpo2: boolean;
  /** The device's beat marker. */
  pulseBeep: boolean;
  /** "Finger out"; the pleth then reads 0x40. */
  probeError: boolean;
  /** 0..127 */
  pleth: number;
  searching: boolean;
  /** 0..15 */
  bargraph: number;
  /** The package's own "PI invalid" flag, to be checked against the 0x0E reply. */
  piFlaggedInvalid: boolean;
  /** bpm, null when the device marks it invalid (0xFF) or it is outside 1..254. */
  pulseRate: number | null;
  /** %, null when the device marks it invalid (0x7F) or it is outside 1..100. */
  spo2: number | null;
  /** %, null when the device marks it invalid (0xFFFF or the PI-invalid flag) or it is outside 0.01..22.00. */
  perfusionIndex: number | null;
}

export type Cms50Package =
  | { kind: 'live'; frame: LiveFrame }
  | { kind: 'device-id'; id: string }
  | { kind: 'pi-identifier'; piValid: boolean }
  | { kind: 'free' }
  | { kind: 'disconnect'; reason: number }
  | { kind: 'command-feedback'; command: number; reason: number }
  | { kind: 'device-notice'; noticeType: number; info: number[] }
  /** Any other known type, with its restored data bytes (stored data, user info, undocumented replies). */
  | { kind: 'other'; type: number; data: number[] };

export type DiscardReason =
  /** A new type byte arrived before the package was complete. */
  | 'truncated'
  /** A byte with bit 7 clear that names no device-to-host package type. */
  | 'unknown-type'
  /** Bytes with bit 7 set outside any package (garbage, or the tail after an unknown type). */
  | 'stray-bytes'
  /** Complete, but its content breaks the protocol's stated ranges. */
  | 'malformed';

/** Each event carries the wire bytes it consumed, so every received byte is accounted for once. */
export type DecoderEvent = { kind: 'package'; package: Cms50Package; bytes: number[] } | { kind: 'discarded'; reason: DiscardReason; bytes: number[] };

const MAX_SPO2 = 100;
const MAX_PULSE_RATE = 254;
const MAX_SIGNAL_STRENGTH = 8;
/** V7: PI is valid up to 22.00 %, sent as PI × 100. */
const MAX_PI_HUNDREDTHS = 2200;

export class Cms50Decoder {
  private pending: number[] = [];
  private expectedLength = 0;
  private stray: number[] = [];

  /** Feeds one received chunk; returns what completed inside it, in stream order. */
  push(chunk: Uint8Array): DecoderEvent[] {
    const events: DecoderEvent[] = [];
    for (const byte of chunk) this.take(byte, events);
    return events;
  }

  /** Ends the stream: an unfinished package or stray tail is reported as discarded. */
  finish(): DecoderEvent[] {
    const events: DecoderEvent[] = [];
    this.dropPending('truncated', events);
    this.dropStray(events);
    return events;
  }

  private take(byte: number, events: DecoderEvent[]): void {
    if ((byte & 0x80) === 0) {
      this.dropPending('truncated', events);
      this.dropStray(events);
      const length = DEVICE_PACKAGE_LENGTHS.get(byte);
      if (length === undefined) {
        events.push({ kind: 'discarded', reason: 'unknown-type', bytes: [byte] });
        return;
      }
      this.pending = [byte];
      this.expectedLength = length;
      return;
    }
    if (this.pending.length === 0) {
      this.stray.push(byte);
      return;
    }
    this.pending.push(byte);
    if (this.pending.length === this.expectedLength) {
      const wire = this.pending;
      this.pending = [];
      const decoded = decodePackage(wire);
      events.push(decoded === null ? { kind: 'discarded', reason: 'malformed', bytes: wire } : { kind: 'package', package: decoded, bytes: wire });
    }
  }

  private dropPending(reason: DiscardReason, events: DecoderEvent[]): void {
    if (this.pending.length === 0) return;
    events.push({ kind: 'discarded', reason, bytes: this.pending });
    this.pending = [];
  }

  private dropStray(events: DecoderEvent[]): void {
    if (this.stray.length === 0) return;
    events.push({ kind: 'discarded', reason: 'stray-bytes', bytes: this.stray });
    this.stray = [];
  }
}

/**
 * Decodes one complete wire package (type byte, high byte, packed data). Returns null when the
 * content contradicts the protocol, so a corrupted package never passes as a reading.
 */
export function decodePackage(wire: readonly number[]): Cms50Package | null {
  const type = wire[0];
  if (type === undefined || DEVICE_PACKAGE_LENGTHS.get(type) !== wire.length) return null;
  const data = unpackData(wire);
  switch (type) {
    case PACKAGE_TYPE.live: {
      const frame = decodeLiveFrame(data);
      return frame === null ? null : { kind: 'live', frame };
    }
    case PACKAGE_TYPE.deviceId:
      return { kind: 'device-id', id: String.fromCharCode(...data) };
    case PACKAGE_TYPE.piIdentifier:
      if (data[0] !== 0x00 && data[0] !== 0x01) return null;
      return { kind: 'pi-identifier', piValid: data[0] === 0x00 };
    case PACKAGE_TYPE.free:
      return { kind: 'free' };
    case PACKAGE_TYPE.disconnect:
      return { kind: 'disconnect', reason: byteAt(data, 0) };
    case PACKAGE_TYPE.commandFeedback:
      return { kind: 'command-feedback', command: byteAt(data, 0), reason: byteAt(data, 1) };
    case PACKAGE_TYPE.deviceNotice:
      return { kind: 'device-notice', noticeType: byteAt(data, 0), info: data.slice(1) };
    default:
      return { kind: 'other', type, data };
  }
}

function decodeLiveFrame(data: readonly number[]): LiveFrame | null {
  const status = byteAt(data, 0);
  const plethByte = byteAt(data, 1);
  const bargraphByte = byteAt(data, 2);
  const pulse = byteAt(data, 3);
  const spo2 = byteAt(data, 4);
  const piHundredths = byteAt(data, 5) | (byteAt(data, 6) << 8);
  const signalStrength = status & 0x0f;
  if (signalStrength > MAX_SIGNAL_STRENGTH) return null;
  const piFlaggedInvalid = (bargraphByte & 0x10) !== 0;
  return {
    signalStrength,
    searchingTooLong: (status & 0x10) !== 0,
    lowSpo2: (status & 0x20) !== 0,
    pulseBeep: (status & 0x40) !== 0,
    probeError: (status & 0x80) !== 0,
    pleth: plethByte & 0x7f,
    searching: (plethByte & 0x80) !== 0,
    bargraph: bargraphByte & 0x0f,
    piFlaggedInvalid,
    // The valid ranges exclude the invalid markers 0xFF (pulse), 0x7F (SpO2) and 0xFFFF (PI).
    pulseRate: pulse >= 1 && pulse <= MAX_PULSE_RATE ? pulse : null,
    spo2: spo2 >= 1 && spo2 <= MAX_SPO2 ? spo2 : null,
    // 0.00 % is no perfusion reading; the V7 range is "up to 22.00 %".
    perfusionIndex: !piFlaggedInvalid && piHundredths >= 1 && piHundredths <= MAX_PI_HUNDREDTHS ? piHundredths / 100 : null,
  };
}

function byteAt(data: readonly number[], index: number): number {
  return data[index] ?? 0;
}
