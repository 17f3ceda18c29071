/** A token bucket per connection: `burst` messages at once, refilled at `perSecond`. */
export class TokenBucket {
  readonly #burst: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(options: { burst: number; perSecond: number; now: () => number }) {
    this.#burst = options.burst;
    this.#perMs = options.perSecond / 1000;
    this.#now = options.now;
    this.#tokens = options.burst;
    this.#updatedAt = options.now();
  }

  /** Takes one token; false when the bucket is empty (the message must be dropped). */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** How long until the bucket holds `tokens` (at most the burst); 0 when it does now. */
  msUntil(tokens: number): number {
    this.#refill();
    return Math.max(0, (Math.min(tokens, this.#burst) - this.#tokens) / this.#perMs);
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#perMs);
    this.#updatedAt = now;
  }
}
