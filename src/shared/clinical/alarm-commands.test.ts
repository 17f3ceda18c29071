import { describe, expect, it } from 'vitest';
import { stationReading } from '../contract';
import type { Actor } from './actor';
import { applyAlarmCommand } from './alarm-commands';
import { applyReading, createAlarmEngine } from './alarm-engine';

const T0 = 1_750_000_000_000;
const physician: Actor = { id: 'c1', name: 'Dr Lee', role: 'physician' };

describe('alarm commands from outside', () => {
  const withAlarm = () =>
    applyReading(createAlarmEngine(T0), stationReading({ source: 'pulse-oximeter', deviceId: 'cuff', metric: 'systolic', value: 80, unit: 'mm[Hg]', deviceTime: null, receivedAt: T0, seq: 0 }));

  it('acknowledges, pauses and changes limits through validated messages', () => {
    let result = applyAlarmCommand(withAlarm(), { type: 'acknowledge', alarmId: 'A1' }, physician, T0 + 1);
    expect(result.ok && result.state.alarms[0]!.acknowledged).toEqual({ by: physician, at: T0 + 1 });
    result = applyAlarmCommand(result.state, { type: 'pause-audio', durationMs: 60_000 }, physician, T0 + 2);
    expect(result.ok && result.state.audioPause?.until).toBe(T0 + 60_002);
    result = applyAlarmCommand(result.state, { type: 'set-limits', metric: 'systolic', low: 75, reason: 'known hypotension' }, physician, T0 + 3);
    expect(result.ok && result.state.limitChanges).toEqual([
      { metric: 'systolic', side: 'low', oldValue: 90, newValue: 75, by: physician, at: T0 + 3, reason: 'known hypotension' },
    ]);
  });

  it.each([[{}], [{ reason: '' }], [{ reason: '   ' }]])('refuses a change of limits without a reason (%j) and leaves the state alone', (reason) => {
    const state = withAlarm();
    const result = applyAlarmCommand(state, { type: 'set-limits', metric: 'systolic', low: 75, ...reason }, physician, T0 + 1);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^a change of the .+ alarm limits needs a reason/) });
    expect(result.state).toBe(state);
  });

  it('files the reason without the spaces around it', () => {
    const result = applyAlarmCommand(withAlarm(), { type: 'set-limits', metric: 'systolic', low: 75, reason: '  known hypotension \n' }, physician, T0 + 1);
    expect(result.ok && result.state.limitChanges.map((change) => change.reason)).toEqual(['known hypotension']);
  });

  it('says which field of a refused command is wrong, each of them, or that the command as a whole is', () => {
    const state = withAlarm();
    expect(applyAlarmCommand(state, null, physician, T0 + 1)).toMatchObject({ error: 'invalid alarm command (command: Invalid input: expected object, received null)' });
    expect(applyAlarmCommand(state, { type: 'set-limits', metric: 'spo2', low: '85', high: '95' }, physician, T0 + 1)).toMatchObject({
      error: 'invalid alarm command (low: Invalid input: expected number, received string; high: Invalid input: expected number, received string)',
    });
  });

  it.each([
    [null],
    ['acknowledge'],
    [{ type: 'silence-everything' }],
    [{ type: 'acknowledge' }],
    [{ type: 'acknowledge', alarmId: 'A1', role: 'physician' }],
    [{ type: 'set-limits', metric: 'spo2', low: '85' }],
    [{ type: 'set-limits', metric: 'bodyWeight', low: 50 }],
    [{ type: 'pause-audio', durationMs: Number.POSITIVE_INFINITY }],
  ])('refuses %j with a clear error and leaves the state alone', (message) => {
    const state = withAlarm();
    const result = applyAlarmCommand(state, message, physician, T0 + 1);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid alarm command \(.+\)$/) });
    expect(result.state).toBe(state);
  });
});
