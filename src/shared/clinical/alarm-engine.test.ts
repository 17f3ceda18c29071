import { describe, expect, it } from 'vitest';
import { stationReading, type DeviceInfo, type StationReading } from '../contract';
import type { Metric, UcumUnit } from '../vitals';
import type { Actor } from './actor';
import type { AlarmEngineState } from './alarm-engine';
import {
  acknowledgeAlarm,
  applyDevices,
  applyReading,
  createAlarmEngine,
  enterStandby,
  leaveStandby,
  pauseAudio,
  presentAlarms,
  setPatientLimits,
  tickAlarms,
} from './alarm-engine';

const T0 = 1_750_000_000_000;
const S = 1_000;
const nurse: Actor = { id: 'n1', name: 'Nurse Ada', role: 'nurse' };
const physician: Actor = { id: 'c1', name: 'Dr Lee', role: 'physician' };
const kiosk: Actor = { id: 'p1', name: 'Sam', role: 'kiosk' };
const administrator: Actor = { id: 'a1', name: 'Admin Kim', role: 'administrator' };

function device(id: string, overrides: Partial<DeviceInfo> = {}): DeviceInfo {
  return { id, driverId: 'sim', name: id, transport: 'simulated', state: 'streaming', condition: 'ok', canRequestMeasurement: false, metrics: ['spo2', 'pulseRate', 'perfusionIndex'], ...overrides };
}

let seq = 0;
function reading(metric: Metric, value: number, at: number, deviceId = 'oximeter', unit: UcumUnit = metric === 'spo2' ? '%' : '/min'): StationReading {
  return stationReading({ source: 'pulse-oximeter', deviceId, metric, value, unit, deviceTime: null, receivedAt: at, seq: seq++ });
}

/** An oximeter streaming once a second from `from` to `to` (inclusive) with the given SpO2 and pulse. */
function stream(state: AlarmEngineState, from: number, to: number, spo2: number | ((t: number) => number), pulse = 75): AlarmEngineState {
  let next = state;
  for (let t = from; t <= to; t += S) {
    next = applyReading(next, reading('spo2', typeof spo2 === 'number' ? spo2 : spo2(t), t));
    next = applyReading(next, reading('pulseRate', pulse, t));
  }
  return next;
}

function withOximeter(): AlarmEngineState {
  return applyDevices(createAlarmEngine(T0), [device('oximeter')], T0);
}

const shown = (state: AlarmEngineState, now = state.now) => presentAlarms(state, now).alarms;
const only = (state: AlarmEngineState, now = state.now) => {
  const alarms = shown(state, now);
  expect(alarms).toHaveLength(1);
  return alarms[0]!;
};
function ok(result: { ok: true; state: AlarmEngineState } | { ok: false; error: string }): AlarmEngineState {
  if (!result.ok) throw new Error(result.error);
  return result.state;
}

describe('physiological alarms and the alarm-condition delay', () => {
  it('raises SpO2 low only after the value has stayed below the limit for the 6 s delay', () => {
    let state = stream(withOximeter(), T0, T0 + 5 * S, 97);
    state = stream(state, T0 + 6 * S, T0 + 11 * S, 86);
    expect(shown(state)).toHaveLength(0);
    state = stream(state, T0 + 12 * S, T0 + 12 * S, 85);
    const alarm = only(state);
    expect(alarm.alarm).toMatchObject({ key: 'physiological:spo2:low', priority: 'high', message: 'SpO₂ low', value: 85, limit: 90, raisedAt: T0 + 12 * S });
    expect(alarm.visual.colourName).toBe('red');
    expect(alarm.announcement).toBe('High priority alarm: SpO₂ low, 85 % (limit 90 %). Not acknowledged.');
    expect(presentAlarms(state, state.now).audiblePriority).toBe('high');
  });

  it('restarts the delay when a value inside the limits interrupts the condition', () => {
    let state = stream(withOximeter(), T0, T0 + 4 * S, 86);
    state = stream(state, T0 + 5 * S, T0 + 5 * S, 95);
    state = stream(state, T0 + 6 * S, T0 + 11 * S, 86);
    expect(shown(state)).toHaveLength(0);
    state = tickAlarms(state, T0 + 12 * S);
    expect(shown(state)).toHaveLength(1);
  });

  it('raises a spot-measurement alarm on the one reading, with no delay', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('cuff')], T0);
    state = applyReading(state, reading('systolic', 84, T0 + S, 'cuff', 'mm[Hg]'));
    expect(only(state).alarm).toMatchObject({ key: 'physiological:systolic:low', priority: 'medium', value: 84 });
  });

  it('alarms on readings that arrive before the hub has listed their device', () => {
    const state = applyReading(createAlarmEngine(T0), reading('systolic', 200, T0, 'cuff', 'mm[Hg]'));
    expect(only(state).alarm).toMatchObject({ key: 'physiological:systolic:high', deviceId: 'cuff' });
  });

  it('compares readings in other units after converting them', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('thermometer')], T0);
    state = applyReading(state, reading('bodyTemperature', 103, T0 + S, 'thermometer', '[degF]'));
    const alarm = only(state).alarm;
    expect(alarm).toMatchObject({ key: 'physiological:bodyTemperature:high', priority: 'low', unit: 'Cel' });
    // 103 °F has three significant digits: 39.4 °C, not 39.444…
    expect(alarm.value).toBe(39.4);
  });

  it('ignores implausible values: they neither raise nor clear an alarm', () => {
    let state = stream(withOximeter(), T0, T0 + 8 * S, 85);
    expect(shown(state)).toHaveLength(1);
    state = applyReading(state, reading('spo2', 140, T0 + 9 * S));
    expect(shown(state)[0]!.alarm).toMatchObject({ conditionPresent: true, value: 85 });
    state = applyReading(createAlarmEngine(T0), reading('spo2', -3, T0));
    expect(shown(state)).toHaveLength(0);
  });

  it('does not alarm on readings from a device that reports the probe is off', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('oximeter', { condition: 'no-finger' })], T0);
    state = stream(state, T0, T0 + 3 * S, 40);
    expect(shown(state).filter((a) => a.alarm.kind === 'physiological')).toHaveLength(0);
  });
});

