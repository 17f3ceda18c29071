/**
 * ASTM E1394 records of a Contour meter's transfer (device-protocols.md section 4, "E1394
 * records"): the header (model, versions, serial, configuration, meter clock), order records that
 * announce control-solution results, the glucose results and the terminator.
 *
 * Field positions differ between meter generations, so a result is read the robust way the
 * protocol notes describe: value from field 4, unit and method from field 5, the time from the
 * last non-empty field, every field in between as markers.
 */
import type { GlucoseContext } from '../../../shared/readings';

export type GlucoseUnit = 'mg/dL' | 'mmol/L';

export interface Delimiters {
  field: string;
  repeat: string;
  component: string;
  escape: string;
}

export interface MeterHeader {
  /** The sender's product code, e.g. Bayer7390 or Contour7800: it names the model. */
  product: string;
  versions: string[];
  serial: string;
  /** The unit the meter is set to (configuration U), or null when the header does not say. */
  unit: GlucoseUnit | null;
  /** How many results the meter says it holds (field 7); null when absent. */
  storedResults: number | null;
  /** The meter's clock when it sent the header, ISO 8601 without zone (the meter has none). */
  meterTime: string | null;
  delimiters: Delimiters;
}

export type ResultRecord =
  | { kind: 'reading'; sequence: number; value: number; unit: GlucoseUnit; time: string; context: GlucoseContext }
  | { kind: 'excluded'; sequence: number; reason: 'control-solution' | 'below-range' | 'above-range'; time: string }
  /** Not a stored glucose result at all (an average slot) or one that cannot be read. */
  | { kind: 'ignored'; reason: string };

export type Transfer = { ok: true; header: MeterHeader; results: ResultRecord[] } | { ok: false; reason: string };

/**
 * The meters' measuring range: the spec sends LO as 9 mg/dL / 0.50 mmol/L and HI as 601 mg/dL /
 * 33.39 mmol/L, so a value outside 10-600 mg/dL (0.6-33.3 mmol/L) is a placeholder even when its
 * `<` / `>` flag is missing. (The header's V setting is not used: the sources disagree on its unit.)
 */
const MEASURING_RANGE: Record<GlucoseUnit, { low: number; high: number }> = {
  'mg/dL': { low: 10, high: 600 },
  'mmol/L': { low: 0.6, high: 33.3 },
};

const SPECIMENS: Record<string, GlucoseContext['specimen']> = { B: 'whole-blood', P: 'plasma', C: 'capillary' };

/** The header record, or why it is not one. */
export function parseHeader(text: string): { ok: true; header: MeterHeader } | { ok: false; reason: string } {
  if (text[0] !== 'H' || text.length < 5) return { ok: false, reason: 'first record is not a header' };
  const delimiters: Delimiters = { field: text[1]!, repeat: text[2]!, component: text[3]!, escape: text[4]! };
  const declared = Object.values(delimiters);
  if (new Set(declared).size !== 4 || declared.some((d) => /[A-Za-z0-9 ]/.test(d))) return { ok: false, reason: 'header declares unusable delimiters' };
  const fields = text.split(delimiters.field);
  const [product = '', versions = '', serial = ''] = (fields[4] ?? '').split(delimiters.component);
  if (!/^[A-Za-z]+\d+$/.test(product)) return { ok: false, reason: 'header names no meter product' };
  const configuration = new Map(
    (fields[5] ?? '').split(delimiters.component).map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), entry.slice(at + 1)] as const;
    }),
  );
  const unitSetting = configuration.get('U');
  const count = fields[6] ?? '';
  const time = fields[13] ?? '';
  return {
    ok: true,
    header: {
      product,
      versions: versions === '' ? [] : versions.split(delimiters.repeat),
      serial,
      unit: unitSetting === '0' ? 'mg/dL' : unitSetting === '1' ? 'mmol/L' : null,
      storedResults: /^\d{1,6}$/.test(count) ? Number(count) : null,
      meterTime: isoTime(time),
      delimiters,
    },
  };
}

/** Whether an order record announces control-solution results (action code Q in field 12). */
export function isControlOrder(text: string, delimiters: Delimiters): boolean {
  return text.split(delimiters.field)[11] === 'Q';
}

/**
 * A result record. `underControlOrder`: an earlier order record announced control solution.
 * A control result is never a patient value, whatever its number; a result beyond the measuring
 * range never becomes a number.
 */
