import { describe, expect, it } from 'vitest';
import { decodeInputReport, encodeOutputReports, sameOutputReport } from './reports';

const bytes = (hex: string): Uint8Array => Uint8Array.from(hex.split(' '), (pair) => Number.parseInt(pair, 16));
const hex = (data: Uint8Array): string => Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(' ');

describe('decodeInputReport', () => {
  it('returns only the counted bytes and ignores the stale tail', () => {
    // The end of the shared log's GME answer: three counted bytes, then leftovers of the report before.
    expect(decodeInputReport(bytes('03 00 00 af 00 81 4e 4d'))).toEqual({ kind: 'data', bytes: bytes('00 00 af') });
  });

  it('recognises the empty report a mode change produces', () => {
    expect(decodeInputReport(bytes('00 00 00 00 00 00 00 00'))).toEqual({ kind: 'empty' });
  });

  it('takes all seven bytes of a full report', () => {
    expect(decodeInputReport(bytes('07 4f 4b 00 08 04 15 10'))).toEqual({ kind: 'data', bytes: bytes('4f 4b 00 08 04 15 10') });
  });

  it('treats a count of 8 as "not ready", never as data', () => {
    expect(decodeInputReport(bytes('08 60 00 00 00 00 00 00'))).toEqual({ kind: 'not-ready' });
    expect(decodeInputReport(bytes('ff 4f 4b 00 00 00 00 00'))).toEqual({ kind: 'not-ready' });
  });

  it('refuses reports that are not 8 bytes long', () => {
    expect(decodeInputReport(bytes('02 4f 4b'))).toEqual({ kind: 'not-ready' });
    expect(decodeInputReport(new Uint8Array(0))).toEqual({ kind: 'not-ready' });
    expect(decodeInputReport(bytes('02 4f 4b 00 00 00 00 00 00'))).toEqual({ kind: 'not-ready' });
  });
});

describe('encodeOutputReports', () => {
  it('fits a short command into one report', () => {
    expect(encodeOutputReports(bytes('56 45 52 30 30')).map(hex)).toEqual(['05 56 45 52 30 30 00 00']);
  });

  it('splits a long command and leaves the first piece behind the second, as the vendor software does', () => {
    // GMA slot 7 exactly as recorded in omron-hem790it-one-reading.cap.
    expect(encodeOutputReports(bytes('47 4d 41 00 00 07 00 00 07')).map(hex)).toEqual(['07 47 4d 41 00 00 07 00', '02 00 07 41 00 00 07 00']);
  });

  it('sends a clearing block of 30 zero bytes as four 7-byte reports and one 2-byte report', () => {
    expect(encodeOutputReports(new Uint8Array(30)).map(hex)).toEqual([...Array<string>(4).fill('07 00 00 00 00 00 00 00'), '02 00 00 00 00 00 00 00']);
  });

  it('sends nothing for an empty message', () => {
    expect(encodeOutputReports(new Uint8Array(0))).toEqual([]);
  });
});

describe('sameOutputReport', () => {
  it('matches reports that differ only after the counted bytes', () => {
    expect(sameOutputReport(bytes('05 56 45 52 30 30 00 a4'), bytes('05 56 45 52 30 30 00 00'))).toBe(true);
  });

  it('tells apart a different count or a different counted byte', () => {
    expect(sameOutputReport(bytes('05 56 45 52 30 30 00 00'), bytes('04 56 45 52 30 30 00 00'))).toBe(false);
    expect(sameOutputReport(bytes('05 56 45 52 30 30 00 00'), bytes('05 56 45 52 30 31 00 00'))).toBe(false);
  });

  it('matches two full pieces of seven counted bytes', () => {
    expect(sameOutputReport(bytes('07 47 4d 45 00 01 00 05'), bytes('07 47 4d 45 00 01 00 05'))).toBe(true);
  });

  it('refuses a report of the wrong size on either side, even when its counted bytes match', () => {
    expect(sameOutputReport(bytes('02 4f 4b 00 00 00 00 00'), bytes('02 4f 4b'))).toBe(false);
    expect(sameOutputReport(bytes('02 4f 4b'), bytes('02 4f 4b 00 00 00 00 00'))).toBe(false);
    expect(sameOutputReport(bytes('02 4f 4b 00 00 00 00 00 00'), bytes('02 4f 4b 00 00 00 00 00'))).toBe(false);
  });

  it('refuses malformed reports', () => {
    expect(sameOutputReport(bytes('08 00 00 00 00 00 00 00'), bytes('08 00 00 00 00 00 00 00'))).toBe(false);
    expect(sameOutputReport(bytes('02 4f 4b'), bytes('02 4f 4b'))).toBe(false);
  });
});
