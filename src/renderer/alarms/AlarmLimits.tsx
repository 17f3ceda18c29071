/**
 * The alarm limits in force and the safe bounds a physician may set them within (every change,
 * with who and why, is in LimitChanges). Editable only for a role allowed to change limits; the
 * station checks again. Pure props.
 */
import { useState, type FormEvent } from 'react';
import type { AlarmStatePayload } from '../../shared/contract-clinical';
import { ALARM_METRICS, METRIC_ALARM_RULES, type AlarmMetric, type LimitSide } from '../../shared/clinical/alarm-limits';
import { METRIC_DEFINITIONS } from '../../shared/vitals';
import { displayUnit } from '../format/display-format';
import type { LimitChange } from './clinical-store';
import { limitDraftProblems, type LimitDraft, type LimitDraftProblems } from './limit-draft';

export interface AlarmLimitsProps {
  limits: AlarmStatePayload['limits'];
  editable: boolean;
  onChange(change: LimitChange): Promise<void>;
}

const SAVED = 'Saved';

export const unitOf = (metric: AlarmMetric) => displayUnit(metric, METRIC_DEFINITIONS[metric].units[0]!);

export function AlarmLimits({ limits, editable, onChange }: AlarmLimitsProps) {
  return (
    <section className="alarm-limits panel" aria-labelledby="alarm-limits-heading">
      <h2 id="alarm-limits-heading" className="panel-heading">
        Alarm limits
      </h2>
      {/* The editor needs no note: each field shows its safe bounds under it, and a value outside them gets our message. */}
      {editable ? null : <p className="panel-note">Only a physician may change alarm limits.</p>}
      <div className="table-scroll">
        <table className={`clinical-table${editable ? ' limit-editor' : ''}`} data-role="alarm-limits">
          <thead>
            <tr>
              <th scope="col">Measurement</th>
              <th scope="col">Low</th>
              <th scope="col">High</th>
              {editable ? <th scope="col">Change</th> : null}
            </tr>
          </thead>
          <tbody>
            {ALARM_METRICS.map((metric) =>
              editable ? (
                <EditableLimitRow key={metric} metric={metric} limits={limits[metric]} onChange={onChange} />
              ) : (
                <tr key={metric} data-limit-metric={metric}>
                  <th scope="row">{METRIC_DEFINITIONS[metric].label}</th>
                  <LimitCell metric={metric} side="low" value={limits[metric].low} />
                  <LimitCell metric={metric} side="high" value={limits[metric].high} />
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function LimitCell({ metric, side, value }: { metric: AlarmMetric; side: LimitSide; value: number | null }) {
  const rule = METRIC_ALARM_RULES[metric][side];
  if (value === null || rule === null) return <td>none</td>;
  return (
    <td>
      {value} {unitOf(metric)}
      <span className="limit-bounds">
        safe bounds {rule.min}–{rule.max}
      </span>
    </td>
  );
}

function EditableLimitRow({ metric, limits, onChange }: { metric: AlarmMetric; limits: { low: number | null; high: number | null }; onChange: AlarmLimitsProps['onChange'] }) {
  const [draft, setDraft] = useState<LimitDraft>({ low: limits.low?.toString() ?? '', high: limits.high?.toString() ?? '', reason: '' });
  const [outcome, setOutcome] = useState<string | null>(null);
  // An edit after a save makes the button read "Save" again.
  const edit = (next: LimitDraft) => {
    setDraft(next);
    setOutcome(null);
  };
  const [problems, setProblems] = useState<LimitDraftProblems>({});
  const label = METRIC_DEFINITIONS[metric].label;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = limitDraftProblems(metric, draft);
    setProblems(found);
    setOutcome(null);
    if (Object.keys(found).length > 0) return;
    const change: LimitChange = { metric, ...(draft.reason.trim() && { reason: draft.reason.trim() }) };
    for (const side of ['low', 'high'] as const) {
      if (METRIC_ALARM_RULES[metric][side] !== null && draft[side].trim() !== '') change[side] = Number(draft[side]);
    }
    try {
      await onChange(change);
      setOutcome(SAVED);
    } catch (error) {
      setOutcome(error instanceof Error ? error.message : String(error));
    }
  };
  const formId = `limits-${metric}`;
  return (
    <tr data-limit-metric={metric}>
      <th scope="row">
        {label} <span className="limit-unit">{unitOf(metric)}</span>
      </th>
      {(['low', 'high'] as const).map((side) => {
        const rule = METRIC_ALARM_RULES[metric][side];
        return (
          <td key={side}>
            {rule === null ? (
              'none'
            ) : (
              <>
                <input
                  form={formId}
                  type="number"
                  aria-invalid={problems[side] !== undefined}
                  aria-describedby={problems[side] ? `${formId}-${side}-problem` : undefined}
                  className="limit-input"
                  aria-label={`${label} ${side} limit (${unitOf(metric)}, ${rule.min}–${rule.max})`}
                  min={rule.min}
                  max={rule.max}
                  step="any"
                  value={draft[side]}
                  onChange={(event) => edit({ ...draft, [side]: event.target.value })}
                />
                <span className="limit-bounds" aria-hidden="true">
                  {rule.min}–{rule.max}
                </span>
                {problems[side] ? (
                  <span className="limit-problem" id={`${formId}-${side}-problem`} data-role="limit-problem" role="alert">
                    {problems[side]}
                  </span>
                ) : null}
              </>
            )}
          </td>
        );
      })}
      <td>
        {/* noValidate: the problems are ours, next to their fields, not the browser's tooltip. */}
        <form id={formId} className="limit-form" noValidate onSubmit={(event) => void submit(event)}>
          <input
            type="text"
            className="limit-reason"
            aria-label={`Reason for changing the ${label} limits`}
            aria-invalid={problems.reason !== undefined}
            aria-describedby={problems.reason ? `${formId}-reason-problem` : undefined}
            placeholder="Reason"
            value={draft.reason}
            onChange={(event) => edit({ ...draft, reason: event.target.value })}
          />
          {/* A success says so on the button, costing no line (every row stays in sight); a failure gets its own line. */}
          <button type="submit" className="alarm-button">
            {outcome === SAVED ? 'Saved' : 'Save'}
          </button>
          {problems.reason ? (
            <span className="limit-problem" id={`${formId}-reason-problem`} data-role="limit-problem" role="alert">
              {problems.reason}
            </span>
          ) : null}
          {outcome ? (
            <span role="status" className={outcome === SAVED ? 'visually-hidden' : undefined}>
              {outcome}
            </span>
          ) : null}
        </form>
      </td>
    </tr>
  );
}
