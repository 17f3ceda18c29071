import { describe, expect, it } from 'vitest';
import type { Actor } from './actor';
import { changeLimits, adultDefaultLimits, METRIC_ALARM_RULES } from './alarm-limits';

const T0 = 1_750_000_000_000;
const physician: Actor = { id: 'c1', name: 'Dr Lee', role: 'physician' };

describe('a physician changing alarm limits', () => {
  it('may set a limit exactly at either end of its safe range, and not one step outside it', () => {
    const { min, max } = METRIC_ALARM_RULES.pulseRate.high!;
    for (const high of [min, max]) expect(changeLimits(adultDefaultLimits(), { metric: 'pulseRate', high, reason: 'test of the bounds' }, physician, T0)).toMatchObject({ ok: true });
    for (const high of [min - 1, max + 1]) expect(changeLimits(adultDefaultLimits(), { metric: 'pulseRate', high, reason: 'test of the bounds' }, physician, T0)).toMatchObject({ ok: false });
  });

  it('keeps low below high: equal limits would leave no normal range and are refused', () => {
    expect(changeLimits(adultDefaultLimits(), { metric: 'pulseRate', low: 90, high: 90 }, physician, T0)).toEqual({
      ok: false,
      error: 'Pulse low limit (90) must be below the high limit (90)',
    });
    expect(changeLimits(adultDefaultLimits(), { metric: 'pulseRate', low: 89, high: 90, reason: 'narrow range ordered' }, physician, T0)).toMatchObject({ ok: true });
  });

  it('refuses a change without a reason, and files the reason without the spaces around it', () => {
    for (const reason of [undefined, '', '  \n ']) {
      expect(changeLimits(adultDefaultLimits(), { metric: 'pulseRate', high: 130, ...(reason !== undefined && { reason }) }, physician, T0)).toEqual({
        ok: false,
        error: 'a change of the Pulse alarm limits needs a reason (for example "COPD, target 88–92 %")',
      });
    }
    const changed = changeLimits(adultDefaultLimits(), { metric: 'pulseRate', high: 130, reason: '  athlete\n' }, physician, T0);
    expect(changed.ok && changed.records.map((record) => record.reason)).toEqual(['athlete']);
    // Setting a limit to what it already is changes nothing, so it needs no reason.
    const current = adultDefaultLimits();
    expect(changeLimits(current, { metric: 'pulseRate', high: current.pulseRate.high! }, physician, T0)).toEqual({ ok: true, limits: current, records: [] });
  });

  it('records only the sides whose value changes, so the audit trail names no change that was not made', () => {
    const current = adultDefaultLimits();
    const unchanged = changeLimits(current, { metric: 'pulseRate', low: current.pulseRate.low!, high: 130, reason: 'athlete' }, physician, T0);
    expect(unchanged.ok && unchanged.records).toEqual([
      { metric: 'pulseRate', side: 'high', oldValue: current.pulseRate.high, newValue: 130, by: physician, at: T0, reason: 'athlete' },
    ]);
  });
});
