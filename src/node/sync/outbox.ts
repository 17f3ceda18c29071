/**
 * The sync outbox (records table `outbox`, migration 7): what is waiting to reach the FHIR server.
 * Rows are written by RecordStore in the transaction that writes the record they announce; this
 * module moves them through their states for the sync worker:
 *
 *   waiting --claim--> in-flight --sent()--> sent
 *      ^                   |  \----park()--> parked --retryParked()--> waiting
 *      +----retryLater()---+
 *
 * A claim is a lease: a worker that dies (SIGKILL, power loss) leaves its items in flight until the
 * lease ends, and then any worker claims them again. Resending is harmless because every entry is a
 * conditional create on the record's identifier. Nothing is deleted here: a record leaves the
 * outbox only with its patient's erasure.
 */
import type { RecordsDb } from '../records/database';
import { SUMMARY_DUE_AT_SQL } from '../records/minute-summaries';
import type { OutboxKind } from '../records/store';

export interface OutboxItem {
  seq: number;
  kind: OutboxKind;
  recordId: string;
  patientId: string;
  /** Items sharing one travel together (the parts of one measurement); null for most. */
  groupKey: string | null;
  queuedAt: number;
  /** Failed sends so far (a refusal that parked it counts too). */
  attempts: number;
}

export interface ParkedItem extends Pick<OutboxItem, 'seq' | 'kind' | 'recordId' | 'attempts'> {
  /** The server's OperationOutcome (or our own reason) as JSON text. */
  outcome: string;
  parkedAt: number;
}

export interface OutboxCounts {
  waiting: number;
  inFlight: number;
  parked: number;
  /** When the oldest item still to send was queued; null when none is. */
  oldestWaitingAt: number | null;
  /** When the newest sent item was confirmed by the server; null before the first. */
  lastSentAt: number | null;
}

function itemFromRow(row: Record<string, unknown>): OutboxItem {
  return {
    seq: row.seq as number,
    kind: row.kind as OutboxKind,
    recordId: row.record_id as string,
    patientId: row.patient_id as string,
    groupKey: row.group_key as string | null,
    queuedAt: row.queued_at as number,
    attempts: row.attempts as number,
  };
}

/** SQLite's default limit on bound parameters is 32,766; batches stay far below it, chunks keep it so. */
const IDS_PER_STATEMENT = 500;

/** The FHIR sync's outbox, or the HL7 output's (src/node/hl7/hl7-outbox.ts): same columns, same states. */
export type OutboxTable = 'outbox' | 'hl7_outbox';

export class Outbox {
  constructor(
    private readonly db: RecordsDb,
    private readonly now: () => number = Date.now,
    private readonly table: OutboxTable = 'outbox',
  ) {}

  /**
   * Takes up to `limit` items that are due, oldest first, and leases them for `leaseMs`: items
   * waiting whose next attempt has come, and items whose previous claimant's lease ran out.
   */
  claim(limit: number, leaseMs: number): OutboxItem[] {
    return this.db
      .transaction(() => {
        const now = this.now();
        const due = `((state = 'waiting' AND next_attempt_at <= @now) OR (state = 'in-flight' AND lease_until <= @now))`;
        const rows = this.db.prepare(`SELECT * FROM ${this.table} WHERE ${due} ORDER BY seq LIMIT @limit`).all({ now, limit }) as Record<string, unknown>[];
        // The rest of a measurement some of whose parts were taken comes along, past the limit if need be:
        // split over two batches, one blood-pressure reading would reach the server as two panels.
        const taken = new Set(rows.map((row) => row.seq as number));
        const groups = this.db.prepare(`SELECT * FROM ${this.table} WHERE group_key = @group AND ${due} ORDER BY seq`);
        for (const group of new Set(rows.flatMap((row) => (row.group_key === null ? [] : [row.group_key as string])))) {
          for (const row of groups.all({ group, now }) as Record<string, unknown>[]) {
            if (!taken.has(row.seq as number)) rows.push(row);
            taken.add(row.seq as number);
          }
        }
        const items = rows.map(itemFromRow).sort((a, b) => a.seq - b.seq);
        this.#update(items, `state = 'in-flight', lease_until = ?`, [now + leaseMs]);
        return items;
      })
      .immediate();
  }

  /** The server stored them (or already held them): done. */
  markSent(items: readonly OutboxItem[]): void {
    this.#transaction(() => this.#update(items, `state = 'sent', sent_at = ?, lease_until = NULL, outcome = NULL`, [this.now()]));
  }

