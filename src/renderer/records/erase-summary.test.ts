import { describe, expect, it } from 'vitest';
import { erasedSummary } from './EraseDialog';

describe('the erasure notice', () => {
  it('names every kind of record the station erases in words, never by its table name', () => {
    const summary = erasedSummary({ patients: 1, outbox: 6, readings: 3, news2_charted: 2, news2_scores: 1, visits: 1 });
    expect(summary).toBe('removed 1 patient record, 6 FHIR sync queue entries, 3 readings, 2 NEWS2 observations, 1 NEWS2 score, 1 visit');
    expect(summary).not.toMatch(/_|outbox/);
  });
});
