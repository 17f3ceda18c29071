/**
 * Every change of the alarm limits this encounter, newest first, with who made it and why. Beside
 * the alarm log rather than under the editor, so that a long history never pushes the editor's
 * rows out of sight. Pure props.
 */
import type { AlarmStatePayload } from '../../shared/contract-clinical';
import { METRIC_DEFINITIONS } from '../../shared/vitals';
import { formatClock } from '../format/display-format';
import { unitOf } from './AlarmLimits';

export function LimitChanges({ changes }: { changes: AlarmStatePayload['limitChanges'] }) {
  return (
    <section className="limit-changes-panel panel" aria-labelledby="limit-changes-heading">
      <h2 id="limit-changes-heading" className="panel-heading">
        Limit changes
      </h2>
      {changes.length === 0 ? (
        <p className="panel-empty">Adult defaults; no changes.</p>
      ) : (
        // Focusable, so that a keyboard can scroll a long list (it holds nothing else to focus).
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="limit-changes-heading">
          <ul className="limit-changes" data-role="limit-changes">
            {[...changes].reverse().map((change) => (
              <li key={`${change.at}-${change.metric}-${change.side}`}>
                {formatClock(change.at)} · {METRIC_DEFINITIONS[change.metric].label} {change.side} {change.oldValue ?? 'none'} → {change.newValue} {unitOf(change.metric)} by{' '}
                {change.by.name}
                {change.reason ? ` (${change.reason})` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
