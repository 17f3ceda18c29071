/**
 * Assembles a NEWS2 observation set from the station's latest device readings plus what a nurse
 * entered by hand, and refuses to produce one when any input is missing, stale or untrustworthy:
 * a score built on an old or invalid number would look current and be wrong.
 */
import type { DeviceInfo, StationReading } from '../contract';
import type { SignalCondition } from '../readings';
import type { Metric } from '../vitals';
import { METRIC_DEFINITIONS } from '../vitals';
import { actorMay, roleWithArticle, type Actor } from './actor';
import type { ConsciousnessLevel, News2Input } from './news2';
import { News2InputSchema } from './news2';
import { toCanonicalUnit } from './units';

export interface ManualEntry<T> {
  value: T;
  enteredBy: Actor;
  /** Station wall clock (ms since epoch) when the observation was made. */
  enteredAt: number;
}

export interface ManualNews2Entries {
  /** Counted by a nurse over a full minute; a device reading is used when this is absent. */
  respiratoryRate?: ManualEntry<number>;
  consciousness?: ManualEntry<ConsciousnessLevel>;
  onOxygen?: ManualEntry<boolean>;
  /**
   * A physician's decision that the patient has hypercapnic respiratory failure with a target of
   * 88–92 %. Absent means Scale 1, which is what the reference prescribes for everyone else.
   */
  spo2Scale2?: ManualEntry<boolean>;
}

/** A manual observation is part of the same observation set as the devices' spot readings. */
export const MANUAL_OBSERVATION_STALE_AFTER_MS = 30 * 60_000;
/** Readings stamped further ahead than this are from a wrong clock, not from the future. */
const CLOCK_SKEW_TOLERANCE_MS = 5_000;

/** Device conditions under which the device's numbers must not be trusted. */
const UNTRUSTWORTHY_CONDITIONS: ReadonlySet<SignalCondition> = new Set(['probe-off', 'searching', 'no-finger', 'weak-signal', 'motion', 'over-limit']);

export type News2InputName = keyof News2Input;

export interface News2InputProblem {
  input: News2InputName;
  reason: 'missing' | 'stale' | 'invalid';
  detail: string;
}

export type News2Provenance =
  | { kind: 'device'; deviceId: string; metric: Metric; receivedAt: number }
  | { kind: 'manual'; enteredBy: Actor; enteredAt: number }
  | { kind: 'default'; detail: string };

export type News2Assembly =
  | { ok: true; input: News2Input; provenance: Record<News2InputName, News2Provenance> }
  | { ok: false; problems: News2InputProblem[] };

export interface News2AssemblyRequest {
  latest: readonly StationReading[];
  manual: ManualNews2Entries;
  /** Station wall clock (ms since epoch). */
  now: number;
  /** Current device list, so readings from a device reporting probe-off or similar are refused. */
  devices?: readonly DeviceInfo[];
}

type Assembled<T> = { ok: true; value: T; provenance: News2Provenance } | { ok: false; problem: News2InputProblem };

function ageProblem(input: News2InputName, takenAt: number, now: number, staleAfterMs: number, what: string): News2InputProblem | null {
  if (takenAt > now + CLOCK_SKEW_TOLERANCE_MS) {
    return { input, reason: 'invalid', detail: `${what} is time-stamped in the future; check the station clock` };
  }
  const ageMs = now - takenAt;
  if (ageMs > staleAfterMs) {
    return { input, reason: 'stale', detail: `${what} is ${Math.round(ageMs / 60_000)} min old (limit ${Math.round(staleAfterMs / 60_000)} min)` };
  }
  return null;
}

function fromDevices(
  input: News2InputName,
  metrics: readonly [Metric, ...Metric[]],
  request: News2AssemblyRequest,
  round: (canonical: number) => number,
): Assembled<number> {
  const candidates = request.latest.filter((reading) => metrics.includes(reading.metric));
  if (candidates.length === 0) {
    return { ok: false, problem: { input, reason: 'missing', detail: `no ${METRIC_DEFINITIONS[metrics[0]].label} reading` } };
  }
  const newest = candidates.reduce((a, b) => (b.receivedAt > a.receivedAt ? b : a));
  const label = METRIC_DEFINITIONS[newest.metric].label;
  const device = request.devices?.find((d) => d.id === newest.deviceId);
  if (device && UNTRUSTWORTHY_CONDITIONS.has(device.condition)) {
    return { ok: false, problem: { input, reason: 'invalid', detail: `${label} device ${device.name} reports ${device.condition}` } };
  }
  const canonical = toCanonicalUnit(newest.metric, newest.value, newest.unit);
  if (!canonical.ok) return { ok: false, problem: { input, reason: 'invalid', detail: canonical.reason } };
  const age = ageProblem(input, newest.receivedAt, request.now, METRIC_DEFINITIONS[newest.metric].staleAfterMs, `the ${label} reading`);
  if (age) return { ok: false, problem: age };
  return {
    ok: true,
    value: round(canonical.value),
    provenance: { kind: 'device', deviceId: newest.deviceId, metric: newest.metric, receivedAt: newest.receivedAt },
  };
}

