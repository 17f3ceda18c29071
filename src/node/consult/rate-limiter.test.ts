import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limiter';

describe('TokenBucket', () => {
  it('allows the burst, then refills at the sustained rate and never beyond the burst', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 3, perSecond: 10, now: () => now });
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 100;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 60_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('tells how long until it holds a number of tokens', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 4, perSecond: 10, now: () => now });
    expect(bucket.msUntil(4)).toBe(0);
    while (bucket.take());
    expect(bucket.msUntil(1)).toBeCloseTo(100);
    expect(bucket.msUntil(10)).toBeCloseTo(400);
    now += 100;
    expect(bucket.msUntil(1)).toBe(0);
  });
});
