/** The soak's accelerated schedule and its goals (bench/soak/plan.ts, series.ts): a leak fails them, a flat run passes. */
import { describe, expect, it } from 'vitest';
import { actionsOfHour, bucketOf, simulatedMs, SIMULATED_HOUR_MS, type SoakPlan } from '../bench/soak/plan';
import { fullRunGoals, noLostReadings, rowsOf, SERIES, smokeGoals, type Point, type RowStats, type SeriesName } from '../bench/soak/series';

const WEEK: SoakPlan = { hours: 168, realHourMs: 10_000, bucketHours: 24 };
const DAY_MS = 24 * SIMULATED_HOUR_MS;

/** A sample every simulated hour for a week, valued by `valueAt(day 1..7, hour of the week)`. */
function week(valueAt: (day: number, hour: number) => number): Point[] {
  return Array.from({ length: 168 }, (_, hour) => ({ simMs: hour * SIMULATED_HOUR_MS, value: valueAt(Math.floor(hour / 24) + 1, hour) }));
}

function flatWeek(overrides: Partial<Record<SeriesName, Point[]>> = {}): Record<SeriesName, RowStats[]> {
  const base: Record<SeriesName, Point[]> = {
    rssMb: week(() => 200),
    heapMb: week((_, hour) => 40 + (hour % 3)),
    loopP99Ms: week(() => 12),
    handles: week(() => 20),
    dbMb: week((_, hour) => 1 + hour * 0.01),
    walMb: week((_, hour) => 2 + (hour % 2)),
    recorderPending: week(() => 5),
    fps: week(() => 59),
  };
  const series = { ...base, ...overrides };
  return Object.fromEntries((Object.keys(SERIES) as SeriesName[]).map((name) => [name, rowsOf(WEEK, series[name])])) as Record<SeriesName, RowStats[]>;
}

const ALL_HELD = { produced: { spo2: 100, pulseRate: 100 }, held: { spo2: 100, pulseRate: 100 } };
const failed = (goals: { name: string; ok: boolean }[]) => goals.filter((goal) => !goal.ok).map((goal) => goal.name);

describe('the accelerated clock and schedule', () => {
  it('a simulated week at 10 s an hour: 168 video visits and measurement rounds, 42 alarms, 28 kiosk visits', () => {
    const week = Array.from({ length: 168 }, (_, hour) => actionsOfHour(hour));
    expect(week.filter((a) => a.visit && a.measurements)).toHaveLength(168);
    expect(week.filter((a) => a.alarm)).toHaveLength(42);
    expect(week.filter((a) => a.kiosk)).toHaveLength(28);
    // The smoke run's 3 hours hold one of each.
    expect(week.slice(0, 3).some((a) => a.alarm) && week.slice(0, 3).some((a) => a.kiosk)).toBe(true);
  });

  it('places real time on the simulated clock and in its day', () => {
    expect(simulatedMs(WEEK, 10_000)).toBe(SIMULATED_HOUR_MS);
    expect(bucketOf(WEEK, DAY_MS - 1)).toBe(0);
    expect(bucketOf(WEEK, DAY_MS)).toBe(1);
  });
});

describe('rows per day', () => {
  it('mean, max and last value of each day; samples after the last scheduled hour form a row of their own', () => {
    const rows = rowsOf(WEEK, [
      { simMs: 0, value: 1 },
      { simMs: 1, value: 3 },
      { simMs: DAY_MS, value: 10 },
      { simMs: 8 * DAY_MS, value: 70 },
    ]);
    expect(rows).toEqual([
      { row: 1, mean: 2, max: 3, last: 3, count: 2 },
      { row: 2, mean: 10, max: 10, last: 10, count: 1 },
      { row: 9, mean: 70, max: 70, last: 70, count: 1 },
    ]);
  });
});