describe('latching, acknowledgement and the log', () => {
  it('keeps a high-priority alarm latched after its condition ends until someone acknowledges it', () => {
    let state = stream(withOximeter(), T0, T0 + 7 * S, 84);
    state = stream(state, T0 + 8 * S, T0 + 20 * S, 96);
    const latched = only(state);
    expect(latched.alarm).toMatchObject({ conditionPresent: false, latched: true, conditionEndedAt: T0 + 8 * S });
    expect(latched.audible).toBe(true);
    expect(latched.announcement).toMatch(/Condition ended, waiting for acknowledgement/);
    state = stream(state, T0 + 21 * S, T0 + 600 * S, 96);
    expect(shown(state)).toHaveLength(1);

    state = ok(acknowledgeAlarm(state, latched.alarm.id, nurse, T0 + 601 * S));
    expect(shown(state)).toHaveLength(0);
    expect(state.log).toEqual([
      expect.objectContaining({
        key: 'physiological:spo2:low',
        message: 'SpO₂ low',
        priority: 'high',
        firstValue: 84,
        worstValue: 84,
        limit: 90,
        raisedAt: T0 + 6 * S,
        clearedAt: T0 + 8 * S,
        acknowledgedAt: T0 + 601 * S,
        acknowledgedBy: nurse,
      }),
    ]);
  });

  it('lets a medium alarm go (non-latching) when its condition ends, logging the clear time', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    expect(only(state).alarm).toMatchObject({ key: 'physiological:pulseRate:high', priority: 'medium' });
    state = stream(state, T0 + 7 * S, T0 + 7 * S, 97, 80);
    expect(shown(state)).toHaveLength(0);
    expect(state.log[0]).toMatchObject({ clearedAt: T0 + 7 * S, acknowledgedAt: null });
    state = stream(state, T0 + 8 * S, T0 + 60 * S, 97, 80);
    expect(state.alarms).toHaveLength(0);
  });

  it('records the worst value reached', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, (t) => 88 - (t - T0) / S);
    state = stream(state, T0 + 7 * S, T0 + 7 * S, 81);
    state = stream(state, T0 + 8 * S, T0 + 9 * S, 86);
    expect(state.log[0]).toMatchObject({ firstValue: 82, worstValue: 81 });
    expect(state.alarms[0]).toMatchObject({ value: 86 });
  });

  it('records the highest value as the worst of a high alarm', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    state = stream(state, T0 + 7 * S, T0 + 7 * S, 97, 160);
    state = stream(state, T0 + 8 * S, T0 + 9 * S, 97, 135);
    expect(state.log[0]).toMatchObject({ firstValue: 130, worstValue: 160 });
  });

  it('silences an acknowledged alarm whose condition persists, but keeps showing it', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    const id = only(state).alarm.id;
    state = ok(acknowledgeAlarm(state, id, physician, T0 + 7 * S));
    state = stream(state, T0 + 8 * S, T0 + 10 * S, 84);
    const alarm = only(state);
    expect(alarm.audible).toBe(false);
    expect(alarm.alarm.acknowledged).toEqual({ by: physician, at: T0 + 7 * S });
    expect(alarm.announcement).toMatch(/Acknowledged\.$/);
    expect(presentAlarms(state, state.now).audiblePriority).toBeNull();
  });

  it('lets an alarm acknowledged while its condition lasted go when the patient recovers: it does not latch', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    const id = only(state).alarm.id;
    state = ok(acknowledgeAlarm(state, id, nurse, T0 + 7 * S));
    state = stream(state, T0 + 8 * S, T0 + 8 * S, 96);
    expect(state.alarms.find((alarm) => alarm.id === id)).toMatchObject({ conditionPresent: false, latched: false });
    expect(shown(state)).toHaveLength(0);
    state = stream(state, T0 + 9 * S, T0 + 600 * S, 96);
    expect(shown(state)).toHaveLength(0);
    expect(state.log[0]).toMatchObject({ clearedAt: T0 + 8 * S, acknowledgedAt: T0 + 7 * S, acknowledgedBy: nurse });
  });

  it('sounds again when an acknowledged condition returns inside the re-raise window: acknowledgement lasts only while the condition does', () => {
    // The soak's pattern: a desaturation acknowledged, recovered, and another one 20 s later.
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    state = ok(acknowledgeAlarm(state, 'A1', nurse, T0 + 7 * S));
    state = stream(state, T0 + 8 * S, T0 + 27 * S, 96);
    state = stream(state, T0 + 28 * S, T0 + 34 * S, 84);
    expect(only(state)).toMatchObject({ audible: true, alarm: { id: 'A1', priority: 'high', conditionPresent: true, acknowledged: null, recurrences: 1 } });
    expect(presentAlarms(state, state.now).audiblePriority).toBe('high');
    state = ok(acknowledgeAlarm(state, 'A1', physician, T0 + 35 * S));
    expect(state.log).toEqual([expect.objectContaining({ alarmId: 'A1', acknowledgedAt: T0 + 35 * S, acknowledgedBy: physician })]);
  });

  it('only a nurse or physician may acknowledge a physiological alarm', () => {
    const state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    for (const actor of [kiosk, administrator]) {
      const result = acknowledgeAlarm(state, only(state).alarm.id, actor, T0 + 7 * S);
      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^an? (kiosk|administrator) may not acknowledge a physiological alarm$/) });
      expect(result.state).toBe(state);
    }
    expect(acknowledgeAlarm(state, only(state).alarm.id, nurse, T0 + 7 * S).ok).toBe(true);
  });

  it('refuses to acknowledge an alarm that is not active', () => {
    expect(acknowledgeAlarm(withOximeter(), 'A42', nurse, T0)).toMatchObject({ ok: false, error: 'no active alarm A42' });
  });
});

