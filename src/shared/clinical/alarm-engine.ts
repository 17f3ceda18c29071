/**
 * The alarm system as a pure state machine: every function takes the current state and the time
 * and returns a new state, with no timers inside. The state (alarms, log, limits and their audit
 * trail) is plain JSON, so the core can send it to the renderer and over the consultation channel.
 *
 * Terms follow IEC 60601-1-8: an alarm *condition* is detected after the alarm-condition delay;
 * a *latching* alarm keeps signalling after its condition ends until someone acknowledges it;
 * *acknowledged* silences one alarm while its condition persists; *audio paused* silences the
 * alarms present at the time, for a limited time.
 */
import type { DeviceInfo, StationReading } from '../contract';
import type { SignalCondition } from '../readings';
import { measuredAtOf } from '../measured-at';
import type { Metric, UcumUnit } from '../vitals';
import { METRIC_DEFINITIONS } from '../vitals';
import { actorMay, roleWithArticle, type Actor } from './actor';
import type { AlarmMetric, LimitChangeRecord, LimitChangeRequest, LimitSide, MetricLimits } from './alarm-limits';
import { ALARM_METRICS, METRIC_ALARM_RULES, adultDefaultLimits, changeLimits, isAlarmMetric } from './alarm-limits';
import type { AlarmPriority, AlarmVisual } from './alarm-presentation';
import { ALARM_PRIORITIES, ALARM_VISUALS, PRIORITY_RANK, alarmAnnouncement } from './alarm-presentation';
import type { TechnicalCondition } from './technical-conditions';
import { toCanonicalUnit } from './units';


interface TechnicalRule {
  priority: AlarmPriority;
  /** Rides out a momentary USB or sensor glitch before declaring the condition. */
  delayMs: number;
  /** Loss of monitoring escalates like a physiological alarm; a weak battery never becomes high priority. */
  escalates: boolean;
  describe: (deviceName: string, metricLabel: string) => string;
}

/**
 * The reference names no priority per technical condition; loss of monitoring is medium (prompt
 * response), degraded monitoring is low (awareness).
 */
const TECHNICAL_RULES: Record<TechnicalCondition, TechnicalRule> = {
  disconnected: { priority: 'medium', delayMs: 3_000, escalates: true, describe: (device) => `${device} disconnected` },
  'probe-off': { priority: 'medium', delayMs: 5_000, escalates: true, describe: (device) => `${device}: sensor off the patient` },
  // The metric's own expected interval (staleAfterMs) is the delay; no extra one.
  'no-data': { priority: 'medium', delayMs: 0, escalates: true, describe: (device, metric) => `${device}: no ${metric} data` },
  'weak-signal': { priority: 'low', delayMs: 10_000, escalates: false, describe: (device) => `${device}: weak signal` },
  'low-battery': { priority: 'low', delayMs: 0, escalates: false, describe: (device) => `${device}: battery low` },
};

const CONDITION_TO_TECHNICAL: Partial<Record<SignalCondition, TechnicalCondition>> = {
  'probe-off': 'probe-off',
  'no-finger': 'probe-off',
  'weak-signal': 'weak-signal',
  'low-battery': 'low-battery',
};

/** Conditions under which the device's numbers are not trusted and its data may stop. */
const UNTRUSTWORTHY_CONDITIONS: ReadonlySet<SignalCondition> = new Set(['probe-off', 'searching', 'no-finger', 'weak-signal', 'motion', 'over-limit']);

export interface AlarmEngineConfig {
  /** Priorities whose physiological alarms latch. */
  latchingPriorities: AlarmPriority[];
  /**
   * An unacknowledged alarm goes up one priority, once, after this long (null: never).
   * UNCONFIRMED: the reference gives no figure; 1-8 leaves it to the manufacturer.
   */
  escalateAfterMs: number | null;
  /** Anti-flood: a condition that returns within this window continues the same alarm. */
  reraiseWindowMs: number;
  defaultAudioPauseMs: number;
  maxAudioPauseMs: number;
  /** Metrics whose silence raises a no-data technical alarm once a device has delivered them. */
  watchedMetrics: Metric[];
  maxLogEntries: number;
}

