import { describe, expect, it } from 'vitest';
import { stationReading } from '../../shared/contract';
import type { ReadingEntry } from '../station/station-model';
import { trendSegments } from './TrendChart';

const entry = (measuredAt: number, value: number): ReadingEntry => ({
  reading: stationReading({ source: 'pulse-oximeter', deviceId: 'ox', metric: 'spo2', value, unit: '%', deviceTime: null, receivedAt: measuredAt, seq: measuredAt }),
  measuredAt,
  continuous: true,
});

describe('trendSegments', () => {
  it('breaks the line where the metric went stale between readings and spans the value range', () => {
    const trend = trendSegments([entry(0, 95), entry(1_000, 97), entry(20_000, 99)], 'spo2')!;
    expect(trend.segments.map((segment) => segment.length)).toEqual([2, 1]);
    expect([trend.min, trend.max]).toEqual([95, 99]);
    const [[first], [last]] = [trend.segments[0]!, trend.segments[1]!];
    expect(first![0]).toBeLessThan(last![0]);
    expect(first![1]).toBeGreaterThan(last![1]);
  });

  it('has nothing to draw without readings', () => {
    expect(trendSegments([], 'spo2')).toBeNull();
  });
});