function fromManual<T>(input: News2InputName, entry: ManualEntry<T> | undefined, now: number, staleAfterMs: number, what: string): Assembled<T> {
  if (entry === undefined) return { ok: false, problem: { input, reason: 'missing', detail: `${what} has not been entered` } };
  // Charting is a clinical assessment (roles.ts 'observation.enter'): an entry by anyone else is not an observation.
  if (!actorMay(entry.enteredBy, 'observation.enter')) {
    return { ok: false, problem: { input, reason: 'invalid', detail: `${what} was entered by ${roleWithArticle(entry.enteredBy.role)}, who may not chart observations` } };
  }
  const age = ageProblem(input, entry.enteredAt, now, staleAfterMs, `${what} entered by ${entry.enteredBy.name}`);
  if (age) return { ok: false, problem: age };
  return { ok: true, value: entry.value, provenance: { kind: 'manual', enteredBy: entry.enteredBy, enteredAt: entry.enteredAt } };
}

function spo2Scale(entry: ManualEntry<boolean> | undefined): Assembled<1 | 2> {
  if (entry === undefined) return { ok: true, value: 1, provenance: { kind: 'default', detail: 'no Scale 2 prescription: Scale 1' } };
  // Scale 2 is a prescription; only a physician may decide it, and it does not go stale like an observation.
  if (!actorMay(entry.enteredBy, 'news2.prescribe-scale-2')) {
    return {
      ok: false,
      problem: { input: 'spo2Scale', reason: 'invalid', detail: `SpO₂ Scale 2 must be decided by a physician, not ${roleWithArticle(entry.enteredBy.role)}` },
    };
  }
  return { ok: true, value: entry.value ? 2 : 1, provenance: { kind: 'manual', enteredBy: entry.enteredBy, enteredAt: entry.enteredAt } };
}

const wholeNumber = (value: number) => Math.round(value);
/** Charts record temperature to one decimal; rounding also keeps °F conversions off band edges by float noise. */
const oneDecimal = (value: number) => Math.round(value * 10) / 10;

export function assembleNews2Input(request: News2AssemblyRequest): News2Assembly {
  const { manual, now } = request;
  const parts = {
    respiratoryRate:
      manual.respiratoryRate !== undefined
        ? fromManual('respiratoryRate', manual.respiratoryRate, now, METRIC_DEFINITIONS.respiratoryRate.staleAfterMs, 'the respiratory rate')
        : fromDevices('respiratoryRate', ['respiratoryRate'], request, wholeNumber),
    spo2: fromDevices('spo2', ['spo2'], request, wholeNumber),
    spo2Scale: spo2Scale(manual.spo2Scale2),
    onOxygen: fromManual('onOxygen', manual.onOxygen, now, MANUAL_OBSERVATION_STALE_AFTER_MS, 'air or oxygen'),
    systolic: fromDevices('systolic', ['systolic'], request, wholeNumber),
    pulse: fromDevices('pulse', ['pulseRate', 'heartRate'], request, wholeNumber),
    consciousness: fromManual('consciousness', manual.consciousness, now, MANUAL_OBSERVATION_STALE_AFTER_MS, 'the ACVPU level'),
    temperature: fromDevices('temperature', ['bodyTemperature'], request, oneDecimal),
  } satisfies Record<News2InputName, Assembled<unknown>>;

  const problems: News2InputProblem[] = [];
  const values: Partial<Record<News2InputName, unknown>> = {};
  const provenance: Partial<Record<News2InputName, News2Provenance>> = {};
  for (const [name, part] of Object.entries(parts) as [News2InputName, Assembled<unknown>][]) {
    if (part.ok) {
      values[name] = part.value;
      provenance[name] = part.provenance;
    } else {
      problems.push(part.problem);
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  // Manual entries come from a form; the same schema as any other input guards the ranges.
  const parsed = News2InputSchema.safeParse(values);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ input: issue.path[0] as News2InputName, reason: 'invalid', detail: issue.message })),
    };
  }
  return { ok: true, input: parsed.data, provenance: provenance as Record<News2InputName, News2Provenance> };
}