  /** Back to waiting, one more failed attempt, not before `delayMs` from now. */
  retryLater(items: readonly OutboxItem[], delayMs: number): void {
    this.#transaction(() => this.#update(items, `state = 'waiting', attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL`, [this.now() + delayMs]));
  }

  /** Back to waiting at once without counting an attempt: the claim was not used (e.g. the batch was cut short). */
  release(items: readonly OutboxItem[]): void {
    this.#transaction(() => this.#update(items, `state = 'waiting', lease_until = NULL`, []));
  }

  /** Refused for good: kept with the reason until staff retry it. */
  park(items: readonly OutboxItem[], outcome: string): void {
    this.#transaction(() => this.#update(items, `state = 'parked', attempts = attempts + 1, outcome = ?, sent_at = ?, lease_until = NULL`, [outcome, this.now()]));
  }

  /** Staff's "Retry": every parked item waits again, due now; returns how many. */
  retryParked(): number {
    return this.db.prepare(`UPDATE ${this.table} SET state = 'waiting', attempts = 0, next_attempt_at = 0, outcome = NULL, sent_at = NULL WHERE state = 'parked'`).run().changes;
  }

  /**
   * Staff's "Send now": waiting items are due at once, whatever their backoff said, except a minute
   * summary whose minute is still going, which stays due when its minute has closed; returns how many.
   */
  dueNow(): number {
    const due = `CASE kind WHEN 'reading-summary' THEN min(next_attempt_at, ${SUMMARY_DUE_AT_SQL}) ELSE 0 END`;
    return this.db.prepare(`UPDATE ${this.table} SET next_attempt_at = ${due} WHERE state = 'waiting' AND next_attempt_at > ${due}`).run().changes;
  }

  /** When the next item falls due (its backoff ends, or a dead claimant's lease); null when nothing is left to send. */
  nextDueAt(): number | null {
    return this.db
      .prepare(`SELECT min(CASE state WHEN 'waiting' THEN next_attempt_at ELSE lease_until END) FROM ${this.table} WHERE state IN ('waiting', 'in-flight')`)
      .pluck()
      .get() as number | null;
  }

  /**
   * What waits, is in flight or is parked, and the last success. Sent rows are never deleted, so
   * nothing here counts or reads them one by one (indexes outbox_by_state, outbox_last_sent and
   * outbox_oldest_queued):
   * asked whenever staff look, it must cost the same after a year as on the first day.
   */
  counts(): OutboxCounts {
    const count = this.db.prepare(`SELECT count(*) FROM ${this.table} WHERE state = ?`).pluck();
    // One state at a time: SQLite then reads each minimum from the end of outbox_oldest_queued.
    const oldestWaitingAt = this.db
      .prepare(`SELECT min(oldest) FROM (SELECT min(queued_at) AS oldest FROM ${this.table} WHERE state = 'waiting' UNION ALL SELECT min(queued_at) FROM ${this.table} WHERE state = 'in-flight')`)
      .pluck()
      .get() as number | null;
    const lastSentAt = this.db.prepare(`SELECT max(sent_at) FROM ${this.table} WHERE state = 'sent'`).pluck().get() as number | null;
    return {
      waiting: count.get('waiting') as number,
      inFlight: count.get('in-flight') as number,
      parked: count.get('parked') as number,
      oldestWaitingAt,
      lastSentAt,
    };
  }

  /** The parked items, oldest first, at most `limit`. */
  parked(limit = 100): ParkedItem[] {
    const rows = this.db.prepare(`SELECT * FROM ${this.table} WHERE state = 'parked' ORDER BY seq LIMIT ?`).all(limit) as Record<string, unknown>[];
    return rows.map((row) => ({
      seq: row.seq as number,
      kind: row.kind as OutboxKind,
      recordId: row.record_id as string,
      attempts: row.attempts as number,
      outcome: row.outcome as string,
      parkedAt: row.sent_at as number,
    }));
  }

  #transaction(run: () => void): void {
    this.db.transaction(run).immediate();
  }

  #update(items: readonly OutboxItem[], set: string, values: unknown[]): void {
    for (let start = 0; start < items.length; start += IDS_PER_STATEMENT) {
      const chunk = items.slice(start, start + IDS_PER_STATEMENT).map((item) => item.seq);
      this.db.prepare(`UPDATE ${this.table} SET ${set} WHERE seq IN (${chunk.map(() => '?').join(', ')})`).run(...values, ...chunk);
    }
  }
}
