/**
 * A ReplayClock that runs at the speed the capture was recorded: one virtual millisecond per real
 * one, so a replayed device on the station screen behaves in time as the recorded device did.
 */
import type { ReplayClock } from './virtual-clock';

export class RecordedSpeedClock implements ReplayClock {
  private readonly startedAt = performance.now();

  now(): number {
    return performance.now() - this.startedAt;
  }

  until(at: number, cancel?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (cancel?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        cancel?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, at - this.now()));
      cancel?.addEventListener('abort', done, { once: true });
    });
  }
}