export const DEFAULT_ALARM_CONFIG: AlarmEngineConfig = {
  latchingPriorities: ['high'],
  escalateAfterMs: 120_000,
  reraiseWindowMs: 30_000,
  // IEC 60601-1-8 examples and common monitors use 2 minutes.
  defaultAudioPauseMs: 120_000,
  maxAudioPauseMs: 300_000,
  watchedMetrics: ['spo2', 'pulseRate', 'heartRate'],
  maxLogEntries: 1_000,
};

export interface Acknowledgement {
  by: Actor;
  at: number;
}

export interface Alarm {
  id: string;
  /** Identifies the condition: `physiological:<metric>:<side>` or `technical:<deviceId>:<condition>[:<metric>]`. */
  key: string;
  kind: 'physiological' | 'technical';
  technicalCondition: TechnicalCondition | null;
  metric: Metric | null;
  deviceId: string | null;
  /** Names the condition in words, e.g. "SpO₂ low". */
  message: string;
  basePriority: AlarmPriority;
  priority: AlarmPriority;
  escalates: boolean;
  value: number | null;
  unit: UcumUnit | null;
  limit: number | null;
  conditionPresent: boolean;
  /** Condition ended, alarm still signalled until acknowledged. */
  latched: boolean;
  raisedAt: number;
  conditionEndedAt: number | null;
  acknowledged: Acknowledgement | null;
  escalatedAt: number | null;
  /** How many times the condition came back within the re-raise window (a flapping device). */
  recurrences: number;
}

export interface AlarmLogEntry {
  alarmId: string;
  key: string;
  kind: Alarm['kind'];
  message: string;
  /** Highest priority the alarm reached. */
  priority: AlarmPriority;
  firstValue: number | null;
  /** Furthest beyond the limit (physiological) or last known value. */
  worstValue: number | null;
  unit: UcumUnit | null;
  limit: number | null;
  raisedAt: number;
  clearedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: Actor | null;
  escalatedAt: number | null;
  recurrences: number;
}

interface TrackedDevice {
  id: string;
  name: string;
  state: DeviceInfo['state'];
  condition: SignalCondition;
  /** Only a device that once worked can be lost; one that never connected is the hub's to report. */
  wasConnected: boolean;
  lastReadingAt: Partial<Record<Metric, number>>;
}

interface LatestValue {
  value: number;
  deviceId: string;
  /** When it was measured (measured-at.ts): a downloaded result is as old as the device clock says. */
  measuredAt: number;
}

export interface AudioPause {
  by: Actor;
  at: number;
  until: number;
}

export interface AlarmEngineState {
  config: AlarmEngineConfig;
  limits: Record<AlarmMetric, MetricLimits>;
  limitChanges: LimitChangeRecord[];
  devices: Record<string, TrackedDevice>;
  latest: Partial<Record<AlarmMetric, LatestValue>>;
  /** Onset time of conditions that are present but still inside their alarm-condition delay. */
  pending: Record<string, number>;
  alarms: Alarm[];
  log: AlarmLogEntry[];
  audioPause: AudioPause | null;
  nextAlarmNumber: number;
  /**
   * No patient is connected (a kiosk between visits), so no alarm condition is detected: IEC
   * 60601-1-8 lets an alarm system stand by while the equipment is not in use on a patient.
   * Devices and readings are still followed, so leaving standby judges them at once.
   */
  standby: boolean;
  /** The latest time the engine has evaluated. */
  now: number;
}

export type AlarmCommandResult = { ok: true; state: AlarmEngineState } | { ok: false; error: string; state: AlarmEngineState };

