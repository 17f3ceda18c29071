/**
 * How numbers, units and times appear to a reader: on screen (../renderer/format/display-format.ts
 * binds these to the station's locale setting) and in the visit summary the station prints
 * (../node/summary/). UCUM codes stay the data; these are the words and symbols a clinician reads.
 * One module for both, so a printed value reads exactly as it did on screen.
 */
import type { UcumUnit, Metric } from './vitals';

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
  '/d': 'steps/day',
  min: 'min',
  ms: 'ms',
};

/** Beats per minute is how monitors label pulse and heart rate; other rates keep "/min". */
const BEAT_METRICS: ReadonlySet<Metric> = new Set(['pulseRate', 'heartRate', 'restingHeartRate']);

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
 * words ("7 Dec 2026"; "Dec 7, 2026" in en-US), never the ambiguous "12/7/26". `locale` is the
 * station's `display.locale` setting, undefined for the runtime's own; digits stay Latin so a
 * time reads like the values beside it.
 */
const TIME_OPTIONS = { hourCycle: 'h23', numberingSystem: 'latn' } as const satisfies Intl.DateTimeFormatOptions;
const DATE_OPTIONS = { day: 'numeric', month: 'short', year: 'numeric', numberingSystem: 'latn' } as const satisfies Intl.DateTimeFormatOptions;

export interface DateTimeFormats {
  /** "14:05:09" */
  clock(epochMs: number): string;
  /** "14:05" */
  minutes(epochMs: number): string;
  /** "7 Dec 2026" */
  date(epochMs: number): string;
  /** "7 Dec 2026, 14:05" */
  dateTime(epochMs: number): string;
}

export function dateTimeFormats(locale: string | undefined): DateTimeFormats {
  const clock = new Intl.DateTimeFormat(locale, { ...TIME_OPTIONS, hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const minutes = new Intl.DateTimeFormat(locale, { ...TIME_OPTIONS, hour: '2-digit', minute: '2-digit' });
  const date = new Intl.DateTimeFormat(locale, DATE_OPTIONS);
  const dateTime = new Intl.DateTimeFormat(locale, { ...DATE_OPTIONS, ...TIME_OPTIONS, hour: '2-digit', minute: '2-digit' });
  return {
    clock: (epochMs) => clock.format(epochMs),
    minutes: (epochMs) => minutes.format(epochMs),
    date: (epochMs) => date.format(epochMs),
    dateTime: (epochMs) => dateTime.format(epochMs),
  };
}

/** A device's own timestamp as it gave it: date and time, without inventing a zone. */
export function formatDeviceTime(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?/.exec(text);
  return match ? `${match[1]} ${match[2]}${match[3] ?? ''}` : text;
}
