/**
 * The readings as a nurse's flowsheet: one row per time point, one column per parameter.
 * Continuous monitoring (an oximeter or ECG, a value a second) is summarised per minute with its
 * minimum and maximum; every spot measurement (a cuff's BP, a temperature, a weight) keeps a row
 * of its own at the time it was taken, so it is never buried under the once-a-second rows.
 */
import { METRICS, type MeasurementSource, type Metric } from '../../shared/vitals';
import type { ReadingEntry } from '../station/station-model';
import { chartedValue } from './trend-model';

const MINUTE_MS = 60_000;
const CONTINUOUS_SOURCES: ReadonlySet<MeasurementSource> = new Set(['pulse-oximeter', 'ecg']);

export interface FlowsheetCell {
  /** The spot value, or the minute's median (robust to a single artefact). */
  value: number;
  min: number;
  max: number;
  count: number;
}

export interface FlowsheetRow {
  /** Start of the minute for a summary row; the time of measurement for a spot row. */
  at: number;
  kind: 'minute' | 'spot';
  cells: Partial<Record<Metric, FlowsheetCell>>;
}

/** Whether a reading came from a device that streams (summarised per minute) rather than a spot check. */
export const isContinuous = (entry: ReadingEntry): boolean => entry.reading.source !== null && CONTINUOUS_SOURCES.has(entry.reading.source);

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summary(values: number[]): FlowsheetCell {
  const sorted = values.sort((a, b) => a - b);
  return { value: median(sorted), min: sorted[0]!, max: sorted[sorted.length - 1]!, count: sorted.length };
}

/** A spot measurement's row: its parts (systolic, diastolic, mean, pulse) share a measurement id, else a device and time. */
const spotKey = (entry: ReadingEntry): string => entry.reading.measurementId ?? `${entry.reading.deviceId}|${entry.measuredAt}`;

/**
 * Flowsheet rows, newest first, for the chosen metrics in [from, to]. Values are in each metric's
 * charted unit (trend-model chartedUnit); a value that cannot be trusted is left out, never shown.
 */
export function flowsheetRows(entries: readonly ReadingEntry[], shown: ReadonlySet<Metric>, from: number, to: number): FlowsheetRow[] {
  const minutes = new Map<number, Map<Metric, number[]>>();
  const spots = new Map<string, FlowsheetRow>();
  for (const entry of entries) {
    const { metric } = entry.reading;
    const value = chartedValue(entry);
    if (!shown.has(metric) || value === null || entry.measuredAt < from || entry.measuredAt > to) continue;
    if (isContinuous(entry)) {
      const minute = Math.floor(entry.measuredAt / MINUTE_MS) * MINUTE_MS;
      const byMetric = minutes.get(minute) ?? new Map<Metric, number[]>();
      minutes.set(minute, byMetric);
      const values = byMetric.get(metric) ?? [];
      byMetric.set(metric, values);
      values.push(value);
    } else {
      const key = spotKey(entry);
      const row = spots.get(key) ?? { at: entry.measuredAt, kind: 'spot' as const, cells: {} };
      spots.set(key, row);
      row.at = Math.min(row.at, entry.measuredAt);
      row.cells[metric] = { value, min: value, max: value, count: 1 };
    }
  }
  const minuteRows: FlowsheetRow[] = [...minutes].map(([at, byMetric]) => ({
    at,
    kind: 'minute',
    cells: Object.fromEntries([...byMetric].map(([metric, values]) => [metric, summary(values)])),
  }));
  // Newest first; a spot row sorts above the summary of the minute it fell in.
  return [...minuteRows, ...spots.values()].sort((a, b) => b.at - a.at || (a.kind === 'spot' ? -1 : 1));
}

/** The columns: metrics that have a value in some row, in the catalogue's order. */
export const flowsheetColumns = (rows: readonly FlowsheetRow[]): Metric[] => METRICS.filter((metric) => rows.some((row) => row.cells[metric] !== undefined));