describe('audio pause', () => {
  it('silences present alarms until it expires, then they sound again', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    state = ok(pauseAudio(state, nurse, T0 + 7 * S, 60 * S));
    expect(presentAlarms(state, T0 + 8 * S)).toMatchObject({ audiblePriority: null, audioPausedUntil: T0 + 67 * S });
    state = stream(state, T0 + 8 * S, T0 + 66 * S, 84);
    expect(presentAlarms(state, state.now).audiblePriority).toBeNull();
    state = tickAlarms(state, T0 + 67 * S);
    expect(state.audioPause).toBeNull();
    expect(presentAlarms(state, state.now)).toMatchObject({ audiblePriority: 'high', audioPausedUntil: null });
  });

  it('does not silence an alarm raised after the pause began', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    state = ok(pauseAudio(state, nurse, T0 + 7 * S));
    state = stream(state, T0 + 8 * S, T0 + 14 * S, 84, 130);
    const alarms = presentAlarms(state, state.now);
    expect(alarms.alarms.map((a) => [a.alarm.key, a.audible])).toEqual([
      ['physiological:spo2:low', true],
      ['physiological:pulseRate:high', false],
    ]);
    expect(alarms.audiblePriority).toBe('high');
  });

  it('lets a nurse pause audio, but neither the patient at the kiosk nor an administrator (the sound is what brings staff)', () => {
    const state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    expect(pauseAudio(state, administrator, T0 + 7 * S)).toMatchObject({ ok: false, error: 'an administrator may not pause alarm audio' });
    expect(pauseAudio(state, kiosk, T0 + 7 * S)).toMatchObject({ ok: false, error: 'a kiosk may not pause alarm audio' });
    const paused = ok(pauseAudio(state, nurse, T0 + 7 * S, 60 * S));
    expect(paused.audioPause).toEqual({ by: nurse, at: T0 + 7 * S, until: T0 + 67 * S });
  });

  it('refuses a pause longer than the configured maximum or not positive', () => {
    const state = withOximeter();
    expect(pauseAudio(state, nurse, T0, 301 * S)).toMatchObject({ ok: false });
    expect(pauseAudio(state, nurse, T0, 0)).toMatchObject({ ok: false });
    expect(pauseAudio(state, nurse, T0, Number.NaN)).toMatchObject({ ok: false });
  });
});

describe('escalation', () => {
  it('raises an unacknowledged medium alarm to high after the escalation time', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 135);
    state = stream(state, T0 + 7 * S, T0 + 125 * S, 97, 135);
    expect(only(state).alarm.priority).toBe('medium');
    state = stream(state, T0 + 126 * S, T0 + 126 * S, 97, 135);
    const alarm = only(state);
    expect(alarm.alarm).toMatchObject({ basePriority: 'medium', priority: 'high', escalatedAt: T0 + 126 * S });
    expect(alarm.visual.colourName).toBe('red');
    expect(state.log[0]).toMatchObject({ priority: 'high', escalatedAt: T0 + 126 * S });
  });

  it('escalates once, by one level, and never a low battery', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('thermometer'), device('scale', { condition: 'low-battery' })], T0);
    state = applyReading(state, reading('bodyTemperature', 39.6, T0, 'thermometer', 'Cel'));
    state = tickAlarms(state, T0 + 1_000 * S);
    expect(shown(state).map((a) => [a.alarm.key, a.alarm.priority])).toEqual([
      ['physiological:bodyTemperature:high', 'medium'],
      ['technical:scale:low-battery', 'low'],
    ]);
    // The nurse reads which device needs a battery, not only that one does.
    expect(shown(state)[1]!.alarm.message).toBe('scale: battery low');
  });

  it('does not escalate an acknowledged alarm', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 135);
    state = ok(acknowledgeAlarm(state, only(state).alarm.id, nurse, T0 + 10 * S));
    state = stream(state, T0 + 11 * S, T0 + 300 * S, 97, 135);
    expect(only(state).alarm.priority).toBe('medium');
  });

  it('an escalation during an audio pause sounds', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 135);
    state = ok(pauseAudio(state, nurse, T0 + 100 * S, 300 * S));
    state = stream(state, T0 + 101 * S, T0 + 126 * S, 97, 135);
    expect(presentAlarms(state, state.now).audiblePriority).toBe('high');
  });
});

