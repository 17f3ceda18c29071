/**
 * Virtual time for replays. Time only moves when everything running on the clock is waiting:
 * after the current macrotask has drained its microtasks, the clock jumps to the earliest pending
 * wake-up. A replay therefore runs as fast as the CPU allows, in a deterministic order, and a
 * driver's timeouts and sleeps behave as they would live.
 */

/** The time a ReplayIo runs on: virtual (as fast as the CPU allows) or paced at recorded speed. */
export interface ReplayClock {
  now(): number;
  /** Resolves once the clock reaches `at`, or as soon as `cancel` aborts. */
  until(at: number, cancel?: AbortSignal): Promise<void>;
}

interface Timer {
  at: number;
  wake: () => void;
}

export class VirtualClock implements ReplayClock {
  private current = 0;
  private readonly timers = new Set<Timer>();
  private advanceScheduled = false;

  now(): number {
    return this.current;
  }

  /** Resolves once virtual time reaches `at`, or as soon as `cancel` aborts (without moving time). */
  until(at: number, cancel?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (cancel?.aborted) return resolve();
      const timer: Timer = {
        at,
        wake: () => {
          this.timers.delete(timer);
          cancel?.removeEventListener('abort', timer.wake);
          resolve();
        },
      };
      this.timers.add(timer);
      cancel?.addEventListener('abort', timer.wake, { once: true });
      this.scheduleAdvance();
    });
  }

  private scheduleAdvance(): void {
    if (this.advanceScheduled) return;
    this.advanceScheduled = true;
    setImmediate(() => {
      this.advanceScheduled = false;
      this.advance();
    });
  }

  private advance(): void {
    if (this.timers.size === 0) return;
    const earliest = Math.min(...Array.from(this.timers, (t) => t.at));
    this.current = Math.max(this.current, earliest);
    for (const timer of [...this.timers]) {
      if (timer.at <= this.current) timer.wake();
    }
    this.scheduleAdvance();
  }
}
