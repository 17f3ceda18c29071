/**
 * One push: claim the oldest due outbox items, send them as one FHIR transaction Bundle of at most
 * `maxEntries` entries, and settle every item from the server's answer:
 * - 2xx with a transaction-response of one 2xx entry per entry sent: sent;
 * - 401 (the client has already re-authenticated once), 408, 429, 5xx, a timeout, a network error,
 *   or a 2xx answer that does not say what happened: tried again later with backoff (./backoff.ts),
 *   never sooner than Retry-After. Resending is safe: every entry is a conditional create;
 * - any other 4xx is a refusal of the content. A transaction is all or nothing, so a refused batch
 *   is split in halves and each half sent again, until the items the server refuses on their own
 *   are parked with its OperationOutcome and everything else is sent.
 * Each answer is audited (counts, outbox sequence numbers and the HTTP status, never content).
 *
 * A minute summary of continuous readings (../records/minute-summaries.ts) is sent as the
 * `volume` setting says, decided when it is claimed (its minute has closed): with
 * 'minute-summaries' it goes as one Observation and the minute's readings taken during a
 * physiological alarm are queued to go on their own; with 'all-readings' every reading of the
 * minute is queued on its own instead and the summary row is done. Queued readings are ordinary
 * outbox items (at most once each), so they travel in Bundles of maxEntries like any other.
 *
 * An ended visit's summary ('visit-summary', queued by RecordStore.endVisit) is built when it is
 * claimed, from the records as they are then (../summary/summary-sync.ts), and goes as one
 * DocumentReference carrying the PDF (../fhir/summary-reference.ts says why not the Composition's
 * document Bundle). Its identifier names only the visit, so a resend (a retry, or a lease taken
 * over) matches the one the server holds and creates nothing. A visit reopened while its summary
 * was being taken waits with backoff until it ends again.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { VisitSetting } from '../fhir/encounter';
import type { SyncedSummary } from '../fhir/summary-reference';
import { transactionEntries } from '../fhir/transaction-entries';
import type { SyncVolume } from '../records/minute-summaries';
import type { RecordStore } from '../records/store';
import { buildSyncedSummary } from '../summary/summary-sync';
import { AuthorizationError } from './access-token';
import { retryDelayMs } from './backoff';
import { loadBatchRecords } from './batch-records';
import { withFreshFullUrls } from './fresh-full-urls';
import type { Outbox, OutboxItem } from './outbox';

/** What the sync needs of h-fhirserver's FhirClient. A network failure or timeout rejects. */
export interface TransactionClient {
  transaction(bundle: Bundle, options: { signal?: AbortSignal }): Promise<{ status: number; body: unknown; retryAfterMs: number | null }>;
}

export const DEFAULT_MAX_ENTRIES = 500;

export interface PushOptions {
  stationId: string;
  patientIdentifierSystem: string | null;
  /** `records.careSetting`: where the station's visits take place (Encounter.class). */
  careSetting: VisitSetting;
  softwareVersion: string;
  /** Entries per Bundle (setting sync.maxEntries, default 500). */
  maxEntries: number;
  /** What is sent of continuous readings (setting fhirServer.volume). */
  volume: SyncVolume;
  /** How long a claim holds before another worker may take the items (longer than a request may take). */
  leaseMs: number;
  now: () => number;
  random?: () => number;
  /** The station's `display.locale`, for the dates of a visit summary's PDF; undefined: the runtime's. */
  locale?: string;
  /** One line per server answer for the audit log: ids and counts only. */
  audit: (object: string) => void;
}

export interface PushReport {
  sent: number;
  retrying: number;
  parked: number;
  /**
   * The last HTTP status, or 'network' / 'timeout', or 'key-refused' when the token endpoint
   * refused the station's key (retried with backoff like any failure: an administrator may
   * register the key meanwhile); null when nothing was due.
   */
  answer: number | 'network' | 'timeout' | 'key-refused' | null;
}

type Answer = { kind: 'sent' } | { kind: 'retry'; retryAfterMs: number | null; answer: PushReport['answer'] } | { kind: 'refused'; outcome: string; answer: number };

const NOT_SENT = 'the record was removed (retention or erasure) before it could be sent';

export class SyncPusher {
  constructor(
    private readonly store: RecordStore,
    private readonly outbox: Outbox,
    private readonly client: TransactionClient,
    private readonly options: PushOptions,
  ) {}