export function createAlarmEngine(now: number, config: Partial<AlarmEngineConfig> = {}): AlarmEngineState {
  return {
    config: { ...DEFAULT_ALARM_CONFIG, ...config },
    limits: adultDefaultLimits(),
    limitChanges: [],
    devices: {},
    latest: {},
    pending: {},
    alarms: [],
    log: [],
    audioPause: null,
    nextAlarmNumber: 1,
    standby: false,
    now,
  };
}

/** A detected condition, before reconciliation with the alarms already raised. */
interface ConditionSnapshot {
  key: string;
  kind: Alarm['kind'];
  technicalCondition: TechnicalCondition | null;
  metric: Metric | null;
  deviceId: string | null;
  message: string;
  priority: AlarmPriority;
  escalates: boolean;
  delayMs: number;
  value: number | null;
  unit: UcumUnit | null;
  limit: number | null;
  /** Which way is worse, for the log's worst value. */
  worseIs: 'lower' | 'higher' | null;
}

const CONNECTED_STATES: ReadonlySet<DeviceInfo['state']> = new Set(['streaming', 'measuring', 'idle', 'probe-off']);
const isDeviceLost = (device: TrackedDevice) => device.state === 'disconnected' || device.state === 'error';
const isDeviceTrusted = (device: TrackedDevice) => !isDeviceLost(device) && !UNTRUSTWORTHY_CONDITIONS.has(device.condition);

function physiologicalConditions(state: AlarmEngineState, now: number): ConditionSnapshot[] {
  const conditions: ConditionSnapshot[] = [];
  for (const metric of ALARM_METRICS) {
    const latest = state.latest[metric];
    if (latest === undefined) continue;
    const definition = METRIC_DEFINITIONS[metric];
    // A stale value or one from a device that lost the patient cannot show a condition is present.
    const device = state.devices[latest.deviceId];
    if (now - latest.measuredAt > definition.staleAfterMs || !device || !isDeviceTrusted(device)) continue;
    const limits = state.limits[metric];
    const rule = METRIC_ALARM_RULES[metric];
    const side: LimitSide | null =
      limits.low !== null && latest.value < limits.low ? 'low' : limits.high !== null && latest.value > limits.high ? 'high' : null;
    const sideRule = side && rule[side];
    if (!side || !sideRule) continue;
    conditions.push({
      key: `physiological:${metric}:${side}`,
      kind: 'physiological',
      technicalCondition: null,
      metric,
      deviceId: latest.deviceId,
      message: `${definition.label} ${side}`,
      priority: sideRule.priority,
      escalates: true,
      delayMs: rule.conditionDelayMs,
      value: latest.value,
      unit: definition.units[0] ?? null,
      limit: limits[side],
      worseIs: side === 'low' ? 'lower' : 'higher',
    });
  }
  return conditions;
}

function technicalCondition(device: TrackedDevice, condition: TechnicalCondition, metric: Metric | null = null): ConditionSnapshot {
  const rule = TECHNICAL_RULES[condition];
  return {
    key: `technical:${device.id}:${condition}${metric ? `:${metric}` : ''}`,
    kind: 'technical',
    technicalCondition: condition,
    metric,
    deviceId: device.id,
    message: rule.describe(device.name, metric ? METRIC_DEFINITIONS[metric].label : ''),
    priority: rule.priority,
    escalates: rule.escalates,
    delayMs: rule.delayMs,
    value: null,
    unit: null,
    limit: null,
    worseIs: null,
  };
}

function technicalConditions(state: AlarmEngineState, now: number): ConditionSnapshot[] {
  const conditions: ConditionSnapshot[] = [];
  for (const device of Object.values(state.devices)) {
    // One condition per lost device: its silent metrics and sensor state follow from the loss.
    if (isDeviceLost(device)) {
      if (device.wasConnected) conditions.push(technicalCondition(device, 'disconnected'));
      continue;
    }
    const fromSignal = CONDITION_TO_TECHNICAL[device.condition];
    if (fromSignal) conditions.push(technicalCondition(device, fromSignal));
    // Only a streaming device is expected to keep sending; a spot-check device (a cuff reporting a
    // pulse with its pressure) goes idle after its reading, and that silence is no fault.
    if (UNTRUSTWORTHY_CONDITIONS.has(device.condition) || device.state !== 'streaming') continue;
    for (const metric of state.config.watchedMetrics) {
      const last = device.lastReadingAt[metric];
      if (last !== undefined && now - last > METRIC_DEFINITIONS[metric].staleAfterMs) {
        conditions.push(technicalCondition(device, 'no-data', metric));
      }
    }
  }
  return conditions;
}

