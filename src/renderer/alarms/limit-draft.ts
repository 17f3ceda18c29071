/**
 * Checking a row of the alarm-limit editor before it is sent, so each problem is said next to its
 * field in our words (the browser's own tooltip is off: the form is noValidate). The station checks
 * the values again with the same limitValueProblem.
 */
import { METRIC_ALARM_RULES, limitValueProblem, type AlarmMetric, type LimitSide } from '../../shared/clinical/alarm-limits';
import { METRIC_DEFINITIONS } from '../../shared/vitals';

export interface LimitDraft {
  low: string;
  high: string;
  reason: string;
}

export type LimitDraftProblems = Partial<Record<LimitSide | 'reason', string>>;

export const REASON_NEEDED = 'Give the reason for this change: it is kept with the change.';

/** What is wrong with the row as typed; empty when it may be sent. An empty limit field is left unchanged. */
export function limitDraftProblems(metric: AlarmMetric, draft: LimitDraft): LimitDraftProblems {
  const problems: LimitDraftProblems = {};
  for (const side of ['low', 'high'] as const) {
    const text = draft[side].trim();
    if (text === '' || METRIC_ALARM_RULES[metric][side] === null) continue;
    const value = Number(text);
    const problem = Number.isNaN(value) ? `${METRIC_DEFINITIONS[metric].label} ${side} limit must be a number` : limitValueProblem(metric, side, value);
    if (problem !== null) problems[side] = problem;
  }
  if (draft.reason.trim() === '') problems.reason = REASON_NEEDED;
  return problems;
}
