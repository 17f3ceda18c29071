/**
 * When to try a failed batch again: exponential backoff with full jitter (a uniformly random delay
 * between 0 and min(cap, base * 2^(attempt-1))), so stations that lost the server together do not
 * come back together; never sooner than the server's Retry-After, which is honoured up to an hour
 * (a longer one, or a clock-skewed date, would silence the station for staff without a trace).
 */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
export const RETRY_AFTER_CAP_MS = 60 * 60_000;

/** `attempt`: 1 for the first retry. `random`: [0, 1), Math.random in production. */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, Math.min(RETRY_AFTER_CAP_MS, Math.max(0, retryAfterMs ?? 0)));
}