const higher = (a: AlarmPriority, b: AlarmPriority) => (PRIORITY_RANK[a] >= PRIORITY_RANK[b] ? a : b);
const oneUp = (priority: AlarmPriority): AlarmPriority => (priority === 'low' ? 'medium' : 'high');

/**
 * Log entries are shared between successive states (the log is the bulk of the state), so an
 * entry is replaced, never changed in place. Open alarms are usually the newest entries.
 */
function updateLogEntry(state: AlarmEngineState, alarm: Alarm, update: (entry: AlarmLogEntry) => Partial<AlarmLogEntry>): void {
  const index = state.log.findLastIndex((entry) => entry.alarmId === alarm.id);
  const entry = state.log[index];
  if (entry) state.log[index] = { ...entry, ...update(entry) };
}

function worse(condition: ConditionSnapshot, previous: number | null): number | null {
  if (condition.value === null || previous === null || condition.worseIs === null) return condition.value ?? previous;
  return condition.worseIs === 'lower' ? Math.min(previous, condition.value) : Math.max(previous, condition.value);
}

function raise(state: AlarmEngineState, condition: ConditionSnapshot, now: number): void {
  const alarm: Alarm = {
    id: `A${state.nextAlarmNumber++}`,
    key: condition.key,
    kind: condition.kind,
    technicalCondition: condition.technicalCondition,
    metric: condition.metric,
    deviceId: condition.deviceId,
    message: condition.message,
    basePriority: condition.priority,
    priority: condition.priority,
    escalates: condition.escalates,
    value: condition.value,
    unit: condition.unit,
    limit: condition.limit,
    conditionPresent: true,
    latched: false,
    raisedAt: now,
    conditionEndedAt: null,
    acknowledged: null,
    escalatedAt: null,
    recurrences: 0,
  };
  state.alarms.push(alarm);
  state.log.push({
    alarmId: alarm.id,
    key: alarm.key,
    kind: alarm.kind,
    message: alarm.message,
    priority: alarm.priority,
    firstValue: alarm.value,
    worstValue: alarm.value,
    unit: alarm.unit,
    limit: alarm.limit,
    raisedAt: now,
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    escalatedAt: null,
    recurrences: 0,
  });
}

function continueAlarm(state: AlarmEngineState, alarm: Alarm, condition: ConditionSnapshot): void {
  if (!alarm.conditionPresent) {
    // Anti-flood: the condition came back inside the re-raise window, so it is the same alarm. An
    // acknowledgement silences a condition only while it lasts (IEC 60601-1-8 "acknowledged"), so
    // the returning one sounds again and must be acknowledged again.
    alarm.conditionPresent = true;
    alarm.latched = false;
    alarm.acknowledged = null;
    alarm.conditionEndedAt = null;
    alarm.recurrences++;
    updateLogEntry(state, alarm, () => ({ clearedAt: null, recurrences: alarm.recurrences }));
  }
  alarm.value = condition.value;
  alarm.limit = condition.limit;
  updateLogEntry(state, alarm, (entry) => ({ worstValue: worse(condition, entry.worstValue) }));
}

function endCondition(state: AlarmEngineState, alarm: Alarm, now: number): void {
  alarm.conditionPresent = false;
  alarm.conditionEndedAt = now;
  alarm.latched = alarm.kind === 'physiological' && alarm.acknowledged === null && state.config.latchingPriorities.includes(alarm.priority);
  updateLogEntry(state, alarm, () => ({ clearedAt: now }));
}

