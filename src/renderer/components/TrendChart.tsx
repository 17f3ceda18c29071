import { METRIC_DEFINITIONS, type Metric } from '../../shared/vitals';
import type { ReadingEntry } from '../station/station-model';
import { displayUnit, formatClock, formatValue } from '../format/display-format';

const WIDTH = 320;
const HEIGHT = 96;
const MARGIN = 6;
/** Drawn points per chart; longer sessions are thinned evenly. */
const MAX_POINTS = 400;

/** Polylines of the metric's session readings, broken where the metric went stale between readings. */
export function trendSegments(entries: readonly ReadingEntry[], metric: Metric): { segments: [number, number][][]; min: number; max: number } | null {
  const shown = thin(entries);
  if (shown.length === 0) return null;
  const values = shown.map((entry) => entry.reading.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const first = shown[0]!.measuredAt;
  const last = shown[shown.length - 1]!.measuredAt;
  const x = (at: number) => MARGIN + (last === first ? (WIDTH - 2 * MARGIN) / 2 : ((at - first) / (last - first)) * (WIDTH - 2 * MARGIN));
  const y = (value: number) => (max === min ? HEIGHT / 2 : HEIGHT - MARGIN - ((value - min) / (max - min)) * (HEIGHT - 2 * MARGIN));
  const segments: [number, number][][] = [];
  let previous: ReadingEntry | null = null;
  for (const entry of shown) {
    const gap = previous === null || entry.measuredAt - previous.measuredAt > METRIC_DEFINITIONS[metric].staleAfterMs;
    if (gap) segments.push([]);
    segments[segments.length - 1]!.push([x(entry.measuredAt), y(entry.reading.value)]);
    previous = entry;
  }
  return { segments, min, max };
}

function thin(entries: readonly ReadingEntry[]): ReadingEntry[] {
  const ordered = [...entries].sort((a, b) => a.measuredAt - b.measuredAt);
  if (ordered.length <= MAX_POINTS) return ordered;
  const step = ordered.length / MAX_POINTS;
  return Array.from({ length: MAX_POINTS }, (_, i) => ordered[Math.floor(i * step)]!).concat(ordered[ordered.length - 1]!);
}

export function TrendChart({ metric, entries }: { metric: Metric; entries: readonly ReadingEntry[] }) {
  const trend = trendSegments(entries, metric);
  if (!trend) return null;
  const definition = METRIC_DEFINITIONS[metric];
  const unit = entries[entries.length - 1]!.reading.unit;
  const symbol = displayUnit(metric, unit);
  const times = entries.map((entry) => entry.measuredAt);
  const summary = `${definition.label} trend: ${entries.length} readings from ${formatClock(Math.min(...times))} to ${formatClock(Math.max(...times))}, between ${formatValue(metric, trend.min, unit)} and ${formatValue(metric, trend.max, unit)} ${symbol}`;
  return (
    <figure className="trend" data-trend={metric}>
      <figcaption className="trend-caption">
        {definition.label}{' '}
        <span className="trend-range">
          {formatValue(metric, trend.min, unit)}–{formatValue(metric, trend.max, unit)} {symbol}
        </span>
      </figcaption>
      <svg className="trend-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} preserveAspectRatio="none">
        {trend.segments.map((segment, index) =>
          // A lone reading (a spot check, or one between gaps) is a dot; a line needs two.
          segment.length === 1 ? (
            <circle key={index} cx={segment[0]![0]} cy={segment[0]![1]} r={4} className={`trend-dot trend-${metric}`} />
          ) : (
            <polyline key={index} points={segment.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')} className={`trend-line trend-${metric}`} vectorEffect="non-scaling-stroke" />
          ),
        )}
      </svg>
    </figure>
  );
}
