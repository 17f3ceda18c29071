import { describe, expect, it } from 'vitest';
import { decodeInputReport, encodeOutputReport } from './hid-reports';

const report = (bytes: number[]): Uint8Array => {
  const padded = new Uint8Array(64);
  padded.set(bytes);
  return padded;
};

describe('Contour HID reports', () => {
  it('takes the counted payload after ABC and the length byte; 60 bytes means the message goes on', () => {
    expect(decodeInputReport(report([0x41, 0x42, 0x43, 0x01, 0x04, 0x99]))).toEqual({ kind: 'payload', bytes: Uint8Array.of(0x04), continues: false });
    const full = report([0x41, 0x42, 0x43, 60, ...Array.from({ length: 60 }, (_, i) => i)]);
    expect(decodeInputReport(full)).toEqual({ kind: 'payload', bytes: Uint8Array.from({ length: 60 }, (_, i) => i), continues: true });
    expect(decodeInputReport(report([0x41, 0x42, 0x43, 59]))).toMatchObject({ kind: 'payload', continues: false });
    expect(decodeInputReport(Uint8Array.of(0x41, 0x42, 0x43, 0))).toEqual({ kind: 'payload', bytes: new Uint8Array(0), continues: false });
  });

  it('refuses a report without the ABC prefix, with a length above 60 or beyond the report', () => {
    expect(decodeInputReport(report([0x00, 0x42, 0x43, 0x01, 0x04]))).toEqual({ kind: 'invalid', reason: 'report does not start with ABC' });
    expect(decodeInputReport(report([0x41, 0x42, 0x44, 0x01, 0x04]))).toEqual({ kind: 'invalid', reason: 'report does not start with ABC' });
    expect(decodeInputReport(report([0x41, 0x42, 0x43, 61]))).toEqual({ kind: 'invalid', reason: 'length byte 61 exceeds 60' });
    expect(decodeInputReport(Uint8Array.of(0x41, 0x42, 0x43, 2, 0x04))).toEqual({ kind: 'invalid', reason: 'length byte 2 exceeds the report' });
    expect(decodeInputReport(Uint8Array.of(0x41, 0x42, 0x43))).toEqual({ kind: 'invalid', reason: 'report of 3 bytes is too short' });
  });

  it('writes a host message as 00 00 00, its length and the bytes, zero-padded to 64', () => {
    expect(encodeOutputReport(Uint8Array.of(0x06))).toEqual(report([0, 0, 0, 1, 0x06]));
    expect(encodeOutputReport(new Uint8Array(59))[3]).toBe(59);
    expect(() => encodeOutputReport(new Uint8Array(60))).toThrow(RangeError);
  });
});
