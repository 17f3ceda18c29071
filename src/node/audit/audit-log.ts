/**
 * The station's audit trail: an append-only, keyed hash chain inside the encrypted records
 * database. Each entry's hash is an HMAC-SHA256, under the audit key (its own key, not the records
 * key), over the canonical JSON of its fields including the previous entry's hash, so altering,
 * removing or reordering any entry breaks the chain from that point on, and holding the records
 * key is not enough to re-hash it. The separately kept head (last seq and hash) exposes a cut-off
 * tail inside the database; signed checkpoints in a file beside it (./audit-anchor.ts) expose a
 * tail cut off together with the head, or a chain re-hashed with the key.
 *
 * Entries written before the chain was keyed (older VitalBridge) keep their plain SHA-256 hashes
 * and are still checked as such: the anchor file says from which seq on the chain is keyed, and
 * the first keyed entry (an `audit.chain-keyed` entry by the station) seals the plain part's last
 * hash under the key.
 *
 * Entries name people and records only by their random ids: no names, no values, no PHI.
 */
import { createHash, createHmac } from 'node:crypto';
import { PROTECTED_ACTIONS, type StationRole } from '../../shared/roles';
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import type { RecordsDb } from '../records/database';
import { DataKeyError, type DataKeyProvider } from '../records/key-provider';
import { AuditAnchor, type AuditCheckpoint, type AnchorReading } from './audit-anchor';
import { canonicalJson } from './canonical-json';