describe('technical alarms', () => {
  it('raises probe off after its delay, and does not add a no-data alarm for the silence it explains', () => {
    let state = stream(withOximeter(), T0, T0 + 5 * S, 97);
    state = applyDevices(state, [device('oximeter', { state: 'probe-off', condition: 'probe-off' })], T0 + 6 * S);
    state = tickAlarms(state, T0 + 10 * S);
    expect(shown(state)).toHaveLength(0);
    state = tickAlarms(state, T0 + 11 * S);
    expect(only(state).alarm).toMatchObject({ kind: 'technical', key: 'technical:oximeter:probe-off', priority: 'medium', message: 'oximeter: sensor off the patient' });
    state = tickAlarms(state, T0 + 60 * S);
    expect(shown(state).map((a) => a.alarm.key)).toEqual(['technical:oximeter:probe-off']);
  });

  it('raises no-data once a watched metric is silent for longer than its expected interval', () => {
    let state = stream(withOximeter(), T0, T0 + 5 * S, 97);
    state = tickAlarms(state, T0 + 15 * S);
    expect(shown(state)).toHaveLength(0);
    state = tickAlarms(state, T0 + 15 * S + 1);
    expect(shown(state).map((a) => a.alarm.key).sort()).toEqual(['technical:oximeter:no-data:pulseRate', 'technical:oximeter:no-data:spo2']);
    expect(shown(state)[0]!.alarm.message).toMatch(/oximeter: no (SpO₂|Pulse) data/);
    state = stream(state, T0 + 16 * S, T0 + 16 * S, 97);
    expect(shown(state)).toHaveLength(0);
  });

  it('a spot-check device that reported a pulse with its pressure and went idle is not missing data', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('cuff', { state: 'measuring' })], T0);
    state = applyReading(state, reading('pulseRate', 80, T0 + 10 * S, 'cuff'));
    state = applyDevices(state, [device('cuff', { state: 'idle' })], T0 + 10 * S);
    state = tickAlarms(state, T0 + 600 * S);
    expect(shown(state)).toEqual([]);
  });

  it('a disconnected device is one alarm, not one per silent metric, and the patient at the kiosk may acknowledge it to stop following the device', () => {
    let state = stream(withOximeter(), T0, T0 + 5 * S, 97);
    state = applyDevices(state, [], T0 + 6 * S);
    state = tickAlarms(state, T0 + 9 * S);
    state = tickAlarms(state, T0 + 60 * S);
    const alarm = only(state);
    expect(alarm.alarm).toMatchObject({ key: 'technical:oximeter:disconnected', priority: 'medium', raisedAt: T0 + 9 * S });
    state = ok(acknowledgeAlarm(state, alarm.alarm.id, kiosk, T0 + 61 * S));
    state = tickAlarms(state, T0 + 120 * S);
    expect(shown(state)).toHaveLength(0);
    expect(state.devices.oximeter).toBeUndefined();
    expect(state.log[0]).toMatchObject({ clearedAt: T0 + 61 * S, acknowledgedBy: kiosk });
  });

  it('ends physiological conditions of a lost device instead of showing its last value as current', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 135);
    expect(only(state).alarm.key).toBe('physiological:pulseRate:high');
    state = applyDevices(state, [device('oximeter', { state: 'disconnected' })], T0 + 7 * S);
    expect(shown(state)).toHaveLength(0);
    state = tickAlarms(state, T0 + 10 * S);
    expect(only(state).alarm.key).toBe('technical:oximeter:disconnected');
  });

  it('ends physiological conditions of a device that failed, as of one that was unplugged', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 135);
    expect(only(state).alarm.key).toBe('physiological:pulseRate:high');
    state = applyDevices(state, [device('oximeter', { state: 'error' })], T0 + 7 * S);
    expect(shown(state).map((alarm) => alarm.alarm.key)).not.toContain('physiological:pulseRate:high');
  });

  it('does not report a device that never connected as disconnected', () => {
    const state = applyDevices(createAlarmEngine(T0), [device('oximeter', { state: 'error', condition: 'ok' })], T0);
    expect(shown(tickAlarms(state, T0 + 60 * S))).toHaveLength(0);
  });

  it('raises weak signal and low battery at low priority', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('oximeter', { condition: 'weak-signal' }), device('scale', { condition: 'low-battery' })], T0);
    state = tickAlarms(state, T0 + 10 * S);
    expect(shown(state).map((a) => [a.alarm.key, a.alarm.priority, a.visual.colourName])).toEqual([
      ['technical:scale:low-battery', 'low', 'cyan'],
      ['technical:oximeter:weak-signal', 'low', 'cyan'],
    ]);
  });
});

describe('patient limits', () => {
  it('lets a physician change a limit inside the safe bounds, recording who, when, old and new', () => {
    const state = ok(setPatientLimits(withOximeter(), { metric: 'spo2', low: 88, reason: 'COPD, target 88–92 %' }, physician, T0 + S));
    expect(state.limits.spo2).toEqual({ low: 88, high: null });
    expect(state.limitChanges).toEqual([{ metric: 'spo2', side: 'low', oldValue: 90, newValue: 88, by: physician, at: T0 + S, reason: 'COPD, target 88–92 %' }]);
    const after = stream(state, T0 + 2 * S, T0 + 10 * S, 89);
    expect(shown(after)).toHaveLength(0);
  });

  it('refuses a change by anyone but a clinician', () => {
    const state = withOximeter();
    const result = setPatientLimits(state, { metric: 'spo2', low: 88 }, nurse, T0);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/only a physician/) });
    expect(result.state.limits.spo2.low).toBe(90);
    expect(result.state.limitChanges).toEqual([]);
  });

  it.each([
    [{ metric: 'spo2', low: 80 }, /between 85 and 99/],
    [{ metric: 'spo2', high: 99 }, /no high alarm limit/],
    [{ metric: 'pulseRate', low: 110, high: 100 }, /between 30 and 100/],
    [{ metric: 'pulseRate', low: 90, high: 80 }, /must be below the high limit/],
    [{ metric: 'systolic', high: Number.POSITIVE_INFINITY }, /between 120 and 250/],
    // A request from outside naming a metric without alarm rules (the contract's type is not a runtime check).
    [{ metric: 'perfusionIndex' as 'spo2', low: 1 }, /^perfusionIndex has no alarm limits$/],
  ] as const)('refuses %o', (request, message) => {
    expect(setPatientLimits(withOximeter(), request, physician, T0)).toMatchObject({ ok: false, error: expect.stringMatching(message) });
  });

  it('applies a tightened limit to the current value, with the alarm-condition delay', () => {
    let state = stream(withOximeter(), T0, T0 + 3 * S, 92);
    state = ok(setPatientLimits(state, { metric: 'spo2', low: 94, reason: 'target above 94 %' }, physician, T0 + 4 * S));
    state = stream(state, T0 + 5 * S, T0 + 9 * S, 92);
    expect(shown(state)).toHaveLength(0);
    state = stream(state, T0 + 10 * S, T0 + 10 * S, 92);
    expect(only(state).alarm).toMatchObject({ limit: 94, value: 92 });
  });
});

