/**
 * Physiological alarm limits: adult defaults, the bounds inside which a physician may set
 * per-patient limits, and the audited change itself. Limits are in each metric's canonical unit
 * (the first unit in vitals.ts).
 *
 * The reference gives no numeric defaults; these are common adult monitor defaults, chosen so that
 * every default sits inside its safe bounds and no bound lets an alarm be switched off in effect.
 */
import type { Metric } from '../vitals';
import { METRIC_DEFINITIONS } from '../vitals';
import { actorMay, roleWithArticle, type Actor } from './actor';
import type { AlarmPriority } from './alarm-presentation';

export const ALARM_METRICS = [
  'spo2',
  'pulseRate',
  'heartRate',
  'respiratoryRate',
  'systolic',
  'diastolic',
  'meanArterialPressure',
  'bodyTemperature',
  'glucose',
] as const satisfies readonly Metric[];
export type AlarmMetric = (typeof ALARM_METRICS)[number];

export type LimitSide = 'low' | 'high';

export interface MetricLimits {
  low: number | null;
  high: number | null;
}

interface SideRule {
  default: number;
  /** A physician may move the limit only within [min, max]. */
  min: number;
  max: number;
  priority: AlarmPriority;
}

export interface MetricAlarmRule {
  low: SideRule | null;
  high: SideRule | null;
  /**
   * Alarm-condition delay: how long the value must stay beyond the limit before the condition is
   * declared. Continuous metrics follow the Dräger M540 figures quoted in the reference
   * (HR/SpO2 6 s, RR 8 s); spot measurements are a single deliberate reading, so no delay.
   */
  conditionDelayMs: number;
}

export const METRIC_ALARM_RULES: Record<AlarmMetric, MetricAlarmRule> = {
  spo2: { low: { default: 90, min: 85, max: 99, priority: 'high' }, high: null, conditionDelayMs: 6_000 },
  pulseRate: {
    low: { default: 50, min: 30, max: 100, priority: 'medium' },
    high: { default: 120, min: 60, max: 200, priority: 'medium' },
    conditionDelayMs: 6_000,
  },
  heartRate: {
    low: { default: 50, min: 30, max: 100, priority: 'medium' },
    high: { default: 120, min: 60, max: 200, priority: 'medium' },
    conditionDelayMs: 6_000,
  },
  respiratoryRate: {
    low: { default: 8, min: 4, max: 15, priority: 'medium' },
    high: { default: 30, min: 20, max: 60, priority: 'medium' },
    conditionDelayMs: 8_000,
  },
  systolic: {
    low: { default: 90, min: 60, max: 120, priority: 'medium' },
    high: { default: 180, min: 120, max: 250, priority: 'medium' },
    conditionDelayMs: 0,
  },
  diastolic: {
    low: { default: 40, min: 30, max: 80, priority: 'medium' },
    high: { default: 110, min: 70, max: 140, priority: 'medium' },
    conditionDelayMs: 0,
  },
  meanArterialPressure: {
    low: { default: 60, min: 40, max: 90, priority: 'medium' },
    high: { default: 120, min: 90, max: 160, priority: 'medium' },
    conditionDelayMs: 0,
  },
  bodyTemperature: {
    low: { default: 35, min: 33, max: 37, priority: 'low' },
    high: { default: 39, min: 37.5, max: 41, priority: 'low' },
    conditionDelayMs: 0,
  },
  // ADA Standards of Care, section 6 "Glycemic Targets", classification of hypoglycemia: level 1
  // < 70 mg/dL (3.9 mmol/L), level 2 (clinically significant) < 54 mg/dL (3.0 mmol/L). Hypoglycaemia
  // needs treatment now, hence high priority; the limit cannot be set below level 2.
  // Hyperglycaemia is not an emergency within minutes: low priority.
  glucose: {
    low: { default: 70, min: 54, max: 100, priority: 'high' },
    high: { default: 250, min: 140, max: 400, priority: 'low' },
    conditionDelayMs: 0,
  },
};

export function isAlarmMetric(metric: Metric): metric is AlarmMetric {
  return (ALARM_METRICS as readonly Metric[]).includes(metric);
}

export function adultDefaultLimits(): Record<AlarmMetric, MetricLimits> {
  const limits = {} as Record<AlarmMetric, MetricLimits>;
  for (const metric of ALARM_METRICS) {
    const rule = METRIC_ALARM_RULES[metric];
    limits[metric] = { low: rule.low?.default ?? null, high: rule.high?.default ?? null };
  }
  return limits;
}

export interface LimitChangeRequest {
  metric: AlarmMetric;
  low?: number;
  high?: number;
  reason?: string;
}

export interface LimitChangeRecord {
  metric: AlarmMetric;
  side: LimitSide;
  oldValue: number | null;
  newValue: number;
  by: Actor;
  at: number;
  reason: string | null;
}

export type LimitChangeOutcome =
  | { ok: true; limits: Record<AlarmMetric, MetricLimits>; records: LimitChangeRecord[] }
  | { ok: false; error: string };

/** Why `value` cannot be the metric's `side` limit (no such limit, or outside its safe bounds); null when it can. */
export function limitValueProblem(metric: AlarmMetric, side: LimitSide, value: number): string | null {
  const { label, units } = METRIC_DEFINITIONS[metric];
  const sideRule = METRIC_ALARM_RULES[metric][side];
  if (sideRule === null) return `${label} has no ${side} alarm limit`;
  if (!Number.isFinite(value) || value < sideRule.min || value > sideRule.max) return `${label} ${side} limit must be between ${sideRule.min} and ${sideRule.max} ${units[0]}`;
  return null;
}

/** Only a physician may change limits (they are a prescription), only inside the safe bounds, low below high, and with a reason. */
export function changeLimits(
  current: Record<AlarmMetric, MetricLimits>,
  request: LimitChangeRequest,
  actor: Actor,
  now: number,
): LimitChangeOutcome {
  if (!actorMay(actor, 'alarm.change-limits')) return { ok: false, error: `only a physician may change alarm limits; ${actor.name} is ${roleWithArticle(actor.role)}` };
  const rule = METRIC_ALARM_RULES[request.metric];
  if (rule === undefined) return { ok: false, error: `${String(request.metric)} has no alarm limits` };
  const label = METRIC_DEFINITIONS[request.metric].label;
  const next: MetricLimits = { ...current[request.metric] };
  const records: LimitChangeRecord[] = [];
  for (const side of ['low', 'high'] as const) {
    const value = request[side];
    if (value === undefined) continue;
    const problem = limitValueProblem(request.metric, side, value);
    if (problem !== null) return { ok: false, error: problem };
    if (value !== next[side]) records.push({ metric: request.metric, side, oldValue: next[side], newValue: value, by: actor, at: now, reason: null });
    next[side] = value;
  }
  if (next.low !== null && next.high !== null && next.low >= next.high) {
    return { ok: false, error: `${label} low limit (${next.low}) must be below the high limit (${next.high})` };
  }
  // Limits are part of the patient's prescription: whoever changes them says why, for the record and the next clinician.
  const reason = request.reason?.trim() ?? '';
  if (records.length > 0 && reason === '') return { ok: false, error: `a change of the ${label} alarm limits needs a reason (for example "COPD, target 88–92 %")` };
  return { ok: true, limits: { ...current, [request.metric]: next }, records: records.map((record) => ({ ...record, reason })) };
}
