/**
 * The soak's series, summarised per table row (a simulated day, or an hour in the smoke run), and
 * its goals. Pure, so the goals are unit-tested (series.test.ts).
 */
import { bucketOf, type SoakPlan } from './plan';

export const SERIES = {
  rssMb: 'RSS (MB)',
  heapMb: 'V8 heap used (MB)',
  loopP99Ms: 'event-loop delay p99 (ms)',
  handles: 'open handles',
  dbMb: 'records.db (MB)',
  walMb: 'records.db-wal (MB)',
  recorderPending: 'recorder queue (items)',
  fps: 'screen frames per second',
} as const;
export type SeriesName = keyof typeof SERIES;

/** One value at a simulated time (ms since the soak started). */
export interface Point {
  simMs: number;
  value: number;
}

export type Recording = Record<SeriesName, Point[]>;

export interface RowStats {
  /** 1-based: day 1, day 2, ... (or hour 1, 2, ... in the smoke run). */
  row: number;
  mean: number;
  max: number;
  last: number;
  count: number;
}

/**
 * A row per simulated day (or hour). When the scheduled actions fall behind the clock, the samples
 * taken after the last scheduled hour form rows of their own (day 8, ...), which the goals leave out:
 * the goals compare whole days of the schedule.
 */
export function rowsOf(plan: SoakPlan, points: readonly Point[]): RowStats[] {
  const rows = new Map<number, RowStats>();
  for (const { simMs, value } of points) {
    const row = bucketOf(plan, simMs) + 1;
    const stats = rows.get(row) ?? { row, mean: 0, max: -Infinity, last: value, count: 0 };
    rows.set(row, stats);
    stats.mean += (value - stats.mean) / (stats.count + 1);
    stats.count += 1;
    stats.max = Math.max(stats.max, value);
    stats.last = value;
  }
  return [...rows.values()].sort((a, b) => a.row - b.row);
}

/** The rows the schedule covers: days 1..N (or hours), without those after it. */
export const scheduledRows = (plan: SoakPlan): number => Math.ceil(plan.hours / plan.bucketHours);

