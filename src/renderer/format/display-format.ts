/**
 * How numbers, units and times appear on screen: the shared formats (../../shared/display-format.ts,
 * also used by the printed visit summary) bound to the station's locale setting.
 */
import { dateTimeFormats } from '../../shared/display-format';
import { displayUnitOf, toDisplayUnit, type DisplayUnits } from '../../shared/clinical/units';
import type { Metric, UcumUnit } from '../../shared/vitals';

export { displayUnit, formatValue, formatDeviceTime } from '../../shared/display-format';

let formats = dateTimeFormats(undefined);

/** Follows the station's locale setting (null: the browser's); the settings schema admits only tags Intl accepts. */
export function setDisplayLocale(locale: string | null): void {
  formats = dateTimeFormats(locale ?? undefined);
}

let displayUnits: DisplayUnits = {};

/** Follows the station's `devices.displayUnits` setting: the units values are shown in. */
export function setDisplayUnits(units: DisplayUnits): void {
  displayUnits = units;
}

/** A value as the screen shows it: in the station's display unit for its metric, if it has one (records keep the device's). */
export const shownValue = (metric: Metric, value: number, unit: UcumUnit): { value: number; unit: UcumUnit } => toDisplayUnit(metric, value, unit, displayUnits);

/** The unit the screen shows a metric's values in when they come in `unit`. */
export const shownUnit = (metric: Metric, unit: UcumUnit): UcumUnit => displayUnitOf(metric, unit, displayUnits);

/** Local wall-clock time of a station timestamp, to the second: "14:05:09". */
export const formatClock = (epochMs: number): string => formats.clock(epochMs);

/** Local wall-clock time to the minute: "14:05" (chart axes, flowsheet rows). */
export const formatClockMinutes = (epochMs: number): string => formats.minutes(epochMs);

/** The local date: "7 Dec 2026". */
export const formatDate = (epochMs: number): string => formats.date(epochMs);

/** Local date and time to the minute: "7 Dec 2026, 14:05". */
export const formatDateTime = (epochMs: number): string => formats.dateTime(epochMs);

/** How old a value is, in words that stay short on a tile: "now", "12 s old", "4 min old", "2 h old". */
export function formatAge(ageMs: number): string {
  const seconds = Math.max(0, Math.floor(ageMs / 1000));
  if (seconds < 2) return 'now';
  if (seconds < 120) return `${seconds} s old`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min old`;
  return `${Math.floor(minutes / 60)} h old`;
}
