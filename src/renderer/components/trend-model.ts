/**
 * What a trend chart shows, as data a test can check: the time window, the value axis of each
 * parameter (a fixed clinical range, widened when a value falls outside it), and the points with
 * their gaps. The drawing is uPlot's (TrendChart.tsx); nothing here touches the DOM.
 */
import uPlot from 'uplot';
import { BLOOD_PRESSURE_PARTS } from '../../shared/blood-pressure';
import type { MetricLimits } from '../../shared/clinical/alarm-limits';
import { toCanonicalUnit } from '../../shared/clinical/units';
import { METRIC_DEFINITIONS, type Metric, type UcumUnit } from '../../shared/vitals';
import type { ReadingEntry } from '../station/station-model';
import { shownUnit, shownValue } from '../format/display-format';

export const TREND_WINDOWS = [
  { id: '15min', label: '15 min', spanMs: 15 * 60_000 },
  { id: '1h', label: '1 h', spanMs: 60 * 60_000 },
  { id: '8h', label: '8 h', spanMs: 8 * 60 * 60_000 },
  { id: '24h', label: '24 h', spanMs: 24 * 60 * 60_000 },
  { id: 'encounter', label: 'Since the encounter began', spanMs: null },
] as const;
export type TrendWindowId = (typeof TREND_WINDOWS)[number]['id'];

/** The time span a window covers, ending now; "since the encounter began" starts at its first reading. */
export function windowBounds(id: TrendWindowId, now: number, encounterStart: number | null): { from: number; to: number } {
  const window = TREND_WINDOWS.find((candidate) => candidate.id === id)!;
  const from = window.spanMs === null ? (encounterStart ?? now) : now - window.spanMs;
  return { from: Math.min(from, now), to: now };
}

export interface TrendPanel {
  id: string;
  label: string;
  /** Drawn together on one value axis, in the station's display unit for them, else their canonical unit (the one alarm limits use). */
  metrics: readonly Metric[];
  /** The axis shown whatever the values, so a glance compares like with like; null: from the data. */
  fixed: { min: number; max: number } | null;
  /** Grid step; a widened axis ends on a multiple of it. */
  step: number;
  /** The axis when the panel is shown in another unit than the canonical one. */
  inUnit?: Partial<Record<UcumUnit, TrendScale>>;
}

export type TrendScale = Pick<TrendPanel, 'fixed' | 'step'>;

/**
 * Fixed ranges: each covers every band boundary of NEWS2 (RCP 2017, clinical-references.md), so
 * a value that scores is never off the chart: SpO₂ 80–100 % (Scale 1 ≤91 to ≥96, Scale 2 ≤83 to
 * ≥97; the range the issue asks for), pulse 40–160 /min (≤40 to ≥131), systolic 40–220 mmHg (≤90
 * to ≥220; room for diastolic), respiration 0–40 /min (≤8 to ≥25), temperature 34–40 °C (≤35.0 to
 * ≥39.1). Perfusion index 0–20 %: the display range of Masimo's and Contec's PI. Glucose 40–300
 * mg/dL: hypoglycaemia below 70 and the 180 target ceiling (ADA Standards of Care) well inside;
 * shown in mmol/L, 2–17 (36–306 mg/dL; 3.9 and 10.0 mmol/L well inside).
 * Weight has no clinical range; its axis follows the data.
 */
export const TREND_PANELS: readonly TrendPanel[] = [
  { id: 'spo2', label: 'SpO₂', metrics: ['spo2'], fixed: { min: 80, max: 100 }, step: 5 },
  { id: 'pulse', label: 'Pulse', metrics: ['pulseRate', 'heartRate'], fixed: { min: 40, max: 160 }, step: 20 },
  { id: 'bp', label: 'Blood pressure', metrics: BLOOD_PRESSURE_PARTS, fixed: { min: 40, max: 220 }, step: 20 },
  { id: 'respiratoryRate', label: 'Resp. rate', metrics: ['respiratoryRate'], fixed: { min: 0, max: 40 }, step: 5 },
  { id: 'bodyTemperature', label: 'Temperature', metrics: ['bodyTemperature'], fixed: { min: 34, max: 40 }, step: 1 },
  { id: 'perfusionIndex', label: 'Perfusion index', metrics: ['perfusionIndex'], fixed: { min: 0, max: 20 }, step: 5 },
  { id: 'glucose', label: 'Glucose', metrics: ['glucose'], fixed: { min: 40, max: 300 }, step: 20, inUnit: { 'mmol/L': { fixed: { min: 2, max: 17 }, step: 1 } } },
  { id: 'bodyWeight', label: 'Weight', metrics: ['bodyWeight'], fixed: null, step: 5 },
];

