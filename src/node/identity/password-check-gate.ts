/**
 * The station's limit on password checks running at once. Each check is one scrypt (tens of MiB
 * and ~0.1 s of a libuv thread); unlimited, a spray of sign-ins fills the thread pool and every
 * other check, file read and sign-in waits behind it for minutes. A few run at once, a short queue
 * waits, and anything beyond is refused at once, so a refusal costs nothing and a real user's
 * attempt waits at most a queue's length.
 */

export interface PasswordCheckLimits {
  /** Checks running at once: below the libuv pool's 4 threads, which file I/O also needs. */
  concurrent: number;
  /** Checks waiting for a place; further ones are refused as busy. */
  queued: number;
}

export const DEFAULT_PASSWORD_CHECK_LIMITS: PasswordCheckLimits = { concurrent: 2, queued: 8 };

/** Returned instead of running the check: the station is checking as many as it takes. */
export const BUSY = Symbol('busy');

export class PasswordCheckGate {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(private readonly limits: PasswordCheckLimits = DEFAULT_PASSWORD_CHECK_LIMITS) {}

  /** Runs `check` when a place is free, or resolves BUSY at once when the queue is full too. */
  async run<T>(check: () => Promise<T>): Promise<T | typeof BUSY> {
    if (this.#running >= this.limits.concurrent) {
      if (this.#waiting.length >= this.limits.queued) return BUSY;
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await check();
    } finally {
      // The place passes straight to the next in line, so a newcomer cannot overtake the queue.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}