export function parseResult(text: string, header: MeterHeader, underControlOrder: boolean): ResultRecord {
  const { delimiters } = header;
  const fields = text.split(delimiters.field);
  if (fields[0] !== 'R') return { kind: 'ignored', reason: 'not a result record' };
  const sequenceText = fields[1] ?? '';
  if (!/^\d{1,6}$/.test(sequenceText)) return { kind: 'ignored', reason: 'result without a sequence number' };
  const sequence = Number(sequenceText);
  // `^^^Glucose`; averages are `^^^GlucoseA…` and are no stored result.
  if ((fields[2] ?? '').split(delimiters.component)[3] !== 'Glucose') return { kind: 'ignored', reason: 'not a glucose result' };
  const [unitText = '', method = ''] = (fields[4] ?? '').split(delimiters.component);
  if (unitText !== 'mg/dL' && unitText !== 'mmol/L') return { kind: 'ignored', reason: 'result in an unknown unit' };
  const valueText = fields[3] ?? '';
  if (!(unitText === 'mg/dL' ? /^\d{1,4}$/ : /^\d{1,2}(\.\d{1,2})?$/).test(valueText)) return { kind: 'ignored', reason: 'result value is not a number in its unit' };
  const timeIndex = fields.findLastIndex((field, index) => index > 4 && field !== '');
  const time = timeIndex < 0 ? null : isoTime(fields[timeIndex]!);
  if (time === null) return { kind: 'ignored', reason: 'result without a valid test time' };
  const markers = new Set(fields.slice(5, timeIndex).flatMap((field) => field.split(new RegExp(`[/${escapeClass(delimiters.repeat)}]`))));

  // Control: the meter's C marker (tidepool), result status E (meter-detected) or E\D (user-marked),
  // or an order record with action code Q (Bayer spec 6.1.4.3-4).
  if (underControlOrder || markers.has('C') || markers.has('E')) return { kind: 'excluded', sequence, reason: 'control-solution', time };
  const value = Number(valueText);
  const range = MEASURING_RANGE[unitText];
  if (markers.has('<') || value < range.low) return { kind: 'excluded', sequence, reason: 'below-range', time };
  if (markers.has('>') || value > range.high) return { kind: 'excluded', sequence, reason: 'above-range', time };
  const meal = markers.has('B') === markers.has('A') ? null : markers.has('B') ? 'before-meal' : 'after-meal';
  return { kind: 'reading', sequence, value, unit: unitText, time, context: { specimen: SPECIMENS[method] ?? null, meal } };
}

/**
 * A whole transfer, record by record: a header first and a terminator (`L`) last, or nothing is
 * kept (a transfer without its terminator is incomplete, spec section 6.1.4.5).
 */
export function decodeTransfer(records: readonly string[]): Transfer {
  const first = parseHeader(records[0] ?? '');
  if (!first.ok) return first;
  const last = records.at(-1) ?? '';
  if (records.length < 2 || last[0] !== 'L') return { ok: false, reason: 'transfer has no terminator record' };
  const { header } = first;
  const results: ResultRecord[] = [];
  let underControlOrder = false;
  for (const text of records.slice(1, -1)) {
    if (text[0] === 'O') underControlOrder = isControlOrder(text, header.delimiters);
    else if (text[0] === 'R') results.push(parseResult(text, header, underControlOrder));
  }
  return { ok: true, header, results };
}

/** YYYYMMDDhhmm or YYYYMMDDhhmmss as ISO 8601 without zone, or null when it is no calendar time. */
export function isoTime(text: string): string | null {
  if (!/^\d{12}(\d{2})?$/.test(text)) return null;
  const [year, month, day, hour, minute, second] = [0, 4, 6, 8, 10, 12].map((at) => Number(text.slice(at, at === 0 ? 4 : at + 2))) as [number, number, number, number, number, number];
  const iso = new Date(Date.UTC(year, month - 1, day, hour, minute, second)).toISOString().slice(0, text.length === 12 ? 16 : 19);
  // Date.UTC rolls an impossible time over (30 February becomes 2 March, years 0-99 the 1900s):
  // the text is a time only if it survives unchanged.
  return iso.replace(/\D/g, '') === text ? iso : null;
}

function escapeClass(character: string): string {
  return character.replace(/[\\\]^-]/g, '\\$&');
}