function escalate(state: AlarmEngineState, alarm: Alarm, now: number): void {
  const after = state.config.escalateAfterMs;
  if (after === null || !alarm.escalates || alarm.escalatedAt !== null || alarm.priority === 'high') return;
  if (!alarm.conditionPresent || alarm.acknowledged !== null || now - alarm.raisedAt < after) return;
  alarm.priority = oneUp(alarm.priority);
  alarm.escalatedAt = now;
  updateLogEntry(state, alarm, (entry) => ({ priority: higher(entry.priority, alarm.priority), escalatedAt: now }));
}

function trimLog(state: AlarmEngineState): void {
  const openIds = new Set(state.alarms.map((alarm) => alarm.id));
  while (state.log.length > state.config.maxLogEntries) {
    const oldestClosed = state.log.findIndex((entry) => !openIds.has(entry.alarmId));
    if (oldestClosed < 0) break;
    state.log.splice(oldestClosed, 1);
  }
}

/** Brings alarms in line with the conditions present at `now`. Mutates the (already copied) state. */
function reconcile(state: AlarmEngineState, now: number): void {
  state.now = Math.max(state.now, now);
  if (state.audioPause && now >= state.audioPause.until) state.audioPause = null;
  if (state.standby) {
    // A condition's delay counts from the end of standby, as if the patient had just been connected.
    state.pending = {};
    return;
  }
  // Past the re-raise window a returning condition is a new alarm, so forget the old one first.
  state.alarms = state.alarms.filter(
    (alarm) => alarm.conditionPresent || alarm.latched || now - (alarm.conditionEndedAt ?? now) < state.config.reraiseWindowMs,
  );
  const detected = [...physiologicalConditions(state, now), ...technicalConditions(state, now)];
  const detectedKeys = new Set(detected.map((condition) => condition.key));
  for (const key of Object.keys(state.pending)) if (!detectedKeys.has(key)) delete state.pending[key];

  for (const condition of detected) {
    const onset = (state.pending[condition.key] ??= now);
    if (now - onset < condition.delayMs) continue;
    const existing = state.alarms.find((alarm) => alarm.key === condition.key);
    if (existing) continueAlarm(state, existing, condition);
    else raise(state, condition, now);
  }

  for (const alarm of state.alarms) {
    if (alarm.conditionPresent && !detectedKeys.has(alarm.key)) endCondition(state, alarm, now);
    escalate(state, alarm, now);
  }
  trimLog(state);
}

/** A new state for one step: the small, changing parts copied; limits, config and log entries shared and only ever replaced. */
function copy(state: AlarmEngineState): AlarmEngineState {
  const devices: Record<string, TrackedDevice> = {};
  for (const [id, device] of Object.entries(state.devices)) devices[id] = { ...device, lastReadingAt: { ...device.lastReadingAt } };
  return {
    ...state,
    devices,
    latest: { ...state.latest },
    pending: { ...state.pending },
    alarms: state.alarms.map((alarm) => ({ ...alarm })),
    log: [...state.log],
  };
}

/** Re-evaluates delays, silence, escalation, pause expiry and the re-raise window at `now`. */
export function tickAlarms(state: AlarmEngineState, now: number): AlarmEngineState {
  const next = copy(state);
  reconcile(next, now);
  return next;
}

export function applyReading(state: AlarmEngineState, reading: StationReading): AlarmEngineState {
  const next = copy(state);
  const at = reading.receivedAt;
  // A device delivering data is connected, even if the hub's device list has not arrived yet.
  const device = (next.devices[reading.deviceId] ??= {
    id: reading.deviceId,
    name: reading.deviceId,
    state: 'streaming',
    condition: 'ok',
    wasConnected: true,
    lastReadingAt: {},
  });
  device.lastReadingAt[reading.metric] = at;
  const canonical = toCanonicalUnit(reading.metric, reading.value, reading.unit);
  // An implausible value is a decoding fault: it must neither raise nor clear a physiological alarm.
  // A download delivers older results after newer ones may have arrived: only a newer one replaces.
  const measuredAt = measuredAtOf(reading);
  if (canonical.ok && isAlarmMetric(reading.metric) && !(measuredAt < (next.latest[reading.metric]?.measuredAt ?? -Infinity))) {
    next.latest[reading.metric] = { value: canonical.value, deviceId: reading.deviceId, measuredAt };
  }
  reconcile(next, at);
  return next;
}