describe('anti-flood', () => {
  it('a device that keeps dropping out produces one alarm condition, not a storm', () => {
    let state = stream(withOximeter(), T0, T0, 97);
    for (let cycle = 0; cycle < 15; cycle++) {
      const start = T0 + S + cycle * 8 * S;
      state = applyDevices(state, [], start);
      state = tickAlarms(state, start + 4 * S);
      state = applyDevices(state, [device('oximeter')], start + 4 * S);
      state = stream(state, start + 5 * S, start + 7 * S, 97);
    }
    expect(state.log).toHaveLength(1);
    expect(state.log[0]).toMatchObject({ key: 'technical:oximeter:disconnected', recurrences: 14 });
    expect(state.alarms).toHaveLength(1);
    expect(state.nextAlarmNumber).toBe(2);
  });

  it('a value hovering around a limit produces one alarm', () => {
    let state = withOximeter();
    state = stream(state, T0, T0 + 300 * S, (t) => (Math.floor((t - T0) / (10 * S)) % 2 === 0 ? 84 : 91), 75);
    expect(state.log).toHaveLength(1);
    expect(state.log[0]!.recurrences).toBeGreaterThan(10);
  });

  it('raises a new alarm once the condition has stayed away past the re-raise window', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    state = stream(state, T0 + 7 * S, T0 + 40 * S, 97, 80);
    state = stream(state, T0 + 41 * S, T0 + 47 * S, 97, 130);
    expect(state.log.map((entry) => entry.alarmId)).toEqual(['A1', 'A2']);
  });
});

describe('state as data', () => {
  it('survives a JSON round trip unchanged and is never mutated in place', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    state = ok(setPatientLimits(state, { metric: 'pulseRate', high: 110, reason: 'tachycardia watch' }, physician, T0 + 7 * S));
    state = ok(pauseAudio(state, nurse, T0 + 8 * S));
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);

    const frozen = JSON.stringify(state);
    stream(state, T0 + 9 * S, T0 + 20 * S, 97, 140);
    acknowledgeAlarm(state, 'A1', nurse, T0 + 21 * S);
    expect(JSON.stringify(state)).toBe(frozen);
  });

  it('keeps the log bounded, dropping the oldest closed entries first', () => {
    let state = applyDevices(createAlarmEngine(T0, { maxLogEntries: 5 }), [device('cuff')], T0);
    for (let i = 0; i < 8; i++) {
      state = applyReading(state, reading('systolic', 80, T0 + i * 60 * S, 'cuff', 'mm[Hg]'));
      state = applyReading(state, reading('systolic', 120, T0 + i * 60 * S + S, 'cuff', 'mm[Hg]'));
    }
    expect(state.log.map((entry) => entry.alarmId)).toEqual(['A4', 'A5', 'A6', 'A7', 'A8']);
  });
});

describe('limits, staleness and the clock, at their exact boundaries', () => {
  it('alarms only beyond a limit: a value exactly at the limit is inside it', () => {
    let state = stream(withOximeter(), T0, T0 + 10 * S, 90, 120);
    expect(shown(state)).toHaveLength(0);
    state = applyDevices(state, [device('oximeter'), device('cuff')], T0 + 11 * S);
    state = applyReading(state, reading('systolic', 90, T0 + 11 * S, 'cuff', 'mm[Hg]'));
    state = applyReading(state, reading('diastolic', 40, T0 + 11 * S, 'cuff', 'mm[Hg]'));
    expect(shown(state)).toHaveLength(0);
    state = applyReading(state, reading('systolic', 180, T0 + 12 * S, 'cuff', 'mm[Hg]'));
    expect(shown(state)).toHaveLength(0);
    state = applyReading(state, reading('systolic', 180.5, T0 + 13 * S, 'cuff', 'mm[Hg]'));
    expect(only(state).alarm).toMatchObject({ key: 'physiological:systolic:high', limit: 180 });
  });

  it('ends a physiological condition once its value is older than the expected interval, not before', () => {
    // Pulse 130 for 7 s raises a medium alarm; then the oximeter stays listed as streaming but sends nothing.
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    expect(only(state).alarm.key).toBe('physiological:pulseRate:high');
    state = tickAlarms(state, T0 + 16 * S);
    expect(shown(state).map((a) => a.alarm.key)).toContain('physiological:pulseRate:high');
    state = tickAlarms(state, T0 + 16 * S + 1);
    // The last pulse is 10 s old: no longer shown as current; the silence is its own alarm.
    expect(shown(state).map((a) => a.alarm.key).sort()).toEqual(['technical:oximeter:no-data:pulseRate', 'technical:oximeter:no-data:spo2']);
    expect(state.log[0]).toMatchObject({ key: 'physiological:pulseRate:high', clearedAt: T0 + 16 * S + 1 });
  });

  it('continues an alarm whose condition returns just inside the re-raise window, and raises a new one at its end', () => {
    // Systolic has no alarm-condition delay, so the return is judged at the very reading.
    const base = applyDevices(createAlarmEngine(T0), [device('cuff')], T0);
    let state = applyReading(base, reading('systolic', 80, T0, 'cuff', 'mm[Hg]'));
    state = applyReading(state, reading('systolic', 120, T0 + S, 'cuff', 'mm[Hg]'));
    const inside = applyReading(state, reading('systolic', 80, T0 + 31 * S - 1, 'cuff', 'mm[Hg]'));
    expect(inside.log).toEqual([expect.objectContaining({ alarmId: 'A1', recurrences: 1, clearedAt: null })]);
    const atEnd = applyReading(state, reading('systolic', 80, T0 + 31 * S, 'cuff', 'mm[Hg]'));
    expect(atEnd.log.map((entry) => entry.alarmId)).toEqual(['A1', 'A2']);
  });

  it('does not turn its clock back for a reading that arrives late', () => {
    let state = stream(withOximeter(), T0, T0 + 60 * S, 97);
    state = applyReading(state, reading('spo2', 97, T0 + 30 * S));
    expect(state.now).toBe(T0 + 60 * S);
  });
});

