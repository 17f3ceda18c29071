/**
 * USB HID point-of-sale scale data reports (HID POS usage page 0x8D, report ID 3; usbscale also
 * accepts 4). Facts from device-protocols.md section 3. Layout, report ID included as node-hid
 * returns numbered reports: id, status, unit, signed exponent, weight low byte, weight high byte.
 */
import type { UcumUnit } from '../../../shared/vitals';

export const DATA_REPORT_IDS: ReadonlySet<number> = new Set([0x03, 0x04]);
export const DATA_REPORT_LENGTH = 6;

export const SCALE_STATUS = {
  fault: 1,
  stableAtZero: 2,
  inMotion: 3,
  weightStable: 4,
  underZero: 5,
  overLimit: 6,
  calibrationNeeded: 7,
  reZeroNeeded: 8,
} as const;

/** A decoded weight: the report's unit mapped to UCUM, with milligrams and tonnes folded into g and kg. */
export interface ScaleWeight {
  value: number;
  unit: UcumUnit;
}

export type ScaleReport =
  | { kind: 'data'; status: number; weight: ScaleWeight | { unsupportedUnit: string } }
  /** Another report of the scale's (no weight data), or a report this driver does not read. */
  | { kind: 'other'; reportId: number }
  | { kind: 'malformed'; reason: string };

interface UnitMapping {
  unit: UcumUnit;
  /** Power of ten that converts the report's unit into `unit`. */
  shift: number;
}

/** HID POS unit codes with a UCUM unit the station records body weight in. */
const UNITS: ReadonlyMap<number, UnitMapping> = new Map([
  [1, { unit: 'g', shift: -3 }], // milligram
  [2, { unit: 'g', shift: 0 }],
  [3, { unit: 'kg', shift: 0 }],
  [8, { unit: 'kg', shift: 3 }], // metric ton
  [11, { unit: '[oz_av]', shift: 0 }],
  [12, { unit: '[lb_av]', shift: 0 }],
]);

/** Units a scale may report that have no body-weight UCUM unit here (tael and the tons are ambiguous). */
const UNSUPPORTED_UNITS: ReadonlyMap<number, string> = new Map([
  [4, 'carat'],
  [5, 'tael'],
  [6, 'grain'],
  [7, 'pennyweight'],
  [9, 'avoirdupois ton'],
  [10, 'troy ounce'],
]);

export function decodeScaleReport(report: Uint8Array): ScaleReport {
  // One hidapi wrapper hands out an extra leading 0x00 before the report ID.
  const bytes = report[0] === 0x00 && report.length > DATA_REPORT_LENGTH && DATA_REPORT_IDS.has(report[1] ?? -1) ? report.subarray(1) : report;
  const [reportId, status, unitCode, exponentByte, low, high] = bytes;
  if (reportId === undefined) return { kind: 'malformed', reason: 'empty report' };
  if (!DATA_REPORT_IDS.has(reportId)) return { kind: 'other', reportId };
  if (status === undefined || unitCode === undefined || exponentByte === undefined || low === undefined || high === undefined) {
    return { kind: 'malformed', reason: `data report of ${bytes.length} bytes, expected ${DATA_REPORT_LENGTH}` };
  }
  const exponent = exponentByte > 0x7f ? exponentByte - 0x100 : exponentByte;
  const raw = low | (high << 8);
  const mapping = UNITS.get(unitCode);
  if (!mapping) return { kind: 'data', status, weight: { unsupportedUnit: UNSUPPORTED_UNITS.get(unitCode) ?? `unit code ${unitCode}` } };
  return { kind: 'data', status, weight: { value: timesPowerOfTen(raw, exponent + mapping.shift), unit: mapping.unit } };
}

/** Dividing by 10^n (rather than multiplying by 10^-n) gives the nearest double to the decimal: 356e-1 → 35.6. */
function timesPowerOfTen(value: number, power: number): number {
  return power < 0 ? value / 10 ** -power : value * 10 ** power;
}

const KILOGRAMS_PER_UNIT: Record<string, number> = { kg: 1, g: 0.001, '[lb_av]': 0.45359237, '[oz_av]': 0.028349523125 };

export function inKilograms(weight: ScaleWeight): number {
  return weight.value * (KILOGRAMS_PER_UNIT[weight.unit] ?? Number.NaN);
}
