import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Metric, UcumUnit } from '../vitals';
import { significantDigits, toCanonicalUnit, toDisplayUnit } from './units';

/** The exact conversions (clinical-references.md 2.3 for glucose), written out independently of units.ts. */
const EXACT: { metric: Metric; from: UcumUnit; exact: (value: number) => number; max: number }[] = [
  { metric: 'bodyWeight', from: '[oz_av]', exact: (oz) => oz * 0.028349523125, max: 9_999 },
  { metric: 'bodyWeight', from: '[lb_av]', exact: (lb) => lb * 0.45359237, max: 999 },
  { metric: 'bodyWeight', from: 'g', exact: (g) => g / 1000, max: 99_999 },
  { metric: 'glucose', from: 'mmol/L', exact: (mmol) => mmol * 18.016, max: 50 },
  { metric: 'bodyTemperature', from: '[degF]', exact: (f) => ((f - 32) * 5) / 9, max: 110 },
];

function canonical(metric: Metric, value: number, unit: UcumUnit): number {
  const result = toCanonicalUnit(metric, value, unit);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe('unit conversion keeps the device resolution', () => {
  it('gives ounces and mmol/L no digits the device never had', () => {
    expect(canonical('bodyWeight', 0.2, '[oz_av]')).toBe(0.006);
    expect(canonical('glucose', 5.5, 'mmol/L')).toBe(99);
    expect(canonical('bodyWeight', 150, '[lb_av]')).toBe(68.0);
    expect(canonical('bodyTemperature', 98.6, '[degF]')).toBe(37);
    // A value already in the canonical unit is the device's, untouched.
    expect(canonical('bodyWeight', 0.0056699046250000005, 'kg')).toBe(0.0056699046250000005);
  });

  it('counts significant digits of the shortest decimal form, trailing integer zeros included', () => {
    expect([0.2, 5.5, 98.6, 150, 1200, 0.05, 0, 1e-7, 12.25, 1.5e-7, 1.25e21].map(significantDigits)).toEqual([1, 2, 3, 3, 4, 1, 1, 1, 4, 2, 3]);
  });

  it('rounds every conversion to the significant digits of the source value, and only that far (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXACT),
        fc.integer({ min: 1, max: 999_999 }),
        fc.integer({ min: 0, max: 3 }),
        ({ metric, from, exact, max }, mantissa, decimals) => {
          const source = mantissa / 10 ** decimals;
          fc.pre(source <= max);
          const result = toCanonicalUnit(metric, source, from);
          fc.pre(result.ok); // outside the plausible range is a refusal, tested elsewhere
          if (!result.ok) return;
          const digits = significantDigits(source);
          const precise = exact(source);
          // No false precision: the value is exactly what `digits` significant digits can say...
          expect(Number(result.value.toPrecision(digits))).toBe(result.value);
          // ...and it is the nearest such value to the exact conversion.
          const halfStep = 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(precise))) - digits + 1);
          expect(Math.abs(result.value - precise)).toBeLessThanOrEqual(halfStep * (1 + 1e-9));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('a value that cannot be a reading is refused with the reason', () => {
  it('refuses a unit the metric is never measured in', () => {
    expect(toCanonicalUnit('spo2', 95, 'kg')).toEqual({ ok: false, reason: 'SpO₂ cannot be measured in kg', logReason: 'SpO₂ cannot be measured in kg' });
  });

  it('refuses a number that is not finite', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(toCanonicalUnit('spo2', value, '%')).toEqual({ ok: false, reason: 'SpO₂ is not a number', logReason: 'SpO₂ is not a number' });
    }
  });

  it('refuses a value outside the physically possible range, naming it on screen but keeping it out of the log', () => {
    expect(toCanonicalUnit('bodyWeight', 5000, '[lb_av]')).toEqual({
      ok: false,
      reason: 'Weight 5000 [lb_av] is outside the possible range 0–500 kg',
      logReason: 'Weight outside the possible range 0–500 kg',
    });
  });

  it('accepts the ends of the possible range and nothing beyond them', () => {
    expect(toCanonicalUnit('bodyTemperature', 25, 'Cel')).toEqual({ ok: true, value: 25, unit: 'Cel' });
    expect(toCanonicalUnit('bodyTemperature', 45, 'Cel')).toEqual({ ok: true, value: 45, unit: 'Cel' });
    expect(toCanonicalUnit('bodyTemperature', 24.9, 'Cel').ok).toBe(false);
    expect(toCanonicalUnit('bodyTemperature', 45.1, 'Cel').ok).toBe(false);
  });
});

describe('display units (settings devices.displayUnits)', () => {
  it('shows glucose in the chosen unit with the device value\'s significant digits', () => {
    expect(toDisplayUnit('glucose', 104, 'mg/dL', { glucose: 'mmol/L' })).toEqual({ value: 5.77, unit: 'mmol/L' });
    expect(toDisplayUnit('glucose', 5.5, 'mmol/L', { glucose: 'mg/dL' })).toEqual({ value: 99, unit: 'mg/dL' });
  });

  it('leaves a value already in the chosen unit, and a metric without a chosen unit, as the device gave it', () => {
    expect(toDisplayUnit('glucose', 5.55, 'mmol/L', { glucose: 'mmol/L' })).toEqual({ value: 5.55, unit: 'mmol/L' });
    expect(toDisplayUnit('glucose', 104, 'mg/dL', {})).toEqual({ value: 104, unit: 'mg/dL' });
    expect(toDisplayUnit('bodyWeight', 150, '[lb_av]', { glucose: 'mmol/L' })).toEqual({ value: 150, unit: '[lb_av]' });
  });
});