describe('alarm bookkeeping a clinician reads', () => {
  it('names a lost device and a weak signal in the message', () => {
    let state = stream(withOximeter(), T0, T0 + 5 * S, 97);
    state = applyDevices(state, [device('cuff', { condition: 'weak-signal' })], T0 + 6 * S);
    state = tickAlarms(state, T0 + 16 * S);
    expect(shown(state).map((a) => a.announcement)).toEqual([
      'Medium priority alarm: oximeter disconnected. Not acknowledged.',
      'Low priority alarm: cuff: weak signal. Not acknowledged.',
    ]);
  });

  it('gives a pulse in words, with its unit, in the announcement', () => {
    const state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    expect(only(state).announcement).toBe('Medium priority alarm: Pulse high, 130 per minute (limit 120 per minute). Not acknowledged.');
  });

  it('records the clearing of the alarm that ended, not of the newest one', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    state = stream(state, T0 + 7 * S, T0 + 13 * S, 84, 130);
    expect(state.log.map((entry) => entry.key)).toEqual(['physiological:pulseRate:high', 'physiological:spo2:low']);
    state = stream(state, T0 + 14 * S, T0 + 14 * S, 84, 80);
    expect(state.log.map((entry) => entry.clearedAt)).toEqual([T0 + 14 * S, null]);
  });

  it('counts no recurrence while a condition simply persists, and logs no worst value for a technical alarm', () => {
    let state = stream(withOximeter(), T0, T0 + 60 * S, 84);
    expect(state.log).toEqual([expect.objectContaining({ key: 'physiological:spo2:low', recurrences: 0, worstValue: 84 })]);
    state = applyDevices(state, [], T0 + 61 * S);
    for (let t = T0 + 64 * S; t <= T0 + 70 * S; t += S) state = tickAlarms(state, t);
    expect(state.log[1]).toMatchObject({ key: 'technical:oximeter:disconnected', firstValue: null, worstValue: null, recurrences: 0 });
  });

  it('keeps a returning high alarm unlatched, so acknowledging it silences it but keeps it on screen while the condition lasts', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    state = stream(state, T0 + 7 * S, T0 + 7 * S, 96);
    expect(only(state).alarm.latched).toBe(true);
    state = stream(state, T0 + 8 * S, T0 + 14 * S, 84);
    expect(only(state).alarm).toMatchObject({ conditionPresent: true, latched: false, recurrences: 1 });
    state = ok(acknowledgeAlarm(state, 'A1', nurse, T0 + 15 * S));
    expect(only(state)).toMatchObject({ audible: false, alarm: { id: 'A1', conditionPresent: true } });
  });

  it('does not latch a technical alarm, even one escalated to high priority', () => {
    let state = stream(withOximeter(), T0, T0, 97);
    state = applyDevices(state, [], T0 + S);
    state = tickAlarms(state, T0 + 4 * S);
    state = tickAlarms(state, T0 + 130 * S);
    expect(only(state).alarm).toMatchObject({ key: 'technical:oximeter:disconnected', priority: 'high' });
    state = applyDevices(state, [device('oximeter')], T0 + 131 * S);
    expect(state.alarms.find((alarm) => alarm.id === 'A1')).toMatchObject({ key: 'technical:oximeter:disconnected', conditionPresent: false, latched: false });
    expect(shown(state).map((a) => a.alarm.key)).not.toContain('technical:oximeter:disconnected');
  });
});

describe('escalation limits', () => {
  it('never escalates when escalation is configured off', () => {
    let state = applyDevices(createAlarmEngine(T0, { escalateAfterMs: null }), [device('cuff')], T0);
    state = applyReading(state, reading('systolic', 80, T0, 'cuff', 'mm[Hg]'));
    state = tickAlarms(state, T0 + 1_000 * S);
    expect(only(state).alarm).toMatchObject({ priority: 'medium', escalatedAt: null });
  });

  it('escalates a low alarm one level only, however long it goes on', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('thermometer')], T0);
    state = applyReading(state, reading('bodyTemperature', 39.6, T0, 'thermometer', 'Cel'));
    state = tickAlarms(state, T0 + 200 * S);
    state = tickAlarms(state, T0 + 400 * S);
    expect(only(state).alarm).toMatchObject({ basePriority: 'low', priority: 'medium', escalatedAt: T0 + 200 * S });
  });

  it('leaves a high alarm as it is, so an audio pause keeps covering it', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    state = ok(pauseAudio(state, nurse, T0 + 7 * S, 300 * S));
    state = stream(state, T0 + 8 * S, T0 + 200 * S, 84);
    expect(only(state).alarm.escalatedAt).toBeNull();
    expect(state.log[0]!.escalatedAt).toBeNull();
    expect(presentAlarms(state, state.now).audiblePriority).toBeNull();
  });
});