/** The metric's canonical unit: the one its alarm limits use. */
export const canonicalUnit = (metric: Metric): UcumUnit => METRIC_DEFINITIONS[metric].units[0]!;

/** The unit every reading of the metric is charted and tabulated in: the station's display unit for it, else the canonical one. */
export const chartedUnit = (metric: Metric): UcumUnit => shownUnit(metric, canonicalUnit(metric));

/**
 * The reading's value in its metric's charted unit, converted from the device's own value (not
 * through the canonical unit: a second conversion would round twice, 5.6 mmol/L coming back as
 * 5.5); null for one that cannot be trusted (never drawn).
 */
export function chartedValue(entry: ReadingEntry): number | null {
  const { metric, value, unit } = entry.reading;
  const canonical = toCanonicalUnit(metric, value, unit);
  if (!canonical.ok) return null;
  const shown = shownValue(metric, value, unit);
  return shown.unit === chartedUnit(metric) ? shown.value : shownValue(metric, canonical.value, canonical.unit).value;
}

/** The panel's value axis: its fixed range, widened to the next step when a value falls outside. */
export function axisRange(panel: TrendScale, values: readonly number[]): { min: number; max: number } {
  const low = Math.min(...values);
  const high = Math.max(...values);
  if (panel.fixed === null) {
    if (values.length === 0) return { min: 0, max: 2 * panel.step };
    const min = Math.floor(low / panel.step) * panel.step;
    return { min, max: Math.max(Math.ceil(high / panel.step) * panel.step, min + 2 * panel.step) };
  }
  return {
    min: values.length > 0 && low < panel.fixed.min ? Math.floor(low / panel.step) * panel.step : panel.fixed.min,
    max: values.length > 0 && high > panel.fixed.max ? Math.ceil(high / panel.step) * panel.step : panel.fixed.max,
  };
}

export interface PanelTrend {
  /** uPlot's aligned data: times (ms), then one series per metric of the panel; null is a gap. */
  data: uPlot.AlignedData;
  metrics: Metric[];
  range: { min: number; max: number };
  /** The unit of the values and the axis (chartedUnit of the first parameter). */
  unit: UcumUnit;
}

/**
 * The panel's points inside [from, to]. Two readings of a metric further apart than the time its
 * value stays current (METRIC_DEFINITIONS staleAfterMs: 10 s for an oximeter, 30 min for a spot
 * measurement) get a null between them, which uPlot draws as a gap, not a line across missing data.
 */
export function panelTrend(panel: TrendPanel, byMetric: ReadonlyMap<Metric, readonly ReadingEntry[]>, from: number, to: number): PanelTrend | null {
  const tables: uPlot.AlignedData[] = [];
  const metrics: Metric[] = [];
  const values: number[] = [];
  for (const metric of panel.metrics) {
    const xs: number[] = [];
    const ys: (number | null)[] = [];
    let previous: number | null = null;
    for (const entry of byMetric.get(metric) ?? []) {
      const value = chartedValue(entry);
      if (value === null || entry.measuredAt < from || entry.measuredAt > to) continue;
      if (previous !== null && entry.measuredAt - previous > METRIC_DEFINITIONS[metric].staleAfterMs) {
        xs.push(previous + 1);
        ys.push(null);
      }
      xs.push(entry.measuredAt);
      ys.push(value);
      values.push(value);
      previous = entry.measuredAt;
    }
    if (xs.length === 0) continue;
    tables.push([xs, ys]);
    metrics.push(metric);
  }
  if (tables.length === 0) return null;
  const unit = chartedUnit(panel.metrics[0]!);
  return { data: tables.length === 1 ? tables[0]! : uPlot.join(tables), metrics, range: axisRange(panel.inUnit?.[unit] ?? panel, values), unit };
}

export interface LimitBand {
  metric: Metric;
  limits: MetricLimits;
}

/**
 * The alarm limits a panel's band shows: those of the first parameter it draws, since each of a
 * panel's parameters has limits of its own (systolic 90-180 mmHg is no band for a diastolic line).
 */
export function bandLimits(trend: PanelTrend, limits: Partial<Record<Metric, MetricLimits>> | null): LimitBand | null {
  const metric = trend.metrics[0]!;
  const metricLimits = limits?.[metric];
  if (!metricLimits) return null;
  // Limits are kept in the canonical unit; the band is drawn on the chart's axis.
  const inChartUnit = (limit: number | null) => (limit === null ? null : shownValue(metric, limit, canonicalUnit(metric)).value);
  return { metric, limits: { low: inChartUnit(metricLimits.low), high: inChartUnit(metricLimits.high) } };
}