describe('the full run’s goals', () => {
  it('a flat week with every reading held passes every goal', () => {
    expect(failed(fullRunGoals(WEEK, flatWeek(), ALL_HELD))).toEqual([]);
  });

  it('a heap growing 1 % a day fails (day 2 → day 7 is over 5 %); 0.5 % a day passes', () => {
    expect(failed(fullRunGoals(WEEK, flatWeek({ heapMb: week((day) => 40 * 1.01 ** day) }), ALL_HELD))).toEqual(['V8 heap used (MB) growth day 2 → day 7 < 5 %']);
    expect(failed(fullRunGoals(WEEK, flatWeek({ heapMb: week((day) => 40 * 1.005 ** day) }), ALL_HELD))).toEqual([]);
  });

  it('an RSS, a WAL, a handle count or a queue that keeps growing fails its goal', () => {
    const growing = (from: number, perHour: number) => week((_, hour) => from + hour * perHour);
    const goals = fullRunGoals(WEEK, flatWeek({ rssMb: growing(200, 0.2), walMb: growing(2, 0.05), handles: growing(20, 0.2), recorderPending: growing(5, 10) }), ALL_HELD);
    expect(failed(goals)).toEqual([
      'RSS (MB) growth day 2 → day 7 < 5 %',
      'WAL bounded (never above days 1–2’s maximum + 1 MB)',
      'open handles bounded (never above days 1–2’s maximum + 10)',
      'recorder queue bounded (never above days 1–2’s maximum × 2 + 500)',
    ]);
  });

  it('an event loop or a frame rate that degrades fails; a database whose daily growth doubles fails', () => {
    const goals = fullRunGoals(WEEK, flatWeek({ loopP99Ms: week((day) => (day === 7 ? 30 : 12)), fps: week((day) => (day === 7 ? 45 : 59)), dbMb: week((_, hour) => 1 + hour * 0.01 * (hour >= 144 ? 3 : 1)) }), ALL_HELD);
    expect(failed(goals)).toEqual([
      'event-loop p99 steady (day 7 ≤ 1.25 × day 2 + 2 ms)',
      'screen frame rate steady (day 7 ≥ 0.9 × day 2)',
      'database grows by what retention keeps (last day’s growth within ±50 % of day 2’s)',
    ]);
  });

  it('compares day 2 with day 7 of the schedule, not with the rows after it (a run behind the clock)', () => {
    const rows = flatWeek();
    const day8 = (value: number) => rowsOf(WEEK, [{ simMs: 7 * DAY_MS + 1, value }]);
    const behind = Object.fromEntries(Object.entries(rows).map(([name, stats]) => [name, [...stats, ...day8(name === 'fps' ? 1 : 1_000)]])) as typeof rows;
    expect(behind.rssMb.at(-1)?.row).toBe(8);
    expect(failed(fullRunGoals(WEEK, behind, ALL_HELD))).toEqual([]);
  });
});

describe('no lost readings', () => {
  it('names each metric whose held count differs from what the devices produced', () => {
    const goal = noLostReadings({ produced: { spo2: 100, pulseRate: 100, systolic: 3 }, held: { spo2: 99, pulseRate: 100, systolic: 3 } });
    expect(goal).toMatchObject({ ok: false, detail: 'spo2: produced 100, held 99' });
    expect(noLostReadings({ produced: { spo2: 1 }, held: { spo2: 1, bodyWeight: 1 } })).toMatchObject({ ok: false, detail: 'bodyWeight: produced 0, held 1' });
  });

  it('a run whose devices produced nothing fails rather than passing vacuously', () => {
    expect(noLostReadings({ produced: {}, held: {} }).ok).toBe(false);
  });
});

describe('the smoke run’s goals', () => {
  const HOURS: SoakPlan = { hours: 3, realHourMs: 3_000, bucketHours: 1 };
  const hours = (valueAt: (hour: number) => number): RowStats[] =>
    rowsOf(
      HOURS,
      Array.from({ length: 36 }, (_, i) => ({ simMs: i * 5 * 60_000, value: valueAt(Math.floor(i / 12)) })),
    );
  const smoke = (overrides: Partial<Record<SeriesName, RowStats[]>>) =>
    smokeGoals({ ...Object.fromEntries((Object.keys(SERIES) as SeriesName[]).map((name) => [name, hours(() => 1)])), ...overrides } as Record<SeriesName, RowStats[]>, ALL_HELD);

  it('passes steady handles, a small WAL and a drained queue', () => {
    expect(failed(smoke({ handles: hours(() => 25) }))).toEqual([]);
  });

  it('fails handles that grow by more than 20 in three hours, a WAL over 16 MB, a queue over 5,000', () => {
    expect(failed(smoke({ handles: hours((hour) => 25 + hour * 11), walMb: hours(() => 17), recorderPending: hours(() => 5_001) }))).toEqual([
      'open handles bounded (≤ first hour’s maximum + 20)',
      'WAL bounded (≤ 16 MB)',
      'recorder queue bounded (≤ 5,000 items)',
    ]);
  });
});
