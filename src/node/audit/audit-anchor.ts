/**
 * The audit chain's anchor outside the records database: `audit.anchor` in the data folder, an
 * append-only file of signed checkpoints, one JSON line each: the newest entry's seq and hash at a
 * moment, from which seq on the chain is keyed, when, and an HMAC-SHA256 under the audit key over
 * all of it and the previous line's MAC. Someone who can rewrite the database (holding the records
 * key) can cut its tail and rewind the head inside it, but cannot sign a checkpoint: the chain
 * must still reach, and agree with, every checkpoint. Lines are linked, so a line removed or
 * changed in the middle shows; removing whole lines at the end, together with the database's tail
 * (a rollback to an earlier checkpoint), needs an anchor off the machine (see README, "Audit").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileExclusively } from '../records/key-provider';
import { canonicalJson } from './canonical-json';

export interface AuditCheckpoint {
  seq: number;
  hash: string;
  /** Entries from this seq on are keyed; earlier ones carry the plain SHA-256 of an older VitalBridge. */
  keyedFrom: number;
  /** ISO 8601, UTC. */
  time: string;
}

interface AnchorLine extends AuditCheckpoint {
  mac: string;
}

export type AnchorReading = { ok: true; keyedFrom: number; checkpoints: AuditCheckpoint[] } | { ok: false; reason: string };

const FIRST_PREVIOUS_MAC = '0'.repeat(64);

function macOf(key: Buffer, checkpoint: AuditCheckpoint, previousMac: string): string {
  const { seq, hash, keyedFrom, time } = checkpoint;
  return createHmac('sha256', key).update(canonicalJson({ kind: 'vitalbridge-audit-checkpoint', seq, hash, keyedFrom, time, previousMac })).digest('hex');
}

const isCheckpointLine = (value: unknown): value is AnchorLine => {
  const line = value as Partial<AnchorLine> | null;
  return (
    typeof line === 'object' &&
    line !== null &&
    Number.isSafeInteger(line.seq) &&
    Number.isSafeInteger(line.keyedFrom) &&
    typeof line.time === 'string' &&
    typeof line.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(line.hash) &&
    typeof line.mac === 'string' &&
    /^[0-9a-f]{64}$/.test(line.mac)
  );
};

export class AuditAnchor {
  static readonly FILE_NAME = 'audit.anchor';
  readonly path: string;
  /** keyedFrom and the last line's MAC, once known: what the next line signs. */
  #tail: { keyedFrom: number; mac: string } | null = null;

  constructor(
    dataDir: string,
    private readonly key: Buffer,
  ) {
    this.path = join(dataDir, AuditAnchor.FILE_NAME);
  }

  static existsIn(dataDir: string): boolean {
    return existsSync(join(dataDir, AuditAnchor.FILE_NAME));
  }

  /** The first checkpoint of a chain keyed from `keyedFrom` on; never replaces an existing anchor. */
  start(head: { seq: number; hash: string }, keyedFrom: number, at: number): void {
    const checkpoint: AuditCheckpoint = { seq: head.seq, hash: head.hash, keyedFrom, time: new Date(at).toISOString() };
    const mac = macOf(this.key, checkpoint, FIRST_PREVIOUS_MAC);
    if (!writeFileExclusively(this.path, Buffer.from(`${JSON.stringify({ ...checkpoint, mac })}\n`))) {
      throw new Error(`${AuditAnchor.FILE_NAME} already exists: the audit chain was keyed by another process meanwhile`);
    }
    this.#tail = { keyedFrom, mac };
  }

  /** Appends a checkpoint of `head`, fsync'd. */
  append(head: { seq: number; hash: string }, at: number): void {
    this.#tail ??= this.readTail();
    const checkpoint: AuditCheckpoint = { seq: head.seq, hash: head.hash, keyedFrom: this.#tail.keyedFrom, time: new Date(at).toISOString() };
    const mac = macOf(this.key, checkpoint, this.#tail.mac);
    const fd = openSync(this.path, 'a', 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ ...checkpoint, mac })}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#tail = { keyedFrom: checkpoint.keyedFrom, mac };
  }

  /** Every checkpoint, each checked against the key and its predecessor; or what is wrong with the file. */
  read(): AnchorReading {
    const parsed = this.parse();
    return parsed.ok ? { ok: true, keyedFrom: parsed.keyedFrom, checkpoints: parsed.checkpoints } : parsed;
  }

  private parse(): (AnchorReading & { ok: true; lastMac: string }) | (AnchorReading & { ok: false }) {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: `the audit anchor (${AuditAnchor.FILE_NAME}) is missing` };
      throw error;
    }
    const checkpoints: AuditCheckpoint[] = [];
    let previousMac = FIRST_PREVIOUS_MAC;
    const lines = text.split('\n');
    // What follows the last newline: nothing, or a line a crash left half-written, which counts as never written.
    lines.pop();
    for (const [index, text] of lines.entries()) {
      const altered = { ok: false as const, reason: `the audit anchor (${AuditAnchor.FILE_NAME}) was altered at line ${index + 1}` };
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        return altered;
      }
      if (!isCheckpointLine(line)) return altered;
      const { mac, ...checkpoint } = line;
      if (!timingSafeEqual(Buffer.from(mac, 'hex'), Buffer.from(macOf(this.key, checkpoint, previousMac), 'hex'))) return altered;
      const before = checkpoints.at(-1);
      if (before && (checkpoint.seq < before.seq || checkpoint.keyedFrom !== before.keyedFrom)) return altered;
      checkpoints.push({ seq: checkpoint.seq, hash: checkpoint.hash, keyedFrom: checkpoint.keyedFrom, time: checkpoint.time });
      previousMac = mac;
    }
    const first = checkpoints[0];
    if (!first) return { ok: false, reason: `the audit anchor (${AuditAnchor.FILE_NAME}) is empty` };
    return { ok: true, keyedFrom: first.keyedFrom, checkpoints, lastMac: previousMac };
  }

  private readTail(): { keyedFrom: number; mac: string } {
    const parsed = this.parse();
    if (!parsed.ok) throw new Error(`cannot add an audit checkpoint: ${parsed.reason}`);
    return { keyedFrom: parsed.keyedFrom, mac: parsed.lastMac };
  }
}