  async push(signal?: AbortSignal): Promise<PushReport> {
    const report: PushReport = { sent: 0, retrying: 0, parked: 0, answer: null };
    const claim = this.#claim();
    if (claim.length === 0) return report;
    const { claimed, summaries } = await this.#buildSummaries(claim);
    const { items, gone } = this.#fit(claimed, summaries);
    if (gone.length > 0) {
      this.outbox.park(gone, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: NOT_SENT }] }));
      report.parked += gone.length;
      this.options.audit(JSON.stringify({ parked: gone.length, seq: seqRange(gone), reason: 'record removed' }));
    }
    if (items.length > 0) await this.#send(items, report, signal, summaries);
    return report;
  }

  /**
   * The summaries of the claimed visit-summary items whose visit ended, by visit id. One whose
   * visit is open again (reopened after the claim) is put back to wait, with backoff; one whose
   * visit or patient is gone is left out, so loadBatchRecords reports it gone and push() parks it.
   */
  async #buildSummaries(claim: OutboxItem[]): Promise<{ claimed: OutboxItem[]; summaries: Map<string, SyncedSummary> }> {
    const summaries = new Map<string, SyncedSummary>();
    const open: OutboxItem[] = [];
    const { stationId, careSetting, patientIdentifierSystem, softwareVersion, locale, now } = this.options;
    for (const item of claim.filter((candidate) => candidate.kind === 'visit-summary')) {
      const [visit] = this.store.visitsByIds([item.recordId]);
      if (!visit || visit.patientId !== item.patientId || !this.store.getPatient(item.patientId)) continue;
      if (visit.endedAt === null) {
        open.push(item);
        continue;
      }
      summaries.set(visit.id, await buildSyncedSummary(this.store, visit.id, now(), { stationId, careSetting, patientIdentifierSystem, softwareVersion, locale }));
    }
    for (const item of open) this.outbox.retryLater([item], retryDelayMs(item.attempts + 1, null, this.options.random));
    return { claimed: claim.filter((item) => !open.includes(item)), summaries };
  }

  /**
   * The oldest due items, the volume setting applied. A claim of summaries that were all done by
   * queueing their readings ('all-readings') is followed by another, which takes those readings:
   * a push that sends nothing means that nothing is due.
   */
  #claim(): OutboxItem[] {
    for (;;) {
      const claimed = this.outbox.claim(this.options.maxEntries, this.options.leaseMs);
      const items = this.#applyVolume(claimed);
      if (items.length > 0 || claimed.length === 0) return items;
    }
  }

  /**
   * Queues the readings the claimed summaries send on their own, and returns the claim without
   * the summaries that are done by that ('all-readings'). Queueing twice (a summary claimed again
   * after a failed send) queues nothing new.
   */
  #applyVolume(claimed: OutboxItem[]): OutboxItem[] {
    const summaries = claimed.filter((item) => item.kind === 'reading-summary');
    if (summaries.length === 0) return claimed;
    const { records } = loadBatchRecords(this.store, summaries, this.options.careSetting);
    const minutes = records.summaries.map((summary) => summary.readings);
    if (this.options.volume === 'all-readings') {
      this.store.queueOnTheirOwn(minutes.flat());
      // Done: its readings go on their own. One without readings left is parked as removed by push().
      const done = new Set(records.summaries.map((summary) => summary.recordId));
      const expanded = summaries.filter((item) => done.has(item.recordId));
      this.outbox.markSent(expanded);
      return claimed.filter((item) => !expanded.includes(item));
    }
    this.store.queueOnTheirOwn(this.store.readingsDuringAlarms(minutes.flat()));
    return claimed;
  }

  /** Drops whole groups from the end of the claim (back to waiting) until its Bundle fits in maxEntries. */
  #fit(claimed: OutboxItem[], summaries: ReadonlyMap<string, SyncedSummary>): { items: OutboxItem[]; gone: OutboxItem[] } {
    let items = claimed;
    for (;;) {
      const { gone } = loadBatchRecords(this.store, items, this.options.careSetting, summaries);
      const goneSeqs = new Set(gone.map((item) => item.seq));
      const excess = this.#entries(items, summaries).length - this.options.maxEntries;
      if (excess <= 0 || items.length <= 1) return { items: items.filter((item) => !goneSeqs.has(item.seq)), gone };
      const { head, rest } = splitTail(items, Math.min(items.length - 1, excess));
      // A claim that is one group too big for a Bundle is sent whole rather than never.
      if (head.length === 0) return { items: items.filter((item) => !goneSeqs.has(item.seq)), gone };
      this.outbox.release(rest);
      items = head;
    }
  }

  #entries(items: readonly OutboxItem[], summaries: ReadonlyMap<string, SyncedSummary>): BundleEntry[] {
    const { records } = loadBatchRecords(this.store, items, this.options.careSetting, summaries);
    if (records.patients.length === 0) return [];
    const { stationId, patientIdentifierSystem, softwareVersion, now } = this.options;
    return transactionEntries(stationId, records, { patientIdentifierSystem, softwareVersion, recordedAt: now() });
  }

  async #send(items: OutboxItem[], report: PushReport, signal: AbortSignal | undefined, summaries: ReadonlyMap<string, SyncedSummary>): Promise<void> {
    const entries = this.#entries(items, summaries);
    const answer = await this.#ask(entries, signal);
    report.answer = answer.kind === 'sent' ? 200 : answer.answer;
    this.options.audit(JSON.stringify({ items: items.length, entries: entries.length, seq: seqRange(items), answer: report.answer }));
    if (answer.kind === 'sent') {
      this.outbox.markSent(items);
      report.sent += items.length;
      return;
    }
    if (answer.kind === 'retry') {
      const attempt = Math.max(...items.map((item) => item.attempts)) + 1;
      this.outbox.retryLater(items, retryDelayMs(attempt, answer.retryAfterMs, this.options.random));
      report.retrying += items.length;
      return;
    }
    const { head, rest } = splitTail(items, Math.floor(items.length / 2));
    if (head.length === 0 || rest.length === 0) {
      this.outbox.park(items, answer.outcome);
      report.parked += items.length;
      return;
    }
    await this.#send(head, report, signal, summaries);
    await this.#send(rest, report, signal, summaries);
  }

  async #ask(entries: BundleEntry[], signal: AbortSignal | undefined): Promise<Answer> {
    let response: Awaited<ReturnType<TransactionClient['transaction']>>;
    try {
      response = await this.client.transaction({ resourceType: 'Bundle', type: 'transaction', entry: withFreshFullUrls(entries) }, { signal });
    } catch (error) {
      if (error instanceof AuthorizationError) return { kind: 'retry', retryAfterMs: null, answer: 'key-refused' };
      const timeout = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { kind: 'retry', retryAfterMs: null, answer: timeout ? 'timeout' : 'network' };
    }
    const { status, body, retryAfterMs } = response;
    if (status >= 200 && status < 300) {
      // Only a full account of every entry proves the batch stored; anything less is sent again.
      return answeredEveryEntry(body, entries.length) ? { kind: 'sent' } : { kind: 'retry', retryAfterMs, answer: status };
    }
    if (status === 401 || status === 408 || status === 429 || status >= 500 || status < 400) return { kind: 'retry', retryAfterMs, answer: status };
    return { kind: 'refused', outcome: outcomeText(body, status), answer: status };
  }
}

