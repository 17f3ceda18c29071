/**
 * What one contract connection may ask of the station: a sustained request rate with a burst, and
 * a number of requests in flight. A client past either limit stops being read (backpressure: its
 * further messages wait in its own buffers, costing the station nothing) until it is within them
 * again; the few messages that still arrive meanwhile (the rest of a network read) are refused as
 * busy. Unanswered output is bounded separately (web-host.ts closes a socket that does not read).
 */
import { TokenBucket } from '../consult/rate-limiter';

export interface RequestLimits {
  /** Requests at once after a quiet spell (the page's start-up, a burst of clicks). */
  burst: number;
  perSecond: number;
  /** Requests received and not yet answered. */
  inFlight: number;
}

/** Far above what a screen sends (a few requests per click, activity reports every few seconds). */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = { burst: 100, perSecond: 50, inFlight: 16 };

/** The part of a socket that stops and restarts reading. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

export class ConnectionLimits {
  readonly #bucket: TokenBucket;
  #inFlight = 0;
  #paused = false;
  #refillTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly socket: Pausable,
    private readonly limits: RequestLimits = DEFAULT_REQUEST_LIMITS,
    now: () => number = Date.now,
  ) {
    this.#bucket = new TokenBucket({ burst: limits.burst, perSecond: limits.perSecond, now });
  }

  /** A request arrived: true to serve it (call `done` once answered), false to refuse it as busy. */
  admit(): boolean {
    const admitted = this.#inFlight < this.limits.inFlight && this.#bucket.take();
    if (admitted) this.#inFlight += 1;
    this.#update();
    return admitted;
  }

  done(): void {
    this.#inFlight -= 1;
    this.#update();
  }

  close(): void {
    if (this.#refillTimer) clearTimeout(this.#refillTimer);
    this.#refillTimer = null;
  }

  #update(): void {
    if (this.#refillTimer) return;
    // Reading resumes once half the burst is back, not at each token: resuming per token would
    // read (and refuse) a whole network buffer of queued requests for every one served.
    const refillMs = this.#bucket.msUntil(1) > 0 ? this.#bucket.msUntil(this.limits.burst / 2) : 0;
    const pause = this.#inFlight >= this.limits.inFlight || refillMs > 0;
    if (pause !== this.#paused) {
      this.#paused = pause;
      if (pause) this.socket.pause();
      else this.socket.resume();
    }
    if (refillMs > 0) {
      this.#refillTimer = setTimeout(() => {
        this.#refillTimer = null;
        this.#update();
      }, refillMs);
    }
  }
}
