/**
 * One parameter's trend, drawn by uPlot (a maintained canvas charting library, already the
 * reference in bench:render): clock-time axis, a value axis in the parameter's unit over its
 * clinical range, gaps where data is missing, the alarm limits in force as a band, and a cursor
 * whose legend reads the exact value and time. The live pleth sweep stays our own renderer.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricLimits } from '../../shared/clinical/alarm-limits';
import { METRIC_DEFINITIONS, type Metric } from '../../shared/vitals';
import { displayUnit, formatClock, formatClockMinutes, formatValue } from '../format/display-format';
import { type LimitBand, type PanelTrend, type TrendPanel } from './trend-model';

const HEIGHT = 200;

/** The colour family of each parameter, as on the monitor's tiles (styles.css variables). */
const METRIC_COLOURS: Partial<Record<Metric, string>> = {
  spo2: '--spo2',
  perfusionIndex: '--spo2',
  pulseRate: '--pulse',
  heartRate: '--pulse',
  systolic: '--pressure',
  diastolic: '--pressure',
  meanArterialPressure: '--pressure',
  bodyTemperature: '--temperature',
};
const cssColour = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#d6c8ff';
const metricColour = (metric: Metric): string => cssColour(METRIC_COLOURS[metric] ?? '--other');

/** Shades the band between the low and high limit and marks each limit with a dashed line. */
function limitBand(limits: MetricLimits | null): (u: uPlot) => void {
  return (u) => {
    if (limits === null || (limits.low === null && limits.high === null)) return;
    const { ctx, bbox } = u;
    const y = (value: number | null, edge: number) => (value === null ? edge : Math.min(Math.max(u.valToPos(value, 'y', true), bbox.top), bbox.top + bbox.height));
    const top = y(limits.high, bbox.top);
    const bottom = y(limits.low, bbox.top + bbox.height);
    ctx.save();
    ctx.fillStyle = 'rgba(76, 255, 122, 0.07)';
    ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
    ctx.strokeStyle = cssColour('--muted');
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1;
    for (const limit of [limits.low, limits.high]) {
      if (limit === null) continue;
      ctx.beginPath();
      ctx.moveTo(bbox.left, y(limit, 0));
      ctx.lineTo(bbox.left + bbox.width, y(limit, 0));
      ctx.stroke();
    }
    ctx.restore();
  };
}

function chartOptions(panel: TrendPanel, trend: PanelTrend, window: { from: number; to: number }, limits: MetricLimits | null, width: number): uPlot.Options {
  const unit = trend.unit;
  const symbol = displayUnit(panel.metrics[0]!, unit);
  const axisColour = cssColour('--muted');
  const grid = { stroke: 'rgba(169, 180, 192, 0.15)', width: 1 };
  return {
    width,
    height: HEIGHT,
    ms: 1,
    scales: { x: { time: true, range: () => [window.from, window.to] }, y: { range: () => [trend.range.min, trend.range.max] } },
    axes: [
      { stroke: axisColour, grid, ticks: grid, values: (_u, splits) => splits.map((at) => formatClockMinutes(at)) },
      { stroke: axisColour, grid, ticks: grid, label: symbol, labelSize: 18, size: 44, values: (_u, splits) => splits.map((value) => String(value)) },
    ],
    series: [
      { label: 'Time', value: (_u, at) => (at == null ? '—' : formatClock(at)) },
      ...trend.metrics.map((metric) => ({
        label: METRIC_DEFINITIONS[metric].label,
        stroke: metricColour(metric),
        width: 2,
        // Spot measurements are single points: always mark them; a dense oximetry line needs no dots.
        points: { show: (u: uPlot, seriesIndex: number) => Array.from(u.data[seriesIndex]!).filter((value) => value != null).length < 200, size: 6 },
        value: (_u: uPlot, value: number | null) => (value == null ? '—' : `${formatValue(metric, value, unit)} ${symbol}`),
      })),
    ],
    legend: { live: true },
    hooks: { drawClear: [limitBand(limits)] },
  };
}

export function TrendChart({ panel, trend, window, band }: { panel: TrendPanel; trend: PanelTrend; window: { from: number; to: number }; band: LimitBand | null }) {
  const holder = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);

  // A new chart when what it is set up with changes (series, axis, window, limits); data alone is swapped in place.
  const setup = `${trend.metrics.join()}|${trend.range.min}|${trend.range.max}|${window.from}|${window.to}|${band?.metric}|${band?.limits.low}|${band?.limits.high}`;
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const plot = new uPlot(chartOptions(panel, trend, window, band?.limits ?? null, element.clientWidth), trend.data, element);
    chart.current = plot;
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
    // trend.data is handed over by the effect below; rebuilding for it would reset the cursor every second.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [setup, panel]);
  useEffect(() => {
    chart.current?.setData(trend.data, false);
  }, [trend.data]);

  const limitWords = band === null ? '' : `${METRIC_DEFINITIONS[band.metric].label} alarm limits ${band.limits.low ?? 'off'} to ${band.limits.high ?? 'off'}`;
  return (
    <figure className="trend" data-role="trend-chart" data-trend={panel.id}>
      <figcaption className="trend-caption">
        {panel.label} <span className="trend-range">{displayUnit(panel.metrics[0]!, trend.unit)}</span>
        {band && <span className="trend-range">{limitWords}</span>}
      </figcaption>
      <div
        ref={holder}
        className="trend-plot"
        role="group"
        aria-label={`${panel.label} from ${formatClockMinutes(window.from)} to ${formatClockMinutes(window.to)}, axis ${trend.range.min} to ${trend.range.max}${band === null ? '' : `; ${limitWords}`}`}
      />
    </figure>
  );
}