describe('acknowledging the right alarm', () => {
  it('acknowledges the alarm named, not another one shown', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    state = stream(state, T0 + 7 * S, T0 + 13 * S, 84, 130);
    state = ok(acknowledgeAlarm(state, 'A2', nurse, T0 + 14 * S));
    expect(shown(state).map((a) => [a.alarm.id, a.alarm.acknowledged?.by ?? null])).toEqual([
      ['A2', nurse],
      ['A1', null],
    ]);
  });

  it('refuses to acknowledge an alarm that ended without latching and is no longer shown', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    state = stream(state, T0 + 7 * S, T0 + 7 * S, 97, 80);
    expect(state.alarms).toHaveLength(1);
    expect(acknowledgeAlarm(state, 'A1', nurse, T0 + 8 * S)).toMatchObject({ ok: false, error: 'no active alarm A1' });
  });

  it('keeps following the device of an acknowledged physiological alarm', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    state = ok(acknowledgeAlarm(state, 'A1', nurse, T0 + 7 * S));
    state = tickAlarms(state, T0 + 8 * S);
    expect(only(state).alarm).toMatchObject({ id: 'A1', conditionPresent: true });
    expect(state.devices.oximeter).toBeDefined();
  });

  it('closing a latched alarm leaves every other alarm on screen', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84, 130);
    state = stream(state, T0 + 7 * S, T0 + 7 * S, 96, 130);
    expect(shown(state).map((a) => [a.alarm.id, a.alarm.latched])).toEqual([
      ['A1', true],
      ['A2', false],
    ]);
    state = ok(acknowledgeAlarm(state, 'A1', nurse, T0 + 8 * S));
    expect(shown(state).map((a) => a.alarm.id)).toEqual(['A2']);
  });

  it('forgets only the values of a device whose disconnection was acknowledged', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('oximeter'), device('cuff')], T0);
    state = applyReading(state, reading('systolic', 80, T0, 'cuff', 'mm[Hg]'));
    state = stream(state, T0, T0 + 2 * S, 97);
    state = applyDevices(state, [device('cuff')], T0 + 3 * S);
    state = tickAlarms(state, T0 + 6 * S);
    const lost = shown(state).find((a) => a.alarm.key === 'technical:oximeter:disconnected')!;
    state = ok(acknowledgeAlarm(state, lost.alarm.id, nurse, T0 + 7 * S));
    state = tickAlarms(state, T0 + 8 * S);
    expect(shown(state).map((a) => a.alarm.key)).toEqual(['physiological:systolic:low']);
  });

  it('does not judge a forgotten device\'s old value as current when it is plugged in again', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('cuff')], T0);
    state = applyReading(state, reading('systolic', 80, T0, 'cuff', 'mm[Hg]'));
    state = applyDevices(state, [], T0 + S);
    state = tickAlarms(state, T0 + 4 * S);
    state = ok(acknowledgeAlarm(state, only(state).alarm.id, nurse, T0 + 5 * S));
    state = applyDevices(state, [device('cuff', { state: 'idle' })], T0 + 6 * S);
    expect(shown(state)).toEqual([]);
  });
});

describe('a device known only from its readings', () => {
  it('is followed like a streaming one: its silence raises no-data', () => {
    let state = createAlarmEngine(T0);
    state = applyReading(state, reading('spo2', 97, T0));
    state = tickAlarms(state, T0 + 10 * S + 1);
    expect(only(state).alarm.key).toBe('technical:oximeter:no-data:spo2');
  });

  it('counts as connected: its disappearance from the hub\'s list raises a disconnection', () => {
    let state = applyReading(createAlarmEngine(T0), reading('spo2', 97, T0));
    state = applyDevices(state, [], T0 + S);
    state = tickAlarms(state, T0 + 4 * S);
    expect(only(state).alarm.key).toBe('technical:oximeter:disconnected');
  });
});

describe('the log limit', () => {
  it('never drops the entry of an alarm still open, however old', () => {
    let state = applyDevices(createAlarmEngine(T0, { maxLogEntries: 3 }), [device('cuff')], T0);
    state = applyReading(state, reading('glucose', 60, T0, 'cuff', 'mg/dL'));
    for (let i = 1; i <= 4; i++) {
      state = applyReading(state, reading('systolic', 80, T0 + i * 60 * S, 'cuff', 'mm[Hg]'));
      state = applyReading(state, reading('systolic', 120, T0 + i * 60 * S + S, 'cuff', 'mm[Hg]'));
    }
    expect(only(state).alarm).toMatchObject({ id: 'A1', key: 'physiological:glucose:low' });
    expect(state.log.map((entry) => entry.alarmId)).toEqual(['A1', 'A4', 'A5']);
  });

  it('keeps every open alarm\'s entry even when they alone exceed the limit', () => {
    let state = applyDevices(createAlarmEngine(T0, { maxLogEntries: 1 }), [device('cuff')], T0);
    state = applyReading(state, reading('systolic', 80, T0, 'cuff', 'mm[Hg]'));
    state = applyReading(state, reading('diastolic', 30, T0, 'cuff', 'mm[Hg]'));
    expect(state.log.map((entry) => entry.key)).toEqual(['physiological:systolic:low', 'physiological:diastolic:low']);
  });
});

