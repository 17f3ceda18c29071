import type { Clock } from '../../simulator/clock';

/**
 * Runs `step` every `periodMs` of `clock` until `signal` aborts; the abort also ends the wait in
 * progress, so a stopped service never steps again.
 */
export async function tickUntilAborted(clock: Clock, periodMs: number, signal: AbortSignal, step: () => void): Promise<void> {
  while (!signal.aborted) {
    try {
      await clock.sleep(periodMs, signal);
    } catch {
      return;
    }
    step();
  }
}