export const AUDIT_ACTIONS = [
  ...PROTECTED_ACTIONS,
  'session.sign-in',
  'session.sign-in-refused',
  'session.lock',
  'session.unlock',
  'session.sign-out',
  'records.retention-prune',
  // A nurse or physician searched the FHIR server's patients (who searched; never what for).
  'patient.server-search',
  // One answer of the FHIR server to a sync push: counts, outbox sequence numbers and the status only.
  'sync.push',
  // A screen tried to act for a remote clinician outside its own admitted, connected visit.
  'visit.relay-refused',
  // A nurse or physician signed their visit note, or added a signed addendum to one (note.write is each saved draft).
  'note.sign',
  'note.addendum',
  // The remote clinician asked for a measurement during a video visit, or the station started, declined or failed it.
  'measurement.request',
  'audit.chain-keyed',
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

/**
 * The entry's hash: HMAC-SHA256 under the audit key, or, for `key` null, the plain SHA-256 that
 * entries written before the chain was keyed carry.
 */
export function hashAuditEntry(entry: Omit<AuditEntry, 'hash'>, key: Buffer | null): string {
  const { seq, time, actor, role, action, object, where, prevHash } = entry;
  const content = canonicalJson({ seq, time, actor, role, action, object, where, prevHash });
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(content).digest('hex');
}

/** One row of the audit_log table as SQLite returns it. */
export interface AuditRow {
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

/** Entries in order, from `afterSeq` on, at most `limit`. */
export function readAuditEntries(db: RecordsDb, afterSeq = 0, limit = 1_000): AuditEntry[] {
  const rows = db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as AuditRow[];
  return rows.map(fromRow);
}

/** How the chain is keyed: the audit key, and the anchor file holding the signed checkpoints. */
export interface AuditChainKey {
  key: Buffer;
  anchor: AuditAnchor;
}

export class AuditLog {
  private readonly where: string;
  #lastCheckpointSeq = -1;

  constructor(
    private readonly db: RecordsDb,
    private readonly chain: AuditChainKey,
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
      const entry: AuditEntry = { ...unhashed, hash: hashAuditEntry(unhashed, this.chain.key) };
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

  /**
   * Writes the newest committed entry to the anchor file as a signed checkpoint, unless it is
   * there already. The station calls it periodically and when it closes: a tail cut off later than
   * the newest checkpoint is detected; entries after it are protected by the head alone.
   */
  checkpoint(): void {
    const head = readAuditHead(this.db);
    if (!head || head.seq === this.#lastCheckpointSeq) return;
    this.chain.anchor.append(head, this.now());
    this.#lastCheckpointSeq = head.seq;
  }

  /** How many entries the log holds. */
  count(): number {
    return this.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
  }

  /** Entries in order, from `afterSeq` on, at most `limit`. */
  entries(afterSeq = 0, limit = 1_000): AuditEntry[] {
    return readAuditEntries(this.db, afterSeq, limit);
  }

  /** The whole check at once (see verifyAuditLog). */
  verify(): AuditVerification {
    return verifyAuditLog(this.db, this.chain);
  }

  /** The same check with the event loop free between slices (see verifyAuditLogInSlices). */
  verifyInSlices(entriesPerSlice?: number): Promise<AuditVerification> {
    return verifyAuditLogInSlices(this.db, this.chain, entriesPerSlice);
  }
}

/**
 * The station's audit log with its key and anchor. A folder whose chain is not keyed yet (a fresh
 * installation, or records written by an older VitalBridge) gets its audit key and the anchor's
 * first checkpoint, which says from which seq on the chain is keyed; an older chain is then
 * re-anchored explicitly with an `audit.chain-keyed` entry by the station, the first keyed entry.
 * A keyed chain whose key is gone is refused: entries cannot be appended or checked without it.
 */
export async function openAuditLog(db: RecordsDb, options: { dataDir: string; keyProvider: DataKeyProvider; now?: () => number }): Promise<AuditLog> {
  const keyed = AuditAnchor.existsIn(options.dataDir);
  const key = await options.keyProvider.getDataKey({ create: !keyed });
  if (!key) throw new DataKeyError(`the audit log is keyed (${AuditAnchor.FILE_NAME}) but its audit key is missing; restore the audit key it was keyed with`);
  const anchor = new AuditAnchor(options.dataDir, key);
  const audit = new AuditLog(db, { key, anchor }, options.now);
  if (!keyed) {
    const head = readAuditHead(db);
    // The anchor first: an entry hashed with the key before the anchor says the chain is keyed would read as altered.
    anchor.start({ seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH }, (head?.seq ?? 0) + 1, options.now?.() ?? Date.now());
    if (head) {
      audit.append({ actor: 'station', role: 'system', action: 'audit.chain-keyed', object: null });
      audit.checkpoint();
    }
  }
  return audit;
}

/** For tools that only read (`audit-verify`): the log with its key, creating and writing nothing. */
export async function inspectAuditLog(db: RecordsDb, options: { dataDir: string; keyProvider: DataKeyProvider }): Promise<AuditLog> {
  const key = await options.keyProvider.getDataKey({ create: false });
  if (!key) {
    throw new DataKeyError(
      AuditAnchor.existsIn(options.dataDir)
        ? `the audit log is keyed (${AuditAnchor.FILE_NAME}) but its audit key is missing; restore the audit key it was keyed with`
        : 'the audit log has not been keyed yet (it was written by an older VitalBridge): start the station once, which keys it with an audit entry, then check again',
    );
  }
  return new AuditLog(db, { key, anchor: new AuditAnchor(options.dataDir, key) });
}

export type AuditVerification = { ok: true; entries: number } | { ok: false; firstBadSeq: number; reason: string };

/**
 * A walk along the chain in seq order, a page of entries at a time. Reports the first entry that
 * does not hold: a gap in the numbering (removed entry), a prevHash that is not its predecessor's
 * hash (removed or reordered), a hash that does not match the entry's content under the key
 * (altered), an entry that differs from a signed checkpoint (re-hashed with the key), a head that
 * does not match the last entry (removed tail), or a chain that ends before its newest checkpoint
 * (tail removed together with the head).
 */
class ChainWalk {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #lastSeq = Number.MIN_SAFE_INTEGER;
  readonly #page: Statement<[number, number], AuditRow>;
  readonly #anchor: AnchorReading;
  readonly #checkpoints = new Map<number, AuditCheckpoint>();

  constructor(
    private readonly db: RecordsDb,
    private readonly chain: AuditChainKey,
  ) {
    // Paged by the last seq read, in the same order as one scan of the table: a row moved to a
    // negative or zero seq is seen too.
    this.#page = db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    this.#anchor = chain.anchor.read();
    if (this.#anchor.ok) for (const checkpoint of this.#anchor.checkpoints) this.#checkpoints.set(checkpoint.seq, checkpoint);
  }

  /** Checks up to `limit` further entries: the first failure, or whether entries remain. */
  next(limit: number): Extract<AuditVerification, { ok: false }> | 'more' | 'end' {
    if (!this.#anchor.ok) return { ok: false, firstBadSeq: 0, reason: this.#anchor.reason };
    const rows = this.#page.all(this.#lastSeq, limit);
    for (const row of rows) {
      const entry = fromRow(row);
      if (entry.seq !== this.#expectedSeq) return { ok: false, firstBadSeq: this.#expectedSeq, reason: `entry ${this.#expectedSeq} is missing` };
      if (entry.prevHash !== this.#prevHash) return { ok: false, firstBadSeq: entry.seq, reason: `entry ${entry.seq} does not follow entry ${entry.seq - 1}` };
      const key = entry.seq >= this.#anchor.keyedFrom ? this.chain.key : null;
      if (hashAuditEntry(entry, key) !== entry.hash) return { ok: false, firstBadSeq: entry.seq, reason: `entry ${entry.seq} was altered` };
      const checkpoint = this.#checkpoints.get(entry.seq);
      if (checkpoint && checkpoint.hash !== entry.hash) {
        return { ok: false, firstBadSeq: entry.seq, reason: `entry ${entry.seq} differs from its signed checkpoint of ${checkpoint.time}` };
      }
      this.#prevHash = entry.hash;
      this.#expectedSeq++;
      this.#lastSeq = entry.seq;
    }
    return rows.length < limit ? 'end' : 'more';
  }

  /** After the last page: does the separately kept head match the last entry, and does the chain reach its newest checkpoint? */
  finish(): AuditVerification {
    const last = this.#expectedSeq - 1;
    const head = readAuditHead(this.db);
    if (head === null) {
      if (last !== 0) return { ok: false, firstBadSeq: last, reason: 'the record of the newest entry is missing' };
    } else {
      if (head.seq > last) return { ok: false, firstBadSeq: last + 1, reason: `entries ${last + 1} to ${head.seq} are missing` };
      if (head.seq < last) return { ok: false, firstBadSeq: head.seq + 1, reason: `entries after ${head.seq} were added outside the log` };
      if (head.hash !== this.#prevHash) return { ok: false, firstBadSeq: last, reason: `entry ${last} does not match the recorded newest entry` };
    }
    const newest = this.#anchor.ok ? this.#anchor.checkpoints.at(-1) : undefined;
    if (newest && newest.seq > last) {
      return { ok: false, firstBadSeq: last + 1, reason: `entries ${last + 1} to ${newest.seq} are missing (signed checkpoint of ${newest.time})` };
    }
    return { ok: true, entries: last };
  }
}

/** Checks the whole chain at once (the `audit-verify` command). */
export function verifyAuditLog(db: RecordsDb, chain: AuditChainKey): AuditVerification {
  const walk = new ChainWalk(db, chain);
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
export async function verifyAuditLogInSlices(db: RecordsDb, chain: AuditChainKey, entriesPerSlice = 200): Promise<AuditVerification> {
  const walk = new ChainWalk(db, chain);
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
