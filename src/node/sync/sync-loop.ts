/**
 * The sync's loop around SyncPusher: push until nothing is due (`sync --once`), or keep pushing,
 * sleeping until the next item falls due (a backoff's end) or new records may have come, until
 * stopped (`sync`, and the station's background sync).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Outbox } from './outbox';
import type { PushReport, SyncPusher } from './push';

export interface SyncRun {
  pusher: Pick<SyncPusher, 'push'>;
  outbox: Pick<Outbox, 'nextDueAt'>;
  /** Stops the loop; a request in progress is abandoned and its items retried later. */
  signal: AbortSignal;
  now: () => number;
  onReport?: (report: PushReport) => void;
}

export interface SyncRound {
  sent: number;
  parked: number;
  /** Why the round stopped early (the batch waits for its backoff); null when nothing was left due. */
  failure: Exclude<PushReport['answer'], null> | null;
}

/** Pushes batch after batch until nothing is due, the server fails a batch, or the run is stopped. */
export async function pushUntilNothingDue(run: SyncRun): Promise<SyncRound> {
  const round: SyncRound = { sent: 0, parked: 0, failure: null };
  while (!run.signal.aborted) {
    const report = await run.pusher.push(run.signal);
    run.onReport?.(report);
    round.sent += report.sent;
    round.parked += report.parked;
    if (report.answer === null || run.signal.aborted) break;
    if (report.retrying > 0) return { ...round, failure: report.answer };
  }
  return round;
}

/**
 * Cuts the loop's sleep short: staff pressed "Send now" or "Retry", which made items due that the
 * sleeping loop would otherwise find only at its next look. A wake-up while the loop is pushing
 * is kept for its next sleep, so none is lost.
 */
export class SyncWakeUp {
  #wake: (() => void) | null = null;
  #pending = false;

  wake(): void {
    if (this.#wake) this.#wake();
    else this.#pending = true;
  }

  /** Resolves after `ms`, at a wake-up, or when `signal` aborts. */
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    const cut = new AbortController();
    this.#wake = () => cut.abort();
    try {
      await sleep(ms, undefined, { signal: AbortSignal.any([signal, cut.signal]) }).catch((error: unknown) => {
        if (!signal.aborted && !cut.signal.aborted) throw error;
      });
    } finally {
      this.#wake = null;
    }
  }
}

/**
 * Rounds of pushUntilNothingDue until stopped. Between rounds it sleeps until the next item falls
 * due, but at most `idlePollMs`: records written meanwhile (by the station, or another process on
 * the same data folder) are due at once and nothing announces them; `wakeUp` ends a sleep early.
 */
export async function pushUntilStopped(run: SyncRun & { idlePollMs: number; wakeUp?: SyncWakeUp }): Promise<void> {
  const wakeUp = run.wakeUp ?? new SyncWakeUp();
  while (!run.signal.aborted) {
    await pushUntilNothingDue(run);
    const due = run.outbox.nextDueAt();
    const wait = due === null ? run.idlePollMs : Math.min(run.idlePollMs, Math.max(0, due - run.now()));
    await wakeUp.sleep(wait, run.signal);
  }
}
