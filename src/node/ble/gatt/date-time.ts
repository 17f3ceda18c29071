/**
 * Date Time 0x2A08 (GATT Specification Supplement section 3.70) and Current Time 0x2A2B (section
 * 3.62, Current Time Service 1.1 section 3.1). A device clock has no zone, so a time is ISO 8601
 * without one, as capture-format.md asks of device timestamps. Year 0, month 0 or day 0 mean
 * "not known"; such a time, or one outside the field ranges (month 13, 30 February), is null:
 * never a made-up date.
 */
import { type FieldReader, decodeWith, type Decoded } from './reader';

/** The seven bytes of a Date Time field inside a measurement; null when unknown or impossible. */
export function readDateTime(reader: FieldReader, field = 'time stamp'): string | null {
  const year = reader.uint16(`${field} year`);
  const month = reader.uint8(`${field} month`);
  const day = reader.uint8(`${field} day`);
  const hours = reader.uint8(`${field} hours`);
  const minutes = reader.uint8(`${field} minutes`);
  const seconds = reader.uint8(`${field} seconds`);
  return isoDateTime(year, month, day, hours, minutes, seconds);
}

export function isoDateTime(year: number, month: number, day: number, hours: number, minutes: number, seconds: number): string | null {
  if (year < 1582 || year > 9999 || hours > 23 || minutes > 59 || seconds > 59) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 30 February over into March; a date that does not survive the round trip is impossible.
  if (month < 1 || day < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}`;
}

/** Date Time 0x2A08 on its own. */
export function decodeDateTime(bytes: Uint8Array): Decoded<string | null> {
  return decodeWith(bytes, (reader) => readDateTime(reader, 'date time'));
}

export interface CurrentTime {
  /** The device's wall clock, null when it does not know it. */
  time: string | null;
  /** Fractions256: 1/256 s. */
  fractionMs: number;
  adjustReason: { manual: boolean; externalReference: boolean; timeZoneChanged: boolean; dstChanged: boolean };
}

/** Current Time 0x2A2B: Date Time, Day of Week, Fractions256, Adjust Reason (10 bytes). */
export function decodeCurrentTime(bytes: Uint8Array): Decoded<CurrentTime> {
  return decodeWith(bytes, (reader) => {
    const time = readDateTime(reader, 'exact time');
    reader.uint8('day of week');
    const fractions = reader.uint8('fractions256');
    const reason = reader.uint8('adjust reason');
    return {
      time,
      fractionMs: (fractions * 1000) / 256,
      adjustReason: { manual: (reason & 1) !== 0, externalReference: (reason & 2) !== 0, timeZoneChanged: (reason & 4) !== 0, dstChanged: (reason & 8) !== 0 },
    };
  });
}

/** Battery Level 0x2A19 (section 3.27): percent 0..100; anything above is not a level. */
export function decodeBatteryLevel(bytes: Uint8Array): Decoded<number> {
  const decoded = decodeWith(bytes, (reader) => reader.uint8('battery level'));
  if (decoded.ok && decoded.value > 100) return { ok: false, reason: `battery level ${decoded.value} is above 100 %` };
  return decoded;
}
