import { describe, expect, it } from 'vitest';
import { decodeScaleReport, inKilograms } from './report';

const report = (...bytes: number[]) => decodeScaleReport(Uint8Array.from(bytes));

describe('decodeScaleReport', () => {
  it.each([
    [[0x03, 0x04, 0x0b, 0xff, 0x64, 0x01], 35.6, '[oz_av]'],
    [[0x03, 0x04, 0x0b, 0xff, 0x02, 0x00], 0.2, '[oz_av]'],
    [[0x03, 0x04, 0x0b, 0xff, 0xa0, 0x00], 16, '[oz_av]'],
    [[0x03, 0x04, 0x0c, 0xff, 0x6b, 0x06], 164.3, '[lb_av]'],
    [[0x03, 0x04, 0x03, 0xfe, 0x1a, 0x1d], 74.5, 'kg'],
    [[0x03, 0x04, 0x02, 0x00, 0x10, 0x27], 10_000, 'g'],
    [[0x03, 0x04, 0x02, 0x01, 0x10, 0x27], 100_000, 'g'],
    [[0x03, 0x04, 0x01, 0x00, 0xe8, 0x03], 1, 'g'],
    [[0x03, 0x04, 0x08, 0xfd, 0x4b, 0x00], 75, 'kg'],
    [[0x04, 0x04, 0x03, 0xff, 0xe8, 0x03], 100, 'kg'],
  ])('decodes %j as %d %s (documented fixtures, units and signed exponents)', (bytes, value, unit) => {
    expect(report(...bytes)).toEqual({ kind: 'data', status: 4, weight: { value, unit } });
  });

  it('accepts the extra leading 0x00 some hidapi wrappers add, and ignores padding', () => {
    expect(report(0x00, 0x03, 0x04, 0x0b, 0xff, 0x64, 0x01)).toEqual(report(0x03, 0x04, 0x0b, 0xff, 0x64, 0x01));
    expect(report(0x03, 0x04, 0x0b, 0xff, 0x64, 0x01, 0x00, 0x00)).toEqual(report(0x03, 0x04, 0x0b, 0xff, 0x64, 0x01));
  });

  it('names units the station cannot record body weight in', () => {
    expect(report(0x03, 0x04, 0x0a, 0x00, 0x01, 0x00)).toEqual({ kind: 'data', status: 4, weight: { unsupportedUnit: 'troy ounce' } });
    expect(report(0x03, 0x04, 0x63, 0x00, 0x01, 0x00)).toEqual({ kind: 'data', status: 4, weight: { unsupportedUnit: 'unit code 99' } });
  });

  it('sets other reports apart from broken data reports', () => {
    expect(report(0x02, 0x02)).toEqual({ kind: 'other', reportId: 2 });
    expect(report()).toEqual({ kind: 'malformed', reason: 'empty report' });
    expect(report(0x03, 0x04, 0x0b)).toEqual({ kind: 'malformed', reason: 'data report of 3 bytes, expected 6' });
  });

  it('reads the exponent byte as signed: 0x7f is 10^127, 0x80 is 10^-128', () => {
    const powerOfTen = (bytes: number[]) => {
      const decoded = report(...bytes);
      return decoded.kind === 'data' && 'value' in decoded.weight ? Math.round(Math.log10(decoded.weight.value)) : null;
    };
    expect(powerOfTen([0x03, 0x04, 0x03, 0x7f, 0x01, 0x00])).toBe(127);
    expect(powerOfTen([0x03, 0x04, 0x03, 0x80, 0x01, 0x00])).toBe(-128);
  });

  it('gives the nearest number to the decimal weight, whichever way the exponent points', () => {
    // 3 × 10^-1 multiplied out is 0.30000000000000004, and 3 / 10^-4 is 30000.000000000004.
    expect(report(0x03, 0x04, 0x03, 0xff, 0x03, 0x00)).toEqual({ kind: 'data', status: 4, weight: { value: 0.3, unit: 'kg' } });
    expect(report(0x03, 0x04, 0x02, 0x04, 0x03, 0x00)).toEqual({ kind: 'data', status: 4, weight: { value: 30_000, unit: 'g' } });
  });

  it('strips a leading 0x00 only from a report longer than a data report, so a 6-byte report of id 0 stays another report', () => {
    expect(report(0x00, 0x03, 0x04, 0x03, 0x00, 0x01)).toEqual({ kind: 'other', reportId: 0 });
  });

  it('converts to kilograms for plausibility checks', () => {
    expect(inKilograms({ value: 1, unit: '[lb_av]' })).toBe(0.45359237);
    expect(inKilograms({ value: 16, unit: '[oz_av]' })).toBeCloseTo(0.45359237, 12);
    expect(inKilograms({ value: 1500, unit: 'g' })).toBe(1.5);
  });
});
