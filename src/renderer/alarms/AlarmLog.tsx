/** Every alarm of the session, newest first: when, how bad, and who acknowledged it. Pure props. */
import type { AlarmLogEntryPayload } from '../../shared/contract-clinical';
import { METRIC_DEFINITIONS, type Metric } from '../../shared/vitals';
import { formatClock } from '../format/display-format';
import { PRIORITY_WORDS, alarmValueText } from './alarm-words';

/** The metric is the second part of a physiological alarm's key (`physiological:<metric>:<side>`). */
function metricOf(entry: AlarmLogEntryPayload): Metric | null {
  const metric = entry.kind === 'physiological' ? entry.key.split(':')[1] : undefined;
  return metric !== undefined && metric in METRIC_DEFINITIONS ? (metric as Metric) : null;
}

export function AlarmLog({ log }: { log: readonly AlarmLogEntryPayload[] }) {
  const newestFirst = [...log].reverse();
  return (
    <section className="alarm-log panel" aria-labelledby="alarm-log-heading">
      <h2 id="alarm-log-heading" className="panel-heading">
        Alarm log
      </h2>
      {newestFirst.length === 0 ? (
        <p className="panel-empty">No alarms this session.</p>
      ) : (
        <div className="table-scroll">
          <table className="clinical-table" data-role="alarm-log">
            <thead>
              <tr>
                <th scope="col">Raised</th>
                <th scope="col">Priority</th>
                <th scope="col">Condition</th>
                <th scope="col">First / worst</th>
                <th scope="col">Cleared</th>
                <th scope="col">Acknowledged</th>
              </tr>
            </thead>
            <tbody>
              {newestFirst.map((entry) => {
                const metric = metricOf(entry);
                const first = alarmValueText(metric, entry.firstValue, entry.unit, null);
                const worst = alarmValueText(metric, entry.worstValue, entry.unit, entry.limit);
                return (
                  <tr key={entry.alarmId} data-log-priority={entry.priority}>
                    <td>{formatClock(entry.raisedAt)}</td>
                    <td>
                      <span className={`priority-chip chip-${entry.priority}`}>{PRIORITY_WORDS[entry.priority]}</span>
                      {entry.escalatedAt !== null ? ' (escalated)' : ''}
                    </td>
                    <td>
                      {entry.message}
                      {entry.recurrences > 0 ? ` · came back ${entry.recurrences}×` : ''}
                    </td>
                    <td>{first && worst ? `${first} / ${worst}` : '—'}</td>
                    <td>{entry.clearedAt === null ? 'Active' : formatClock(entry.clearedAt)}</td>
                    <td>{entry.acknowledgedAt === null ? '—' : `${formatClock(entry.acknowledgedAt)} by ${entry.acknowledgedBy?.name ?? 'unknown'}`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
