import { describe, expect, it } from 'vitest';
import { isContinuous, minuteStartOf, minuteStatistics, parseSummaryRecordId, summaryDueAt, summaryRecordId, SUMMARY_GRACE_MS } from './minute-summaries';

const AT = Date.UTC(2025, 0, 15, 9, 0, 0);
const percent = (...values: number[]) => values.map((value) => ({ value, unit: '%' as const }));

describe('minute summary maths', () => {
  it('takes the middle value of an odd count, whatever the order the readings came in', () => {
    expect(minuteStatistics(percent(97, 91, 99, 95, 96))).toEqual({ median: 96, min: 91, max: 99, count: 5, unit: '%' });
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(minuteStatistics(percent(90, 96, 94, 100))).toMatchObject({ median: 95, min: 90, max: 100, count: 4 });
  });

  it('gives the median at the resolution of the source, a tie to the even neighbour', () => {
    // Whole percent from the oximeter: 96.5 and 97.5 are ties, each rounded to the even neighbour.
    expect(minuteStatistics(percent(96, 97)).median).toBe(96);
    expect(minuteStatistics(percent(97, 98)).median).toBe(98);
    // A perfusion index in tenths keeps its tenths (1.25 is a tie: 1.2); 1.3 and 1.6 give 1.45 -> 1.4.
    expect(minuteStatistics(percent(1.2, 1.3)).median).toBe(1.2);
    expect(minuteStatistics(percent(1.3, 1.6, 0.9, 2.0)).median).toBe(1.4);
    expect(minuteStatistics(percent(1.3, 1.8)).median).toBe(1.6);
    // One value with hundredths makes the resolution hundredths.
    expect(minuteStatistics(percent(1.25, 1.3)).median).toBe(1.28);
  });

  it('summarises a single reading as itself and refuses none or mixed units', () => {
    expect(minuteStatistics(percent(88))).toEqual({ median: 88, min: 88, max: 88, count: 1, unit: '%' });
    expect(() => minuteStatistics([])).toThrow(/at least one reading/);
    expect(() => minuteStatistics([{ value: 1, unit: '%' }, { value: 60, unit: '/min' }])).toThrow(/one unit/);
  });
});

describe('which readings are summarised, and when a summary falls due', () => {
  it("summarises live readings of an oximeter or ECG; a cuff's, a stored one and one of unknown source go on their own", () => {
    expect(isContinuous({ source: 'pulse-oximeter', deviceTime: null })).toBe(true);
    expect(isContinuous({ source: 'ecg', deviceTime: null })).toBe(true);
    expect(isContinuous({ source: 'blood-pressure-cuff', deviceTime: null })).toBe(false);
    expect(isContinuous({ source: 'thermometer', deviceTime: null })).toBe(false);
    expect(isContinuous({ source: 'pulse-oximeter', deviceTime: '2025-01-15T08:59:00' })).toBe(false);
    expect(isContinuous({ source: null, deviceTime: null })).toBe(false);
  });

  it('is due after the end of its clock minute plus the grace, never before the minute has closed', () => {
    expect(minuteStartOf(AT + 59_999)).toBe(AT);
    expect(minuteStartOf(AT + 60_000)).toBe(AT + 60_000);
    expect(summaryDueAt(minuteStartOf(AT + 30_000))).toBe(AT + 60_000 + SUMMARY_GRACE_MS);
    expect(SUMMARY_GRACE_MS).toBeGreaterThan(0);
  });

  it('names a summary by patient, visit, device, metric and minute, and reads the name back', () => {
    const key = { patientId: 'p-1', visitId: null, deviceId: 'ox"1', metric: 'spo2' as const, minuteStart: AT };
    expect(parseSummaryRecordId(summaryRecordId(key))).toEqual(key);
    expect(summaryRecordId({ ...key, visitId: 'v-1' })).not.toBe(summaryRecordId(key));
    expect(summaryRecordId({ ...key, metric: 'pulseRate' })).not.toBe(summaryRecordId(key));
  });
});
