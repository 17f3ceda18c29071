/**
 * IEEE 11073-20601 SFLOAT (16-bit) and FLOAT (32-bit), as the Bluetooth health characteristics carry
 * them (GATT Specification Supplement section 2.2, "medfloat16" and "medfloat32"): a signed
 * exponent of ten (4 or 8 bits) over a signed mantissa (12 or 24 bits), little-endian. Five
 * mantissas are special (NaN, NRes, +INF, -INF, reserved) and are never a number. The spec lists
 * them with exponent 0; a special mantissa under another exponent is read as special too, since no
 * encoder produces it for a real value and treating it as one would show a device's "no value".
 */

export type SpecialValue = 'nan' | 'nres' | '+inf' | '-inf' | 'reserved';

export type MedFloat = { kind: 'number'; value: number } | { kind: 'special'; special: SpecialValue };

const SFLOAT_SPECIALS: ReadonlyMap<number, SpecialValue> = new Map([
  [0x07ff, 'nan'],
  [0x0800, 'nres'],
  [0x07fe, '+inf'],
  [0x0802, '-inf'],
  [0x0801, 'reserved'],
]);

const FLOAT_SPECIALS: ReadonlyMap<number, SpecialValue> = new Map([
  [0x7fffff, 'nan'],
  [0x800000, 'nres'],
  [0x7ffffe, '+inf'],
  [0x800002, '-inf'],
  [0x800001, 'reserved'],
]);

/** `raw` is the 16-bit field as an unsigned integer (little-endian already undone). */
export function decodeSfloat(raw: number): MedFloat {
  const mantissaBits = raw & 0x0fff;
  const special = SFLOAT_SPECIALS.get(mantissaBits);
  if (special !== undefined) return { kind: 'special', special };
  return { kind: 'number', value: scaled(signed(mantissaBits, 12), signed(raw >>> 12, 4)) };
}

/** `raw` is the 32-bit field as an unsigned integer (little-endian already undone). */
export function decodeFloat(raw: number): MedFloat {
  const mantissaBits = raw & 0xffffff;
  const special = FLOAT_SPECIALS.get(mantissaBits);
  if (special !== undefined) return { kind: 'special', special };
  return { kind: 'number', value: scaled(signed(mantissaBits, 24), signed(raw >>> 24, 8)) };
}

function signed(bits: number, width: number): number {
  return bits >= 2 ** (width - 1) ? bits - 2 ** width : bits;
}

/** mantissa × 10^exponent through decimal text, so 365 × 10⁻¹ is exactly 36.5, not 36.50000000000001. */
function scaled(mantissa: number, exponent: number): number {
  return Number(`${mantissa}e${exponent}`);
}
