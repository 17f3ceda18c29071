/**
 * Time for the simulator. Every simulated device, and the scenario player, reads and waits on one
 * Clock, so a whole session runs in wall time in the station and in virtual time in tests.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface Clock {
  now(): number;
  /** Resolves after ms on this clock; rejects with signal.reason if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function checkDelay(ms: number): number {
  if (!Number.isFinite(ms)) throw new RangeError(`sleep needs a finite number of milliseconds, got ${ms}`);
  return Math.max(0, ms);
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(checkDelay(ms), undefined, { signal }),
};

interface Timer {
  at: number;
  order: number;
  resolve(): void;
}

/** Lets every promise chain that is ready run to its next wait before time moves on. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when told to. advance() wakes sleepers one at a time in due order and
 * lets each run until it waits again, so timelines behave as they would in real time. Unlike the
 * replay clock (capture/virtual-clock.ts), which jumps ahead whenever everything waits, this one
 * suits sources that never end: the test decides how much simulated time passes.
 */
export class ManualClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #order = 0;

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const at = this.#now + checkDelay(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      const timer: Timer = {
        at,
        order: this.#order++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  async advance(ms: number): Promise<void> {
    const target = this.#now + checkDelay(ms);
    await settle();
    for (let next = this.#nextDue(target); next; next = this.#nextDue(target)) {
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = next.at;
      next.resolve();
      await settle();
    }
    this.#now = target;
  }

  #nextDue(limit: number): Timer | undefined {
    let earliest: Timer | undefined;
    for (const timer of this.#timers) {
      if (timer.at > limit) continue;
      if (!earliest || timer.at < earliest.at || (timer.at === earliest.at && timer.order < earliest.order)) earliest = timer;
    }
    return earliest;
  }
}
