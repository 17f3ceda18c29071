/**
 * Tells the core that the person at the screen is working, so a nurse using the screen is not
 * locked out by the inactivity lock. Pointer and key events come by the hundred; the core needs to
 * hear at most one every `intervalMs`, well inside the shortest lock delay.
 */
export const ACTIVITY_REPORT_INTERVAL_MS = 30_000;

/** The events that count as someone using the screen. */
export const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel'] as const;

export class ActivityReporter {
  #lastReportAt: number;

  constructor(
    private readonly report: () => void,
    private readonly now: () => number,
    private readonly intervalMs = ACTIVITY_REPORT_INTERVAL_MS,
  ) {
    // Signing in (or unlocking) was itself activity the core counted.
    this.#lastReportAt = now();
  }

  activity = (): void => {
    const now = this.now();
    if (now - this.#lastReportAt < this.intervalMs) return;
    this.#lastReportAt = now;
    this.report();
  };
}
