import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, RETRY_AFTER_CAP_MS, retryDelayMs } from './backoff';

describe('retry delay', () => {
  it('doubles its ceiling with each attempt from 1 s and stays under the 5 min cap', () => {
    const justUnderOne = () => 0.999_999;
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, null, justUnderOne))).toEqual([999, 1_999, 3_999, 7_999]);
    expect(retryDelayMs(30, null, justUnderOne)).toBe(BACKOFF_CAP_MS - 1);
    expect(retryDelayMs(1_000, null, justUnderOne)).toBe(BACKOFF_CAP_MS - 1);
  });

  it('is full jitter: anywhere from 0 to the ceiling', () => {
    expect(retryDelayMs(5, null, () => 0)).toBe(0);
    expect(retryDelayMs(5, null, () => 0.5)).toBe(8_000);
  });

  it("never comes sooner than the server's Retry-After, honoured up to an hour", () => {
    expect(retryDelayMs(1, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(20, 1_000, () => 0.5)).toBe(BACKOFF_CAP_MS / 2);
    expect(retryDelayMs(1, 7 * 86_400_000, () => 0)).toBe(RETRY_AFTER_CAP_MS);
    expect(retryDelayMs(1, -5_000, () => 0)).toBe(0);
  });
});
