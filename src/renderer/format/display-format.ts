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

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time of a station timestamp, to the second. */
export function formatClock(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

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
