import { describe, expect, it } from 'vitest';
import { envelope } from './trend-chart';

const reading = (second: number, value: number) => ({ receivedAt: second * 1000, value, deviceTime: null });

describe('a trend chart’s line', () => {
  it('keeps each column’s lowest and highest reading in the order they came, one point per column at most twice', () => {
    // 1,800 readings at 1 Hz on 200 columns: 9 readings a column, one brief dip to 85 in column 100.
    const run = Array.from({ length: 1_800 }, (_, second) => reading(second, second === 903 ? 85 : 97 - (second % 2)));
    const xOf = (at: number) => (at / 1_800_000) * 200;
    const points = envelope(run, xOf);
    expect(points.length).toBeLessThanOrEqual(2 * 201);
    expect(points.filter((point) => point.value === 85)).toEqual([{ x: 100, value: 85 }]);
    const column = points.filter((point) => point.x === 100);
    // Column 100 holds seconds 896 to 904: 97 comes first (second 896), the dip later (903).
    expect(column).toEqual([
      { x: 100, value: 97 },
      { x: 100, value: 85 },
    ]);
  });

  it('draws a flat column as one point', () => {
    expect(envelope([reading(0, 97), reading(1, 97)], () => 5)).toEqual([{ x: 5, value: 97 }]);
  });
});