/** The hub's current device list; a device that was being followed and is gone counts as disconnected. */
export function applyDevices(state: AlarmEngineState, devices: readonly DeviceInfo[], now: number): AlarmEngineState {
  const next = copy(state);
  const listed = new Set(devices.map((device) => device.id));
  for (const info of devices) {
    const tracked = next.devices[info.id];
    next.devices[info.id] = {
      id: info.id,
      name: info.name,
      state: info.state,
      condition: info.condition,
      wasConnected: (tracked?.wasConnected ?? false) || CONNECTED_STATES.has(info.state),
      lastReadingAt: tracked?.lastReadingAt ?? {},
    };
  }
  for (const tracked of Object.values(next.devices)) if (!listed.has(tracked.id)) tracked.state = 'disconnected';
  reconcile(next, now);
  return next;
}

function forgetDevice(state: AlarmEngineState, deviceId: string): void {
  delete state.devices[deviceId];
  for (const metric of ALARM_METRICS) if (state.latest[metric]?.deviceId === deviceId) delete state.latest[metric];
}

function closeAlarm(state: AlarmEngineState, alarm: Alarm, now: number): void {
  state.alarms = state.alarms.filter((open) => open.id !== alarm.id);
  updateLogEntry(state, alarm, (entry) => ({ clearedAt: entry.clearedAt ?? now }));
}

/**
 * Nobody is being monitored from now on: every open alarm is closed (its log entry keeps it, with
 * the time it ended) and nothing is raised until leaveStandby.
 */
export function enterStandby(state: AlarmEngineState, now: number): AlarmEngineState {
  const next = copy(state);
  for (const alarm of [...next.alarms]) closeAlarm(next, alarm, now);
  next.standby = true;
  reconcile(next, now);
  return next;
}

/** A patient is connected again: the devices and readings present now are judged afresh, each condition after its own delay. */
export function leaveStandby(state: AlarmEngineState, now: number): AlarmEngineState {
  const next = copy(state);
  next.standby = false;
  reconcile(next, now);
  return next;
}

/**
 * Acknowledging silences the alarm and stops its escalation; a latched alarm whose condition has
 * ended is thereby closed. Acknowledging a disconnection means the device was removed on purpose:
 * the station stops following it. Physiological alarms need a role granted 'alarm.acknowledge'
 * (nurse, physician); a technical alarm is about the equipment and anyone at the station may
 * acknowledge it.
 */
export function acknowledgeAlarm(state: AlarmEngineState, alarmId: string, actor: Actor, now: number): AlarmCommandResult {
  const next = copy(state);
  reconcile(next, now);
  const alarm = next.alarms.find((open) => open.id === alarmId && (open.conditionPresent || open.latched));
  if (!alarm) return { ok: false, error: `no active alarm ${alarmId}`, state };
  if (alarm.kind === 'physiological' && !actorMay(actor, 'alarm.acknowledge')) {
    return { ok: false, error: `${roleWithArticle(actor.role)} may not acknowledge a physiological alarm`, state };
  }
  alarm.acknowledged = { by: actor, at: now };
  updateLogEntry(next, alarm, () => ({ acknowledgedAt: now, acknowledgedBy: actor }));
  if (alarm.latched) closeAlarm(next, alarm, now);
  if (alarm.technicalCondition === 'disconnected' && alarm.deviceId !== null) forgetDevice(next, alarm.deviceId);
  if (alarm.technicalCondition === 'disconnected') closeAlarm(next, alarm, now);
  return { ok: true, state: next };
}