function answeredEveryEntry(body: unknown, count: number): boolean {
  const bundle = body as Bundle | null;
  if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'transaction-response') return false;
  const entries = bundle.entry ?? [];
  return entries.length === count && entries.every((entry) => /^2\d\d\b/.test(entry.response?.status ?? ''));
}

/** The server's OperationOutcome as it sent it (bounded), or one saying what came instead. */
function outcomeText(body: unknown, status: number): string {
  if ((body as { resourceType?: unknown } | null)?.resourceType === 'OperationOutcome') return JSON.stringify(body).slice(0, 20_000);
  return JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics: `HTTP ${status} without an OperationOutcome` }] });
}

/**
 * The items split before about `drop` of their last ones, never splitting a group: a group with a
 * member past the cut goes with the rest whole.
 */
function splitTail(items: readonly OutboxItem[], drop: number): { head: OutboxItem[]; rest: OutboxItem[] } {
  const cut = items.length - drop;
  const cutGroups = new Set(items.slice(cut).flatMap((item) => (item.groupKey === null ? [] : [item.groupKey])));
  const goesLater = (item: OutboxItem, index: number) => index >= cut || (item.groupKey !== null && cutGroups.has(item.groupKey));
  return { head: items.filter((item, index) => !goesLater(item, index)), rest: items.filter(goesLater) };
}

function seqRange(items: readonly OutboxItem[]): [number, number] {
  return [items[0]!.seq, items[items.length - 1]!.seq];
}