export interface Goal {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Counts {
  /** Readings the hub published, by metric. */
  produced: Record<string, number>;
  /** Readings the records hold after the station stopped, by metric. */
  held: Record<string, number>;
}

const growth = (from: number, to: number) => (to - from) / from;
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
const rowOf = (rows: readonly RowStats[], row: number) => rows.find((r) => r.row === row);

/** Every reading the devices produced is in the records, metric by metric. */
export function noLostReadings({ produced, held }: Counts): Goal {
  const metrics = [...new Set([...Object.keys(produced), ...Object.keys(held)])].sort();
  const lost = metrics.filter((metric) => (produced[metric] ?? 0) !== (held[metric] ?? 0));
  const total = Object.values(produced).reduce((sum, n) => sum + n, 0);
  return {
    name: 'no lost readings',
    ok: total > 0 && lost.length === 0,
    detail:
      total === 0
        ? 'the devices produced no readings'
        : lost.length === 0
          ? `${total} readings produced, all held (${metrics.map((m) => `${m} ${produced[m]}`).join(', ')})`
          : lost.map((m) => `${m}: produced ${produced[m] ?? 0}, held ${held[m] ?? 0}`).join('; '),
  };
}

/** The full run's goals: flat memory after warm-up (day 2 to the last day), steady loop and frame rate, bounded WAL, handles and queue. */
export function fullRunGoals(plan: SoakPlan, allRows: Record<SeriesName, RowStats[]>, counts: Counts): Goal[] {
  const lastRow = scheduledRows(plan);
  const rows = Object.fromEntries(Object.entries(allRows).map(([name, stats]) => [name, stats.filter((r) => r.row <= lastRow)])) as Record<SeriesName, RowStats[]>;
  const warm = (series: SeriesName) => rowOf(rows[series], 2);
  const last = (series: SeriesName) => rowOf(rows[series], lastRow);
  const flat = (series: SeriesName): Goal => {
    const from = warm(series);
    const to = last(series);
    if (!from || !to) return { name: `${SERIES[series]} growth`, ok: false, detail: 'no samples on day 2 or the last day' };
    const g = growth(from.mean, to.mean);
    return { name: `${SERIES[series]} growth day 2 → day ${lastRow} < 5 %`, ok: g < 0.05, detail: `mean ${from.mean.toFixed(1)} → ${to.mean.toFixed(1)} (${percent(g)})` };
  };
  const steady = (series: SeriesName, name: string, ok: (from: number, to: number) => boolean): Goal => {
    const from = warm(series);
    const to = last(series);
    if (!from || !to) return { name, ok: false, detail: 'no samples on day 2 or the last day' };
    return { name, ok: ok(from.mean, to.mean), detail: `mean ${from.mean.toFixed(2)} → ${to.mean.toFixed(2)}` };
  };
  const bounded = (series: SeriesName, name: string, slack: (warmMax: number) => number): Goal => {
    const early = rows[series].filter((r) => r.row <= 2);
    const later = rows[series].filter((r) => r.row > 2);
    const warmMax = Math.max(...early.map((r) => r.max));
    const laterMax = Math.max(...later.map((r) => r.max));
    const limit = slack(warmMax);
    return { name, ok: later.length > 0 && laterMax <= limit, detail: `max days 1–2 ${warmMax.toFixed(2)}, max after ${laterMax.toFixed(2)} (limit ${limit.toFixed(2)})` };
  };
  return [
    flat('heapMb'),
    flat('rssMb'),
    // "Steady": the last day's typical p99 within a quarter (and 2 ms of timer noise) of day 2's.
    steady('loopP99Ms', `event-loop p99 steady (day ${lastRow} ≤ 1.25 × day 2 + 2 ms)`, (from, to) => to <= from * 1.25 + 2),
    steady('fps', `screen frame rate steady (day ${lastRow} ≥ 0.9 × day 2)`, (from, to) => to >= from * 0.9),
    bounded('walMb', 'WAL bounded (never above days 1–2’s maximum + 1 MB)', (max) => max + 1),
    bounded('handles', 'open handles bounded (never above days 1–2’s maximum + 10)', (max) => max + 10),
    bounded('recorderPending', 'recorder queue bounded (never above days 1–2’s maximum × 2 + 500)', (max) => max * 2 + 500),
    databaseGrowthSteady(rows.dbMb, lastRow),
    noLostReadings(counts),
  ];
}

/**
 * Retention keeps every reading and waveform segment of a run this short (numerics 10 years,
 * waveforms 7 days of real time), so the database grows by what the devices recorded, the same
 * each simulated day: the last full day's growth within ±50 % of day 2's.
 */
export function databaseGrowthSteady(db: readonly RowStats[], lastRow: number): Goal {
  const byRow = (row: number) => db.find((r) => r.row === row)?.last;
  const [d1, d2, dPrev, dLast] = [byRow(1), byRow(2), byRow(lastRow - 1), byRow(lastRow)];
  const name = 'database grows by what retention keeps (last day’s growth within ±50 % of day 2’s)';
  if (d1 === undefined || d2 === undefined || dPrev === undefined || dLast === undefined) return { name, ok: false, detail: 'too few days' };
  const day2 = d2 - d1;
  const lastDay = dLast - dPrev;
  return { name, ok: day2 > 0 && Math.abs(lastDay - day2) <= day2 * 0.5, detail: `day 2 +${day2.toFixed(2)} MB, day ${lastRow} +${lastDay.toFixed(2)} MB` };
}

/**
 * The smoke run's goals, loose enough for a loaded CI machine and tight enough for a real leak:
 * not a reading lost, handles and the WAL bounded, the recorder's queue drained.
 */
export function smokeGoals(rows: Record<SeriesName, RowStats[]>, counts: Counts): Goal[] {
  const first = (series: SeriesName) => rows[series][0];
  const maxOf = (series: SeriesName) => Math.max(...rows[series].map((r) => r.max));
  const handles = { first: first('handles')?.max ?? NaN, max: maxOf('handles') };
  return [
    noLostReadings(counts),
    { name: 'open handles bounded (≤ first hour’s maximum + 20)', ok: handles.max <= handles.first + 20, detail: `first hour max ${handles.first}, overall max ${handles.max}` },
    { name: 'WAL bounded (≤ 16 MB)', ok: maxOf('walMb') <= 16, detail: `max ${maxOf('walMb').toFixed(2)} MB` },
    { name: 'recorder queue bounded (≤ 5,000 items)', ok: maxOf('recorderPending') <= 5_000, detail: `max ${maxOf('recorderPending')}` },
  ];
}
