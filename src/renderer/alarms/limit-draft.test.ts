import { describe, expect, it } from 'vitest';
import { REASON_NEEDED, limitDraftProblems } from './limit-draft';

describe('a row of the alarm-limit editor', () => {
  it('names an out-of-range value in the safe bounds of its side and unit', () => {
    expect(limitDraftProblems('pulseRate', { low: '', high: '300', reason: 'athlete' })).toEqual({ high: 'Pulse high limit must be between 60 and 200 /min' });
  });

  it('refuses a change without a reason', () => {
    expect(limitDraftProblems('pulseRate', { low: '', high: '130', reason: '  ' })).toEqual({ reason: REASON_NEEDED });
  });

  it('says a value that is no number is no number, and accepts a row inside the bounds with a reason', () => {
    expect(limitDraftProblems('spo2', { low: 'abc', high: '', reason: 'COPD' })).toEqual({ low: 'SpO₂ low limit must be a number' });
    expect(limitDraftProblems('spo2', { low: '88', high: '', reason: 'COPD' })).toEqual({});
  });
});
