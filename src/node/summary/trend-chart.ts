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

export interface ChartBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function chartDescription(series: MetricSeries, formats: DateTimeFormats): string {
  const values = series.readings.map((reading) => reading.value);
  const shown = (value: number) => `${formatValue(series.metric, value, series.unit)} ${displayUnit(series.metric, series.unit)}`;
  const first = series.readings[0]!.receivedAt;
  const last = series.readings[series.readings.length - 1]!.receivedAt;
  return `${METRIC_DEFINITIONS[series.metric].label} from ${formats.clock(first)} to ${formats.clock(last)}: lowest ${shown(Math.min(...values))}, highest ${shown(Math.max(...values))}, ${series.readings.length} readings`;
}

/** Draws inside `box` (its caller marks the content as a figure); `fonts` names the regular font. */
export function drawTrendChart(doc: PDFKit.PDFDocument, series: MetricSeries, box: ChartBox, formats: DateTimeFormats, font: string): void {
  const { readings } = series;
  const values = readings.map((reading) => reading.value);
  let low = Math.min(...values);
  let high = Math.max(...values);
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
  doc.text(shown(Math.max(...values)), box.x, plot.y - 3, { width: labelWidth - 4, align: 'right', lineBreak: false });
  doc.text(shown(Math.min(...values)), box.x, plot.y + plot.height - 5, { width: labelWidth - 4, align: 'right', lineBreak: false });
  doc.text(formats.clock(first), plot.x, plot.y + plot.height + 3, { lineBreak: false });
  doc.text(formats.clock(first + span), plot.x, plot.y + plot.height + 3, { width: plot.width, align: 'right', lineBreak: false });
  doc.lineWidth(0.5).strokeColor('#999999').rect(plot.x, plot.y, plot.width, plot.height).stroke();
  doc.lineWidth(0.8).strokeColor('#1f4e79');
  readings.forEach((reading, index) => {
    const x = xOf(reading.receivedAt);
    const y = yOf(reading.value);
    const previous = readings[index - 1];
    if (!previous || reading.receivedAt - previous.receivedAt > GAP_MS) doc.moveTo(x, y);
    else doc.lineTo(x, y);
  });
  doc.stroke();
  // A single reading (or one alone between gaps) is a dot: a line of one point draws nothing.
  doc.fillColor('#1f4e79');
  readings.forEach((reading, index) => {
    const before = readings[index - 1];
    const after = readings[index + 1];
    const alone = (!before || reading.receivedAt - before.receivedAt > GAP_MS) && (!after || after.receivedAt - reading.receivedAt > GAP_MS);
    if (alone) doc.circle(xOf(reading.receivedAt), yOf(reading.value), 1.5).fill();
  });
  doc.restore();
}
