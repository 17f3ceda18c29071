/**
 * The station's audit trail: an append-only, hash-chained log inside the encrypted records
 * database. Each entry's hash is SHA-256 over the canonical JSON of its fields including the
 * previous entry's hash, so altering, removing or reordering any entry breaks the chain from that
 * point on; the separately kept head (last seq and hash) exposes a cut-off tail.
 *
 * Entries name people and records only by their random ids: no names, no values, no PHI.
 */
import { createHash } from 'node:crypto';
import { PROTECTED_ACTIONS, type StationRole } from '../../shared/roles';
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import type { RecordsDb } from '../records/database';
import { canonicalJson } from './canonical-json';

export const AUDIT_ACTIONS = [
  ...PROTECTED_ACTIONS,
  'session.sign-in',
  'session.sign-in-refused',
  'session.lock',
  'session.unlock',
  'session.sign-out',
  'records.retention-prune',
  // A screen tried to act for a remote clinician outside its own admitted, connected visit.
  'visit.relay-refused',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: a user id, or the station itself (retention, start-up), or someone not identified. */
export type AuditActorRole = StationRole | 'system' | 'unidentified';

export interface AuditEvent {
  actor: string;
  role: AuditActorRole;
  action: AuditAction;
  /** The random id of the record acted on, or null. */
  object: string | null;
}

export interface AuditEntry extends AuditEvent {
  seq: number;
  /** ISO 8601, UTC. */
  time: string;
  /** The station's random id. */
  where: string;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, time, actor, role, action, object, where, prevHash } = entry;
  return createHash('sha256').update(canonicalJson({ seq, time, actor, role, action, object, where, prevHash })).digest('hex');
}

interface AuditRow {
  seq: number;
  time: string;
  actor: string;
  role: string;
  action: string;
  object: string | null;
  station: string;
  prev_hash: string;
  hash: string;
}

const fromRow = (row: AuditRow): AuditEntry => ({
  seq: row.seq,
  time: row.time,
  actor: row.actor,
  role: row.role as AuditActorRole,
  action: row.action as AuditAction,
  object: row.object,
  where: row.station,
  prevHash: row.prev_hash,
  hash: row.hash,
});

export interface AuditHead {
  seq: number;
  hash: string;
}

/** The separately kept newest entry (seq and hash); null before the first entry. */
export function readAuditHead(db: RecordsDb): AuditHead | null {
  return (db.prepare('SELECT seq, hash FROM audit_head WHERE singleton = 1').get() as AuditHead | undefined) ?? null;
}

