/**
 * How numbers, units and times appear on screen. UCUM codes stay the data; these are the words
 * and symbols a clinician reads.
 */
import type { UcumUnit, Metric } from '../../shared/vitals';

const UNIT_SYMBOLS: Record<UcumUnit, string> = {
  '%': '%',
  '/min': '/min',
  'mm[Hg]': 'mmHg',
  Cel: '°C',
  '[degF]': '°F',
  kg: 'kg',
  g: 'g',
  '[lb_av]': 'lb',
  '[oz_av]': 'oz',
  'mg/dL': 'mg/dL',
  'mmol/L': 'mmol/L',
};

/** Beats per minute is how monitors label pulse and heart rate; other rates keep "/min". */
const BEAT_METRICS: ReadonlySet<Metric> = new Set(['pulseRate', 'heartRate']);

export function displayUnit(metric: Metric, unit: UcumUnit): string {
  if (unit === '/min' && BEAT_METRICS.has(metric)) return 'bpm';
  return UNIT_SYMBOLS[unit];
}

/** Decimals shown, chosen to match the resolution the devices report in each unit. */
function decimals(metric: Metric, unit: UcumUnit): number {
  switch (unit) {
    case 'Cel':
    case '[degF]':
    case 'mmol/L':
    case '[lb_av]':
    case '[oz_av]':
    case 'kg':
      return 1;
    case '%':
      return metric === 'perfusionIndex' ? 1 : 0;
    default:
      return 0;
  }
}

export function formatValue(metric: Metric, value: number, unit: UcumUnit): string {
  return value.toFixed(decimals(metric, unit));
}

/**
 * Dates and times, one format across the app (issue 11): 24-hour clock times whatever the locale's
 * habit (a 12-hour "2:05 PM" is one missed letter from a wrong dose time), dates with the month in
 * words ("7 Dec 2026"; "Dec 7, 2026" in en-US), never the ambiguous "12/7/26". The locale is the
 * station's `display.locale` setting, the browser's own when that is unset; digits stay Latin so a
 * time reads like the values beside it.
 */
const TIME_OPTIONS = { hourCycle: 'h23', numberingSystem: 'latn' } as const satisfies Intl.DateTimeFormatOptions;
const DATE_OPTIONS = { day: 'numeric', month: 'short', year: 'numeric', numberingSystem: 'latn' } as const satisfies Intl.DateTimeFormatOptions;

function dateTimeFormats(locale: string | undefined) {
  return {
    clock: new Intl.DateTimeFormat(locale, { ...TIME_OPTIONS, hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    minutes: new Intl.DateTimeFormat(locale, { ...TIME_OPTIONS, hour: '2-digit', minute: '2-digit' }),
    date: new Intl.DateTimeFormat(locale, DATE_OPTIONS),
    dateTime: new Intl.DateTimeFormat(locale, { ...DATE_OPTIONS, ...TIME_OPTIONS, hour: '2-digit', minute: '2-digit' }),
  };
}

let formats = dateTimeFormats(undefined);

/** Follows the station's locale setting (null: the browser's); the settings schema admits only tags Intl accepts. */
export function setDisplayLocale(locale: string | null): void {
  formats = dateTimeFormats(locale ?? undefined);
}

/** Local wall-clock time of a station timestamp, to the second: "14:05:09". */
export const formatClock = (epochMs: number): string => formats.clock.format(epochMs);

/** Local wall-clock time to the minute: "14:05" (chart axes, flowsheet rows). */
export const formatClockMinutes = (epochMs: number): string => formats.minutes.format(epochMs);

/** The local date: "7 Dec 2026". */
export const formatDate = (epochMs: number): string => formats.date.format(epochMs);

/** Local date and time to the minute: "7 Dec 2026, 14:05". */
export const formatDateTime = (epochMs: number): string => formats.dateTime.format(epochMs);

/** A device's own timestamp as it gave it: date and time, without inventing a zone. */
export function formatDeviceTime(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?/.exec(text);
  return match ? `${match[1]} ${match[2]}${match[3] ?? ''}` : text;
}

/** How old a value is, in words that stay short on a tile: "now", "12 s old", "4 min old", "2 h old". */
export function formatAge(ageMs: number): string {
  const seconds = Math.max(0, Math.floor(ageMs / 1000));
  if (seconds < 2) return 'now';
  if (seconds < 120) return `${seconds} s old`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min old`;
  return `${Math.floor(minutes / 60)} h old`;
}