describe('standby between patients', () => {
  it('closes every open alarm, logging when it ended, and raises nothing while no patient is connected', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    state = enterStandby(state, T0 + 7 * S);
    expect(state.standby).toBe(true);
    expect(shown(state)).toEqual([]);
    expect(state.log[0]).toMatchObject({ key: 'physiological:spo2:low', clearedAt: T0 + 7 * S });
    state = stream(state, T0 + 8 * S, T0 + 60 * S, 84);
    state = applyDevices(state, [], T0 + 61 * S);
    state = tickAlarms(state, T0 + 120 * S);
    expect(shown(state)).toEqual([]);
    expect(state.log).toHaveLength(1);
  });

  it('judges the readings present when standby ends, each condition after its own delay from then', () => {
    let state = enterStandby(withOximeter(), T0);
    state = stream(state, T0 + S, T0 + 10 * S, 84);
    state = leaveStandby(state, T0 + 10 * S);
    expect(state.standby).toBe(false);
    state = stream(state, T0 + 11 * S, T0 + 15 * S, 84);
    expect(shown(state)).toEqual([]);
    state = stream(state, T0 + 16 * S, T0 + 16 * S, 84);
    expect(only(state).alarm).toMatchObject({ key: 'physiological:spo2:low', raisedAt: T0 + 16 * S });
  });
});

describe('what sounds and in what order', () => {
  it('lists alarms of one priority oldest first', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('oximeter'), device('cuff')], T0);
    state = stream(state, T0, T0 + 6 * S, 97, 130);
    state = applyReading(state, reading('systolic', 80, T0 + 7 * S, 'cuff', 'mm[Hg]'));
    state = applyReading(state, reading('diastolic', 30, T0 + 8 * S, 'cuff', 'mm[Hg]'));
    expect(shown(state).map((a) => a.alarm.key)).toEqual(['physiological:pulseRate:high', 'physiological:systolic:low', 'physiological:diastolic:low']);
  });

  it('lists an alarm raised from a reading that arrived late before a newer one of the same priority', () => {
    let state = applyDevices(createAlarmEngine(T0), [device('cuff')], T0);
    state = applyReading(state, reading('systolic', 80, T0 + 10 * S, 'cuff', 'mm[Hg]'));
    state = applyReading(state, reading('diastolic', 30, T0 + 5 * S, 'cuff', 'mm[Hg]'));
    expect(shown(state).map((a) => [a.alarm.key, a.alarm.raisedAt])).toEqual([
      ['physiological:diastolic:low', T0 + 5 * S],
      ['physiological:systolic:low', T0 + 10 * S],
    ]);
  });

  it('sounds the medium signal for a medium alarm alone', () => {
    const state = stream(withOximeter(), T0, T0 + 6 * S, 97, 130);
    expect(presentAlarms(state, state.now).audiblePriority).toBe('medium');
  });

  it('silences an alarm raised at the very moment of the pause, and sounds again from the moment the pause ends', () => {
    let state = stream(withOximeter(), T0, T0 + 6 * S, 84);
    state = ok(pauseAudio(state, nurse, T0 + 6 * S, 60 * S));
    expect(presentAlarms(state, T0 + 66 * S - 1)).toMatchObject({ audiblePriority: null, audioPausedUntil: T0 + 66 * S });
    expect(presentAlarms(state, T0 + 66 * S)).toMatchObject({ audiblePriority: 'high', audioPausedUntil: null });
  });

  it('says how long a pause may last when it refuses one', () => {
    expect(pauseAudio(withOximeter(), nurse, T0, 301 * S)).toMatchObject({ ok: false, error: 'audio pause must last more than 0 and at most 300 s' });
  });
});

describe('glucose from a meter download (stored readings carry the meter clock)', () => {
  /** A zone-less device time (the meter's local wall clock) for station time `at`. */
  const meterClock = (at: number): string => {
    const d = new Date(at);
    const two = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
  };
  const stored = (value: number, measuredAt: number, receivedAt: number): StationReading =>
    stationReading({ source: 'glucometer', deviceId: 'meter', metric: 'glucose', value, unit: 'mg/dL', deviceTime: meterClock(measuredAt), receivedAt, seq: seq++ });
  const MINUTE = 60 * S;
  const withMeter = () => applyDevices(createAlarmEngine(T0), [device('meter')], T0);

  it('a hypoglycaemia (ADA level 1, < 70 mg/dL) measured just now raises a high-priority alarm', () => {
    const state = applyReading(withMeter(), stored(60, T0 + 10 * MINUTE, T0 + 10 * MINUTE + 5 * S));
    expect(only(state).alarm).toMatchObject({ key: 'physiological:glucose:low', priority: 'high' });
  });

  it('an old stored result is not a current condition: a hypoglycaemia measured two hours before the download raises nothing', () => {
    const state = applyReading(withMeter(), stored(50, T0, T0 + 120 * MINUTE));
    expect(shown(state)).toEqual([]);
  });

  it('an older stored result arriving later does not replace a newer value', () => {
    let state = applyReading(withMeter(), stored(60, T0 + 100 * MINUTE, T0 + 101 * MINUTE));
    expect(only(state).alarm.key).toBe('physiological:glucose:low');
    state = applyReading(state, stored(110, T0 + 90 * MINUTE, T0 + 101 * MINUTE + S));
    expect(only(state).alarm.key).toBe('physiological:glucose:low');
  });
});