/** Silences the alarms present now for durationMs; alarms raised or escalated later still sound. */
export function pauseAudio(state: AlarmEngineState, actor: Actor, now: number, durationMs = state.config.defaultAudioPauseMs): AlarmCommandResult {
  // The kiosk may pause too (roles.ts): the pause is bounded, alarms stay on screen, and new or escalated ones still sound.
  if (!actorMay(actor, 'alarm.pause-audio')) return { ok: false, error: `${roleWithArticle(actor.role)} may not pause alarm audio`, state };
  if (!Number.isFinite(durationMs) || durationMs <= 0 || durationMs > state.config.maxAudioPauseMs) {
    return { ok: false, error: `audio pause must last more than 0 and at most ${state.config.maxAudioPauseMs / 1000} s`, state };
  }
  const next = copy(state);
  reconcile(next, now);
  next.audioPause = { by: actor, at: now, until: now + durationMs };
  return { ok: true, state: next };
}

export function setPatientLimits(state: AlarmEngineState, request: LimitChangeRequest, actor: Actor, now: number): AlarmCommandResult {
  const outcome = changeLimits(state.limits, request, actor, now);
  if (!outcome.ok) return { ok: false, error: outcome.error, state };
  const next = copy(state);
  next.limits = outcome.limits;
  next.limitChanges = [...next.limitChanges, ...outcome.records];
  reconcile(next, now);
  return { ok: true, state: next };
}

export interface PresentedAlarm {
  alarm: Alarm;
  visual: AlarmVisual;
  /** Sounding now (not acknowledged, not covered by an audio pause). */
  audible: boolean;
  announcement: string;
}

export interface AlarmPresentation {
  /** Highest priority first, then oldest first. */
  alarms: PresentedAlarm[];
  /** Priority whose auditory signal should play, or null for silence. */
  audiblePriority: AlarmPriority | null;
  audioPausedUntil: number | null;
}

const UNIT_WORDS: Partial<Record<UcumUnit, string>> = { '%': '%', '/min': 'per minute', 'mm[Hg]': 'mmHg', Cel: '°C', 'mg/dL': 'mg/dL' };

function describe(alarm: Alarm): string {
  if (alarm.value === null || alarm.unit === null) return alarm.message;
  const unit = UNIT_WORDS[alarm.unit] ?? alarm.unit;
  const value = Math.round(alarm.value * 10) / 10;
  return alarm.limit === null ? `${alarm.message}, ${value} ${unit}` : `${alarm.message}, ${value} ${unit} (limit ${alarm.limit} ${unit})`;
}

function isCoveredByPause(alarm: Alarm, pause: AudioPause | null, now: number): boolean {
  if (pause === null || now >= pause.until) return false;
  const lastBecameLouder = Math.max(alarm.raisedAt, alarm.escalatedAt ?? alarm.raisedAt);
  return lastBecameLouder <= pause.at;
}

/** What the screen and loudspeaker should present at `now`, derived from the state. */
export function presentAlarms(state: AlarmEngineState, now: number): AlarmPresentation {
  const shown = state.alarms
    .filter((alarm) => alarm.conditionPresent || alarm.latched)
    .sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.raisedAt - b.raisedAt);
  const alarms = shown.map((alarm) => ({
    alarm,
    visual: ALARM_VISUALS[alarm.priority],
    audible: alarm.acknowledged === null && !isCoveredByPause(alarm, state.audioPause, now),
    announcement: alarmAnnouncement({ priority: alarm.priority, message: describe(alarm), acknowledged: alarm.acknowledged !== null, latched: alarm.latched }),
  }));
  const audiblePriority = ALARM_PRIORITIES.find((priority) => alarms.some((shownAlarm) => shownAlarm.audible && shownAlarm.alarm.priority === priority)) ?? null;
  const pausedUntil = state.audioPause && now < state.audioPause.until ? state.audioPause.until : null;
  return { alarms, audiblePriority, audioPausedUntil: pausedUntil };
}