export function stationId(db: RecordsDb): string {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'station_id'`).get() as { value: string } | undefined;
  if (!row) throw new Error('the records database has no station id');
  return row.value;
}

export class AuditLog {
  private readonly where: string;

  constructor(
    private readonly db: RecordsDb,
    private readonly now: () => number = Date.now,
  ) {
    this.where = stationId(db);
  }

  /**
   * Appends one entry. Inside a caller's transaction it joins it (the audited change and its entry
   * commit or roll back together); otherwise it takes the write lock first so that two processes
   * appending at once still form one chain.
   */
  append(event: AuditEvent): AuditEntry {
    const write = this.db.transaction((): AuditEntry => {
      const head = readAuditHead(this.db);
      const unhashed = {
        ...event,
        seq: (head?.seq ?? 0) + 1,
        time: new Date(this.now()).toISOString(),
        where: this.where,
        prevHash: head?.hash ?? GENESIS_HASH,
      };
      const entry: AuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed) };
      this.db
        .prepare('INSERT INTO audit_log (seq, time, actor, role, action, object, station, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(entry.seq, entry.time, entry.actor, entry.role, entry.action, entry.object, entry.where, entry.prevHash, entry.hash);
      this.db
        .prepare('INSERT INTO audit_head (singleton, seq, hash) VALUES (1, ?, ?) ON CONFLICT (singleton) DO UPDATE SET seq = excluded.seq, hash = excluded.hash')
        .run(entry.seq, entry.hash);
      return entry;
    });
    return this.db.inTransaction ? write() : write.immediate();
  }

  /** How many entries the log holds. */
  count(): number {
    return this.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  }

  /** Entries in order, from `afterSeq` on, at most `limit`. */
  entries(afterSeq = 0, limit = 1_000): AuditEntry[] {
    const rows = this.db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as AuditRow[];
    return rows.map(fromRow);
  }
}

export type AuditVerification = { ok: true; entries: number } | { ok: false; firstBadSeq: number; reason: string };

/**
 * A walk along the chain in seq order, a page of entries at a time. Reports the first entry that
 * does not hold: a gap in the numbering (removed entry), a prevHash that is not its predecessor's
 * hash (removed or reordered), a hash that does not match the entry's content (altered), or a head
 * that does not match the last entry (removed tail).
 */
class ChainWalk {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #lastSeq = Number.MIN_SAFE_INTEGER;
  readonly #page: Statement<[number, number], AuditRow>;

  constructor(private readonly db: RecordsDb) {
    // Paged by the last seq read, in the same order as one scan of the table: a row moved to a
    // negative or zero seq is seen too.
    this.#page = db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  /** Checks up to `limit` further entries: the first failure, or whether entries remain. */
  next(limit: number): Extract<AuditVerification, { ok: false }> | 'more' | 'end' {
    const rows = this.#page.all(this.#lastSeq, limit);
    for (const row of rows) {
      const entry = fromRow(row);
      if (entry.seq !== this.#expectedSeq) return { ok: false, firstBadSeq: this.#expectedSeq, reason: `entry ${this.#expectedSeq} is missing` };
      if (entry.prevHash !== this.#prevHash) return { ok: false, firstBadSeq: entry.seq, reason: `entry ${entry.seq} does not follow entry ${entry.seq - 1}` };
      if (hashAuditEntry(entry) !== entry.hash) return { ok: false, firstBadSeq: entry.seq, reason: `entry ${entry.seq} was altered` };
      this.#prevHash = entry.hash;
      this.#expectedSeq++;
      this.#lastSeq = entry.seq;
    }
    return rows.length < limit ? 'end' : 'more';
  }

  /** After the last page: does the separately kept head match the last entry? */
  finish(): AuditVerification {
    const last = this.#expectedSeq - 1;
    const head = readAuditHead(this.db);
    if (head === null) {
      return last === 0 ? { ok: true, entries: 0 } : { ok: false, firstBadSeq: last, reason: 'the record of the newest entry is missing' };
    }
    if (head.seq > last) return { ok: false, firstBadSeq: last + 1, reason: `entries ${last + 1} to ${head.seq} are missing` };
    if (head.seq < last) return { ok: false, firstBadSeq: head.seq + 1, reason: `entries after ${head.seq} were added outside the log` };
    if (head.hash !== this.#prevHash) return { ok: false, firstBadSeq: last, reason: `entry ${last} does not match the recorded newest entry` };
    return { ok: true, entries: last };
  }
}

/** Checks the whole chain at once (the `audit-verify` command). */
export function verifyAuditLog(db: RecordsDb): AuditVerification {
  const walk = new ChainWalk(db);
  for (;;) {
    const step = walk.next(10_000);
    if (step === 'end') return walk.finish();
    if (step !== 'more') return step;
  }
}

/**
 * The same check inside the running station, `entriesPerSlice` at a time with the event loop free
 * in between: 100,000 entries take 3 to 5 s in one pass (on a busy 2-core machine), which alarms
 * and live vitals must not wait for; in slices of 200 the loop runs every 5 ms (median). Entries
 * appended meanwhile are walked too; the last page and the head are read in one snapshot, so an
 * append between them cannot pass for a removed tail.
 */
export async function verifyAuditLogInSlices(db: RecordsDb, entriesPerSlice = 200): Promise<AuditVerification> {
  const walk = new ChainWalk(db);
  const slice = db.transaction(() => {
    const step = walk.next(entriesPerSlice);
    return step === 'end' ? walk.finish() : step;
  });
  for (;;) {
    const step = slice.deferred();
    if (step !== 'more') return step;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
