/**
 * The HL7 output's loop: push until nothing is due or a batch waits for its backoff, then sleep
 * until the next batch falls due, at most `idlePollMs` (readings recorded meanwhile announce
 * nothing), until stopped. The sleep is the FHIR sync's (SyncWakeUp), so "Retry" wakes it too.
 */
import { SyncWakeUp } from '../sync/sync-loop';
import type { Hl7Outbox } from './hl7-outbox';
import type { Hl7PushReport, Hl7Pusher } from './hl7-push';

export interface Hl7Run {
  pusher: Pick<Hl7Pusher, 'push'>;
  outbox: Pick<Hl7Outbox, 'items'>;
  signal: AbortSignal;
  now: () => number;
  idlePollMs: number;
  wakeUp?: SyncWakeUp;
  onReport?: (report: Hl7PushReport) => void;
}

/** Pushes batch after batch until nothing is due or one waits for a retry; returns the reports. */
export async function pushHl7UntilNothingDue(run: Pick<Hl7Run, 'pusher' | 'signal' | 'onReport'>): Promise<Hl7PushReport[]> {
  const reports: Hl7PushReport[] = [];
  while (!run.signal.aborted) {
    const report = await run.pusher.push(run.signal);
    run.onReport?.(report);
    reports.push(report);
    if (report.answer === null || report.retrying > 0) break;
  }
  return reports;
}

export async function runHl7Output(run: Hl7Run): Promise<void> {
  const wakeUp = run.wakeUp ?? new SyncWakeUp();
  while (!run.signal.aborted) {
    await pushHl7UntilNothingDue(run);
    const due = run.outbox.items.nextDueAt();
    await wakeUp.sleep(due === null ? run.idlePollMs : Math.min(run.idlePollMs, Math.max(0, due - run.now())), run.signal);
  }
}
