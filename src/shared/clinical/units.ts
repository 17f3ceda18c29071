/**
 * Brings a reading into the unit its metric's clinical rules are written in (the first unit of
 * the metric in vitals.ts), so limits and NEWS2 bands are compared like with like.
 */
import type { Metric, UcumUnit } from '../vitals';
import { METRIC_DEFINITIONS } from '../vitals';

/** clinical-references.md 2.3: glucose 180.156 g/mol, so 1 mmol/L = 18.016 mg/dL. */
const MG_PER_DL_PER_MMOL_PER_L = 18.016;

const CONVERSIONS: Partial<Record<UcumUnit, Partial<Record<UcumUnit, (value: number) => number>>>> = {
  '[degF]': { Cel: (f) => ((f - 32) * 5) / 9 },
  'mmol/L': { 'mg/dL': (mmol) => mmol * MG_PER_DL_PER_MMOL_PER_L },
  'mg/dL': { 'mmol/L': (mg) => mg / MG_PER_DL_PER_MMOL_PER_L },
  g: { kg: (g) => g / 1000 },
  '[lb_av]': { kg: (lb) => lb * 0.45359237 },
  '[oz_av]': { kg: (oz) => oz * 0.028349523125 },
};

export type CanonicalValue =
  | { ok: true; value: number; unit: UcumUnit }
  | {
      ok: false;
      reason: string;
      /** The same reason without the measured value: what logs may carry (a value is health data). */
      logReason: string;
    };

/**
 * The value in the metric's canonical unit, or why it cannot be trusted: a unit the metric never
 * carries, or a number outside the physically possible range (a decoding error, not a reading).
 */
export function toCanonicalUnit(metric: Metric, value: number, unit: UcumUnit): CanonicalValue {
  const definition = METRIC_DEFINITIONS[metric];
  const canonicalUnit = definition.units[0];
  if (canonicalUnit === undefined || !definition.units.includes(unit)) {
    const reason = `${definition.label} cannot be measured in ${unit}`;
    return { ok: false, reason, logReason: reason };
  }
  if (!Number.isFinite(value)) return { ok: false, reason: `${definition.label} is not a number`, logReason: `${definition.label} is not a number` };
  const convert = unit === canonicalUnit ? (v: number) => v : CONVERSIONS[unit]?.[canonicalUnit];
  if (convert === undefined) return { ok: false, reason: `no conversion from ${unit} to ${canonicalUnit}`, logReason: `no conversion from ${unit} to ${canonicalUnit}` };
  const converted = unit === canonicalUnit ? value : keepResolution(convert(value), value);
  const { min, max } = definition.plausible;
  if (converted < min || converted > max) {
    return {
      ok: false,
      reason: `${definition.label} ${value} ${unit} is outside the possible range ${min}–${max} ${canonicalUnit}`,
      logReason: `${definition.label} outside the possible range ${min}–${max} ${canonicalUnit}`,
    };
  }
  return { ok: true, value: converted, unit: canonicalUnit };
}

/** Units a screen may be set to show a metric in (settings `devices.displayUnits`); others show the reading's own. */
export type DisplayUnits = Partial<Record<Metric, UcumUnit>>;

/**
 * A value as a screen set to `displayUnits` shows it: converted, with the device value's
 * significant digits, when the metric has a display unit and a conversion to it exists; as it
 * came otherwise. Only what is shown changes: records keep the device's value and unit.
 */
export function toDisplayUnit(metric: Metric, value: number, unit: UcumUnit, displayUnits: DisplayUnits): { value: number; unit: UcumUnit } {
  const target = displayUnitOf(metric, unit, displayUnits);
  const convert = CONVERSIONS[unit]?.[target];
  return convert === undefined ? { value, unit } : { value: keepResolution(convert(value), value), unit: target };
}

/** The unit a screen set to `displayUnits` shows a metric's values in when they come in `unit`: the set one if `unit` converts to it. */
export function displayUnitOf(metric: Metric, unit: UcumUnit, displayUnits: DisplayUnits): UcumUnit {
  const target = displayUnits[metric];
  return target !== undefined && CONVERSIONS[unit]?.[target] !== undefined ? target : unit;
}

/**
 * How many significant digits a value as the device gave it carries: those of its shortest decimal
 * form, an integer's trailing zeros included (a scale showing 150 lb resolves the pound).
 */
export function significantDigits(value: number): number {
  const text = Math.abs(value).toString();
  const mantissa = text.includes('e') ? (text.split('e')[0] ?? '') : text;
  const digits = mantissa.replace('.', '').replace(/^0+/, '');
  return Math.max(1, digits.length);
}

/**
 * A converted value rounded to the significant digits of the value it came from: 0.2 oz is
 * 0.006 kg, not 0.0056699046250000005 kg, and 5.5 mmol/L is 99 mg/dL, not 99.088; a conversion
 * must not claim a resolution the device never had.
 */
function keepResolution(converted: number, source: number): number {
  return Number(converted.toPrecision(Math.min(significantDigits(source), 17)));
}
