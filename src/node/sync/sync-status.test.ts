import { describe, expect, it } from 'vitest';
import { summaryRecordId } from '../records/minute-summaries';
import type { Outbox, ParkedItem } from './outbox';
import { parkedReason, syncStatus } from './sync-status';

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

describe('parked items in the status', () => {
  it("show a minute summary as its metric and minute, short enough for the panel, not the patient's, visit's and device's ids", () => {
    const recordId = summaryRecordId({ patientId: 'p'.repeat(36), visitId: 'v'.repeat(36), deviceId: `serial:${'x'.repeat(150)}`, metric: 'spo2', minuteStart: Date.UTC(2025, 0, 15, 9, 1) });
    const parked: ParkedItem[] = [
      { seq: 4, kind: 'reading-summary', recordId, attempts: 1, outcome: '{}', parkedAt: 1 },
      { seq: 5, kind: 'reading', recordId: '17', attempts: 1, outcome: '{}', parkedAt: 1 },
    ];
    const outbox: Pick<Outbox, 'counts' | 'parked'> = {
      counts: () => ({ waiting: 0, inFlight: 0, parked: 2, sent: 0, oldestWaitingAt: null, lastSentAt: null }),
      parked: () => parked,
    };
    expect(syncStatus(outbox, null).parkedItems.map((item) => item.recordId)).toEqual(['spo2 2025-01-15T09:01Z', '17']);
  });
});
