/**
 * A small trend chart of one metric over the visit, drawn as vector paths (a line per reading
 * run, broken where readings stop for more than a minute, so a gap is never drawn as data), with
 * the lowest and highest value and the first and last time as labels. Returns the words a screen
 * reader gets instead of the picture.
 */
import { displayUnit, formatValue, type DateTimeFormats } from '../../shared/display-format';
import { METRIC_DEFINITIONS } from '../../shared/vitals';
import type { MetricSeries } from './visit-summary';

/** Longer than this between two readings is a gap in the line. */
const GAP_MS = 60_000;

type Reading = MetricSeries['readings'][number];

/** The readings split where they stop for longer than GAP_MS. */
function runs(readings: readonly Reading[]): Reading[][] {
  const result: Reading[][] = [];
  for (const [index, reading] of readings.entries()) {
    const previous = readings[index - 1];
    if (!previous || reading.receivedAt - previous.receivedAt > GAP_MS) result.push([]);
    result[result.length - 1]!.push(reading);
  }
  return result;
}

/**
 * A run's line at the chart's resolution: per horizontal point its lowest and highest reading, in
 * the order they came. A 30-minute oximetry run is 1,800 readings on 200 points: drawing each
 * would blacken the chart and slow the PDF, while the envelope keeps every excursion visible.
 */
export function envelope(run: readonly Reading[], xOf: (at: number) => number): { x: number; value: number }[] {
  const points: { x: number; value: number }[] = [];
  let column: { x: number; low: Reading; high: Reading; lowAt: number; highAt: number } | null = null;
  const flush = () => {
    if (!column) return;
    const { x, low, high, lowAt, highAt } = column;
    if (low === high) points.push({ x, value: low.value });
    else if (lowAt < highAt) points.push({ x, value: low.value }, { x, value: high.value });
    else points.push({ x, value: high.value }, { x, value: low.value });
  };
  run.forEach((reading, index) => {
    const x = Math.round(xOf(reading.receivedAt));
    if (column && column.x === x) {
      if (reading.value < column.low.value) Object.assign(column, { low: reading, lowAt: index });
      if (reading.value > column.high.value) Object.assign(column, { high: reading, highAt: index });
      return;
    }
    flush();
    column = { x, low: reading, high: reading, lowAt: index, highAt: index };
  });
  flush();
  return points;
}

export interface ChartBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Lowest and highest value (a loop: a day's readings are too many arguments for Math.min). */
function valueRange(readings: readonly Reading[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const { value } of readings) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return [low, high];
}

export function chartDescription(series: MetricSeries, formats: DateTimeFormats): string {
  const [lowest, highest] = valueRange(series.readings);
  const shown = (value: number) => `${formatValue(series.metric, value, series.unit)} ${displayUnit(series.metric, series.unit)}`;
  const first = series.readings[0]!.receivedAt;
  const last = series.readings[series.readings.length - 1]!.receivedAt;
  return `${METRIC_DEFINITIONS[series.metric].label} from ${formats.clock(first)} to ${formats.clock(last)}: lowest ${shown(lowest)}, highest ${shown(highest)}, ${series.readings.length} readings`;
}

/** Draws inside `box` (its caller marks the content as a figure); `font` names the regular font. */
export function drawTrendChart(doc: PDFKit.PDFDocument, series: MetricSeries, box: ChartBox, formats: DateTimeFormats, font: string): void {
  const { readings } = series;
  const [lowest, highest] = valueRange(readings);
  let low = lowest;
  let high = highest;
  // A flat series gets a band around its value, so its line sits mid-chart rather than on an edge.
  if (high - low < 1e-9) {
    low -= 1;
    high += 1;
  }
  const labelWidth = 44;
  const plot = { x: box.x + labelWidth, y: box.y + 12, width: box.width - labelWidth, height: box.height - 26 };
  const first = readings[0]!.receivedAt;
  const span = Math.max(1, readings[readings.length - 1]!.receivedAt - first);
  const xOf = (at: number) => plot.x + ((at - first) / span) * plot.width;
  const yOf = (value: number) => plot.y + plot.height - ((value - low) / (high - low)) * plot.height;
  const shown = (value: number) => formatValue(series.metric, value, series.unit);

  doc.save();
  doc.font(font).fontSize(7).fillColor('#333333');
  doc.text(`${METRIC_DEFINITIONS[series.metric].label} (${displayUnit(series.metric, series.unit)})`, box.x, box.y, { lineBreak: false });
  doc.text(shown(highest), box.x, plot.y - 3, { width: labelWidth - 4, align: 'right', lineBreak: false });
  doc.text(shown(lowest), box.x, plot.y + plot.height - 5, { width: labelWidth - 4, align: 'right', lineBreak: false });
  doc.text(formats.clock(first), plot.x, plot.y + plot.height + 3, { lineBreak: false });
  doc.text(formats.clock(first + span), plot.x, plot.y + plot.height + 3, { width: plot.width, align: 'right', lineBreak: false });
  doc.lineWidth(0.5).strokeColor('#999999').rect(plot.x, plot.y, plot.width, plot.height).stroke();
  doc.lineWidth(0.8).strokeColor('#1f4e79');
  for (const run of runs(readings)) {
    const points = envelope(run, xOf);
    if (points.length === 1) {
      // A lone reading between gaps is a dot: a line of one point draws nothing.
      doc.circle(points[0]!.x, yOf(points[0]!.value), 1.5).fillColor('#1f4e79').fill();
      continue;
    }
    points.forEach((point, index) => (index === 0 ? doc.moveTo(point.x, yOf(point.value)) : doc.lineTo(point.x, yOf(point.value))));
    doc.stroke();
  }
  doc.restore();
}
