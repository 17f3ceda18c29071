import { describe, expect, it } from 'vitest';
import { parkedReason } from './sync-status';

describe('parked reason', () => {
  it("keeps the server's issue codes and locations, never its diagnostics (they may quote patient data)", () => {
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'invalid', diagnostics: 'value 93 refused for Imogen Fairweather', expression: ['Bundle.entry[3].resource.valueQuantity'] },
        { severity: 'warning', code: 'business-rule', details: { text: 'MRN-1 already merged' } },
      ],
    };
    expect(parkedReason(JSON.stringify(outcome))).toBe('error invalid at Bundle.entry[3].resource.valueQuantity; warning business-rule');
  });

  it('says so when the outcome is unreadable, has no issues or has words where codes belong', () => {
    expect(parkedReason('<html>')).toBe('unreadable OperationOutcome');
    expect(parkedReason('{"resourceType":"OperationOutcome"}')).toBe('OperationOutcome without issues');
    expect(parkedReason(JSON.stringify({ issue: [{ severity: 'error', code: 'Imogen Fairweather 1950-07-21' }] }))).toBe('error unknown');
    expect(parkedReason(JSON.stringify({ issue: Array.from({ length: 5 }, () => ({ code: 'invalid' })) }))).toBe('error invalid; error invalid; error invalid; and 2 more');
  });
});
