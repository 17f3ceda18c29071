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
 * Rounds of pushUntilNothingDue until stopped. Between rounds it sleeps until the next item falls
 * due, but at most `idlePollMs`: records written meanwhile (by the station, or another process on
 * the same data folder) are due at once and nothing announces them.
 */
export async function pushUntilStopped(run: SyncRun & { idlePollMs: number }): Promise<void> {
  while (!run.signal.aborted) {
    await pushUntilNothingDue(run);
    const due = run.outbox.nextDueAt();
    const wait = due === null ? run.idlePollMs : Math.min(run.idlePollMs, Math.max(0, due - run.now()));
    await sleep(wait, undefined, { signal: run.signal }).catch((error: unknown) => {
      if (!run.signal.aborted) throw error;
    });
  }
}
