/** The visit's NEWS2 totals over time, each point in its risk colour. Pure props. */
import type { News2TrendPoint } from '../../shared/contract-clinical';
import { formatClock } from '../format/display-format';
import { RISK_WORDS } from './news2-words';

const WIDTH = 320;
const HEIGHT = 80;
const MARGIN = 6;
/** NEWS2 totals run 0–20; the axis stops at 12 unless a score goes higher, so small changes stay visible. */
const MIN_TOP = 12;

export function News2Trend({ trend }: { trend: readonly News2TrendPoint[] }) {
  if (trend.length === 0) return <p className="panel-empty">No score yet this visit.</p>;
  const first = trend[0]!.at;
  const last = trend[trend.length - 1]!.at;
  const top = Math.max(MIN_TOP, ...trend.map((point) => point.total));
  const x = (at: number) => (last === first ? WIDTH / 2 : MARGIN + ((at - first) / (last - first)) * (WIDTH - 2 * MARGIN));
  const y = (total: number) => HEIGHT - MARGIN - (total / top) * (HEIGHT - 2 * MARGIN);
  const latest = trend[trend.length - 1]!;
  const summary = `NEWS2 trend: ${trend.length} scores from ${formatClock(first)} to ${formatClock(last)}, lowest ${Math.min(...trend.map((p) => p.total))}, highest ${Math.max(...trend.map((p) => p.total))}, latest ${latest.total} (${RISK_WORDS[latest.risk]})`;
  return (
    <figure className="news2-trend-figure">
      <svg className="news2-trend" data-role="news2-trend" data-points={trend.length} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} preserveAspectRatio="none">
        {[5, 7].map((threshold) => (
          <line key={threshold} className="news2-threshold" x1={0} x2={WIDTH} y1={y(threshold)} y2={y(threshold)} />
        ))}
        {trend.length > 1 ? <polyline className="news2-trend-line" points={trend.map((point) => `${x(point.at).toFixed(1)},${y(point.total).toFixed(1)}`).join(' ')} vectorEffect="non-scaling-stroke" /> : null}
        {trend.map((point, index) => (
          // A zero-length round-capped line stays a round dot however the chart is stretched.
          <line key={index} className={`news2-dot risk-${point.risk}`} x1={x(point.at)} x2={x(point.at)} y1={y(point.total)} y2={y(point.total)} vectorEffect="non-scaling-stroke" />
        ))}
      </svg>
      <figcaption className="panel-note">Dashed lines: total 5 (urgent response) and 7 (emergency response). Latest {latest.total} at {formatClock(latest.at)}.</figcaption>
    </figure>
  );
}
