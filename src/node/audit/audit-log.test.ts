import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli';
import { FileKeyProvider } from '../records/key-provider';
import { openTestStation, type TestStation } from '../records/test-support';
import { AuditAnchor } from './audit-anchor';
import { GENESIS_HASH, hashAuditEntry, openAuditLog, type AuditAction, type AuditEntry, type AuditRow } from './audit-log';
import { canonicalJson } from './canonical-json';

const ACTIONS: AuditAction[] = ['session.sign-in', 'patient.view', 'reading.record', 'alarm.acknowledge', 'visit.start', 'record.export', 'visit.end', 'session.sign-out'];

async function stationWithLog(): Promise<TestStation> {
  const station = await openTestStation();
  ACTIONS.forEach((action, index) => {
    station.clock.advance(1_000);
    station.audit.append({ actor: 'user-1', role: 'nurse', action, object: `object-${index}` });
  });
  return station;
}

/** What an attacker holding the key would do first: lift the append-only triggers. */
function dropGuards(station: TestStation): void {
  station.db.exec('DROP TRIGGER audit_log_is_append_only_update; DROP TRIGGER audit_log_is_append_only_delete;');
}

const auditKeyOf = (dataDir: string) => Buffer.from(readFileSync(join(dataDir, 'audit.key'), 'utf8').trim(), 'hex');

/**
 * A forger's hash, written from the format's description (sorted keys, no spaces, HMAC-SHA256 under
 * the audit key, or plain SHA-256), not with the code under test.
 */
function forgedHash(row: Omit<AuditRow, 'hash'>, key: Buffer | null): string {
  const text =
    `{"action":${JSON.stringify(row.action)},"actor":${JSON.stringify(row.actor)},"object":${JSON.stringify(row.object)},` +
    `"prevHash":"${row.prev_hash}","role":${JSON.stringify(row.role)},"seq":${row.seq},"time":"${row.time}","where":"${row.station}"}`;
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(text).digest('hex');
}

const rowOf = (station: TestStation, seq: number) => station.db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as AuditRow;

/** Changes one entry as a forger would and gives it a hash that matches its new content; the rest of the chain is left as it is. */
function forgeEntry(station: TestStation, seq: number, change: Partial<AuditRow>, key: Buffer | null): AuditRow {
  const forged = { ...rowOf(station, seq), ...change };
  forged.hash = forgedHash(forged, key);
  station.db
    .prepare('UPDATE audit_log SET time = ?, actor = ?, role = ?, action = ?, object = ?, station = ?, prev_hash = ?, hash = ? WHERE seq = ?')
    .run(forged.time, forged.actor, forged.role, forged.action, forged.object, forged.station, forged.prev_hash, forged.hash, seq);
  return forged;
}

/** Re-hashes every entry from `fromSeq` on so that each links to its (new) predecessor, and moves the head along. */
function rehashFrom(station: TestStation, fromSeq: number, key: Buffer | null): void {
  const last = station.db.prepare('SELECT max(seq) FROM audit_log').pluck().get() as number;
  for (let seq = fromSeq; seq <= last; seq++) forgeEntry(station, seq, { prev_hash: seq === 1 ? GENESIS_HASH : rowOf(station, seq - 1).hash }, key);
  station.db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(last, rowOf(station, last).hash);
}

/**
 * Writes `count` entries straight into the table as the log writes them (each linked to the one
 * before, the head on the last), hashed under `key`, or plain SHA-256 as an older VitalBridge did.
 */
function writeChain(station: TestStation, count: number, key: Buffer | null, fields: (seq: number) => Pick<AuditRow, 'time' | 'object'>): void {
  const where = station.db.prepare(`SELECT value FROM meta WHERE key = 'station_id'`).pluck().get() as string;
  const insert = station.db.prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  let prev = GENESIS_HASH;
  station.db.transaction(() => {
    for (let seq = 1; seq <= count; seq++) {
      const row = { seq, actor: 'user-1', role: 'nurse', action: 'patient.view', ...fields(seq), station: where, prev_hash: prev };
      prev = forgedHash(row, key);
      insert.run(seq, row.time, row.actor, row.role, row.action, row.object, where, row.prev_hash, prev);
    }
    station.db.prepare('INSERT INTO audit_head (singleton, seq, hash) VALUES (1, ?, ?)').run(count, prev);
  })();
}

async function cli(dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['audit-verify', '--data-dir', dataDir], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), signal: new AbortController().signal });
  return { code, stdout, stderr };
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and is independent of construction order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true } })).toBe('{"a":{"c":true,"d":[1,"x",null]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('non-finite');
  });
});

describe('audit log', () => {
  it('chains entries from the genesis hash, each an HMAC under the audit key over its fields, time and station included', async () => {
    const station = await stationWithLog();
    const entries = station.audit.entries();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(entries[0]?.prevHash).toBe(GENESIS_HASH);
    entries.slice(1).forEach((entry, index) => expect(entry.prevHash).toBe(entries[index]?.hash));
    const first = entries[0]!;
    expect(first.time).toBe('2025-01-15T09:00:01.000Z');
    expect(first.where).toMatch(/^[0-9a-f]{32}$/);
    const key = auditKeyOf(station.dataDir);
    expect(key).not.toEqual(Buffer.from(readFileSync(join(station.dataDir, 'data.key'), 'utf8').trim(), 'hex'));
    for (const entry of entries) expect(entry.hash).toBe(forgedHash(rowOf(station, entry.seq), key));
    expect(station.audit.verify()).toEqual({ ok: true, entries: 8 });
    expect(station.audit.count()).toBe(8);
  });

  it('verifies a log that has no entry yet', async () => {
    const station = await openTestStation();
    expect(station.audit.count()).toBe(0);
    expect(station.audit.verify()).toEqual({ ok: true, entries: 0 });
  });

  it('verifies a log longer than one page of the check (10,000 entries) to its end', async () => {
    const station = await openTestStation();
    const entries = 10_001;
    // Written straight into the table: appending 10,001 entries one by one takes several times longer.
    writeChain(station, entries, auditKeyOf(station.dataDir), () => ({ time: '2025-01-15T09:00:01.000Z', object: null }));
    expect(station.audit.verify()).toEqual({ ok: true, entries });
  });

  it('refuses to open the log of a records database that has lost its station id', async () => {
    const station = await openTestStation();
    station.db.prepare(`DELETE FROM meta WHERE key = 'station_id'`).run();
    await expect(openAuditLog(station.db, { dataDir: station.dataDir, keyProvider: new FileKeyProvider(station.dataDir).auditKeyProvider() })).rejects.toThrow(
      new Error('the records database has no station id'),
    );
  });

  it('hashes to a known-answer vector (HMAC-SHA256 for keyed entries, SHA-256 for entries from before keying)', () => {
    // Computed outside this code base (Python hmac/hashlib) over the canonical JSON written out by hand.
    const entry: Omit<AuditEntry, 'hash'> = {
      seq: 1,
      time: '2025-01-15T09:00:01.000Z',
      actor: 'user-1',
      role: 'nurse',
      action: 'patient.view',
      object: 'object-0',
      where: 'ab'.repeat(16),
      prevHash: GENESIS_HASH,
    };
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    expect(hashAuditEntry(entry, key)).toBe('09f3ef7735073599bd003231ad99d3482574bb7e9e1ddb208ed276d5b4949d98');
    expect(hashAuditEntry(entry, null)).toBe('55c65b50317de2995f97ea7d6f96d41b51fb8fd0224d7af0136fff44f83d79c0');
  });

  it('refuses updates and deletes through SQL while its guards are in place', async () => {
    const { db } = await stationWithLog();
    expect(() => db.prepare(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`).run()).toThrow('the audit log is append-only');
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow('the audit log is append-only');
  });

  it('continues one chain across reopening the database', async () => {
    const station = await stationWithLog();
    station.db.close();
    const reopened = await openTestStation(station.dataDir);
    const entry = reopened.audit.append({ actor: 'user-2', role: 'physician', action: 'patient.view', object: 'p' });
    expect(entry.seq).toBe(9);
    expect(reopened.audit.verify()).toEqual({ ok: true, entries: 9 });
  });

  it('detects a single changed byte and names its seq', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    // 'patient.view' → 'patient.viev': one byte.
    station.db.prepare(`UPDATE audit_log SET action = 'patient.viev' WHERE seq = 2`).run();
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 2, reason: 'entry 2 was altered' });
  });

  it('detects a changed byte in a stored hash', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    const hash = station.audit.entries()[4]!.hash;
    station.db.prepare('UPDATE audit_log SET hash = ? WHERE seq = 5').run(`${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}`);
    const result = station.audit.verify();
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.firstBadSeq).toBe(5);
  });

  it('detects a deleted entry', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    station.db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 4, reason: 'entry 4 is missing' });
  });

  it('detects a deleted entry even when the later ones are renumbered to close the gap', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    station.db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    station.db.prepare('UPDATE audit_log SET seq = -(seq - 1) WHERE seq > 4').run();
    station.db.prepare('UPDATE audit_log SET seq = -seq WHERE seq < 0').run();
    expect(station.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it('detects removed newest entries through the recorded head', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    station.db.prepare('DELETE FROM audit_log WHERE seq >= 7').run();
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 7, reason: 'entries 7 to 8 are missing' });
  });

  it('detects a removed record of the newest entry', async () => {
    const station = await stationWithLog();
    station.db.prepare('DELETE FROM audit_head').run();
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 8, reason: 'the record of the newest entry is missing' });
  });

  it('detects an entry added after the newest one, with a correct hash, when the recorded head was left alone', async () => {
    const station = await stationWithLog();
    const row = { ...rowOf(station, 8), seq: 9, actor: 'user-9', prev_hash: rowOf(station, 8).hash };
    station.db
      .prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.seq, row.time, row.actor, row.role, row.action, row.object, row.station, row.prev_hash, forgedHash(row, auditKeyOf(station.dataDir)));
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 9, reason: 'entries after 8 were added outside the log' });
  });

  it('detects reordered entries', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    // Swap entries 3 and 6 wholesale: each keeps its own content and hashes, under the other's seq.
    station.db.exec(`
      UPDATE audit_log SET seq = -1 WHERE seq = 3;
      UPDATE audit_log SET seq = 3 WHERE seq = 6;
      UPDATE audit_log SET seq = 6 WHERE seq = -1;
    `);
    expect(station.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('detects entries swapped while keeping their seq numbers', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    station.db.exec(`
      CREATE TEMP TABLE swap AS SELECT * FROM audit_log WHERE seq IN (5, 6);
      UPDATE audit_log SET time = (SELECT time FROM swap WHERE seq = 11 - audit_log.seq), action = (SELECT action FROM swap WHERE seq = 11 - audit_log.seq),
        object = (SELECT object FROM swap WHERE seq = 11 - audit_log.seq), prev_hash = (SELECT prev_hash FROM swap WHERE seq = 11 - audit_log.seq),
        hash = (SELECT hash FROM swap WHERE seq = 11 - audit_log.seq) WHERE seq IN (5, 6);
    `);
    expect(station.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
  });
});

describe('audit log against a forger who recomputes hashes', () => {
  it('detects an entry forged with a correctly recomputed hash: the next entry no longer follows it', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    forgeEntry(station, 3, { actor: 'user-9' }, auditKeyOf(station.dataDir));
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 4, reason: 'entry 4 does not follow entry 3' });
  });

  it('detects a change to the station column alone', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    station.db.prepare(`UPDATE audit_log SET station = ? WHERE seq = 2`).run('f'.repeat(32));
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 2, reason: 'entry 2 was altered' });
  });

  it('detects a forged newest entry, re-hashed, when the recorded head was left alone', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    forgeEntry(station, 8, { action: 'patient.view' }, auditKeyOf(station.dataDir));
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 8, reason: 'entry 8 does not match the recorded newest entry' });
  });

  it('detects a forged newest entry and head, re-hashed with the audit key, through the signed checkpoint', async () => {
    const station = await stationWithLog();
    station.audit.checkpoint();
    dropGuards(station);
    rehashFrom(station, 8, auditKeyOf(station.dataDir));
    forgeEntry(station, 8, { action: 'patient.view' }, auditKeyOf(station.dataDir));
    station.db.prepare('UPDATE audit_head SET hash = ?').run(rowOf(station, 8).hash);
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 8, reason: 'entry 8 differs from its signed checkpoint of 2025-01-15T09:00:08.000Z' });
  });

  it('detects a tail deleted together with a rewound head, through the signed checkpoint', async () => {
    const station = await stationWithLog();
    station.audit.checkpoint();
    dropGuards(station);
    station.db.prepare('DELETE FROM audit_log WHERE seq >= 7').run();
    station.db.prepare('UPDATE audit_head SET seq = 6, hash = ?').run(rowOf(station, 6).hash);
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 7, reason: 'entries 7 to 8 are missing (signed checkpoint of 2025-01-15T09:00:08.000Z)' });
  });

  it('detects a tail cut back to an older checkpoint: the newest checkpoint is the one that counts', async () => {
    const station = await openTestStation();
    for (const half of [1, 2]) {
      for (let i = 0; i < 4; i++) station.audit.append({ actor: 'user-1', role: 'nurse', action: 'patient.view', object: `half-${half}` });
      station.clock.advance(1_000);
      station.audit.checkpoint();
    }
    dropGuards(station);
    station.db.prepare('DELETE FROM audit_log WHERE seq > 4').run();
    station.db.prepare('UPDATE audit_head SET seq = 4, hash = ?').run(rowOf(station, 4).hash);
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 5, reason: 'entries 5 to 8 are missing (signed checkpoint of 2025-01-15T09:00:02.000Z)' });
  });

  it('checkpoints the very first entry, so removing it together with the head is detected', async () => {
    const station = await openTestStation();
    station.audit.append({ actor: 'user-1', role: 'nurse', action: 'patient.view', object: null });
    station.audit.checkpoint();
    dropGuards(station);
    station.db.prepare('DELETE FROM audit_log').run();
    station.db.prepare('DELETE FROM audit_head').run();
    expect(station.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 1, reason: expect.stringMatching(/^entries 1 to 1 are missing \(signed checkpoint/) });
  });

  it('detects an altered entry with the whole chain re-hashed without the audit key (plain SHA-256, or the records key)', async () => {
    for (const key of [null, (s: TestStation) => Buffer.from(readFileSync(join(s.dataDir, 'data.key'), 'utf8').trim(), 'hex')]) {
      const station = await stationWithLog();
      dropGuards(station);
      forgeEntry(station, 3, { actor: 'user-9' }, key && key(station));
      rehashFrom(station, 4, key && key(station));
      expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 3, reason: 'entry 3 was altered' });
    }
  });

  it('detects an altered entry with the whole chain and head re-hashed with the audit key, through the signed checkpoint', async () => {
    const station = await stationWithLog();
    station.audit.checkpoint();
    dropGuards(station);
    forgeEntry(station, 3, { actor: 'user-9' }, auditKeyOf(station.dataDir));
    rehashFrom(station, 4, auditKeyOf(station.dataDir));
    expect(station.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 8, reason: expect.stringContaining('differs from its signed checkpoint') });
  });
});

describe('audit anchor', () => {
  const anchorPath = (station: TestStation) => join(station.dataDir, AuditAnchor.FILE_NAME);

  it('adds a signed checkpoint only when the log has moved on, one JSON line each', async () => {
    const station = await stationWithLog();
    station.audit.checkpoint();
    station.audit.checkpoint();
    const lines = readFileSync(anchorPath(station), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ seq, keyedFrom }) => ({ seq, keyedFrom }))).toEqual([
      { seq: 0, keyedFrom: 1 },
      { seq: 8, keyedFrom: 1 },
    ]);
    expect(lines[1]?.hash).toBe(rowOf(station, 8).hash);
    expect(station.audit.verify()).toEqual({ ok: true, entries: 8 });
  });

  it.each([
    ['a checkpoint line altered', (text: string) => text.replace('"seq":8', '"seq":7'), 'was altered at line 2'],
    ['a checkpoint line removed from the middle', (text: string) => text.split('\n').filter((_, i) => i !== 1).join('\n'), 'was altered at line 2'],
    ['a line added without the key', (text: string) => `${text}{"seq":99,"hash":"${'0'.repeat(64)}","keyedFrom":1,"time":"x","mac":"${'0'.repeat(64)}"}\n`, 'was altered at line 4'],
  ])('detects %s', async (_label, tamper, reason) => {
    const station = await stationWithLog();
    station.audit.checkpoint();
    station.audit.append({ actor: 'user-1', role: 'nurse', action: 'patient.view', object: null });
    station.audit.checkpoint();
    writeFileSync(anchorPath(station), tamper(readFileSync(anchorPath(station), 'utf8')));
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 0, reason: `the audit anchor (audit.anchor) ${reason}` });
  });

  it('detects a removed anchor, and refuses to open a keyed chain whose audit key is gone', async () => {
    const station = await stationWithLog();
    rmSync(anchorPath(station));
    expect(station.audit.verify()).toEqual({ ok: false, firstBadSeq: 0, reason: 'the audit anchor (audit.anchor) is missing' });

    const keyed = await stationWithLog();
    rmSync(join(keyed.dataDir, 'audit.key'));
    await expect(openAuditLog(keyed.db, { dataDir: keyed.dataDir, keyProvider: new FileKeyProvider(keyed.dataDir).auditKeyProvider() })).rejects.toThrow(
      'the audit log is keyed (audit.anchor) but its audit key is missing',
    );
  });

  it('ignores a last line a crash left half-written', async () => {
    const station = await stationWithLog();
    appendFileSync(anchorPath(station), '{"seq":8,"hash":"ab');
    expect(station.audit.verify()).toEqual({ ok: true, entries: 8 });
  });
});

describe('an audit log written before the chain was keyed', () => {
  /** What an older VitalBridge left: plain SHA-256 entries, no audit key, no anchor. */
  async function legacyStation(entries: number): Promise<TestStation> {
    const station = await openTestStation();
    rmSync(join(station.dataDir, AuditAnchor.FILE_NAME));
    rmSync(join(station.dataDir, 'audit.key'));
    writeChain(station, entries, null, (seq) => ({ time: `2024-06-0${seq}T10:00:00.000Z`, object: `old-${seq}` }));
    return station;
  }
  const reopen = (station: TestStation) => openAuditLog(station.db, { dataDir: station.dataDir, keyProvider: new FileKeyProvider(station.dataDir).auditKeyProvider() });

  it('is keyed at the first start with an explicit audit entry, and its plain entries still verify', async () => {
    const station = await legacyStation(3);
    expect(await cli(station.dataDir)).toMatchObject({ code: 1, stderr: expect.stringContaining('the audit log has not been keyed yet') });
    const audit = await reopen(station);
    expect(audit.entries().map(({ seq, action, actor, role }) => ({ seq, action, actor, role }))).toContainEqual({ seq: 4, action: 'audit.chain-keyed', actor: 'station', role: 'system' });
    expect(audit.entries()[3]?.hash).toBe(forgedHash(rowOf(station, 4), auditKeyOf(station.dataDir)));
    expect(JSON.parse(readFileSync(join(station.dataDir, AuditAnchor.FILE_NAME), 'utf8').split('\n')[0]!)).toMatchObject({ seq: 3, keyedFrom: 4 });
    audit.append({ actor: 'user-1', role: 'nurse', action: 'patient.view', object: null });
    expect(audit.verify()).toEqual({ ok: true, entries: 5 });
    expect(await cli(station.dataDir)).toEqual({ code: 0, stdout: 'audit log intact: 5 entries\n', stderr: '' });
  });

  it('keeps its plain part sealed: re-hashing it after an alteration disagrees with the keying checkpoint (and the first keyed entry)', async () => {
    const station = await legacyStation(3);
    const audit = await reopen(station);
    dropGuards(station);
    forgeEntry(station, 2, { actor: 'user-9' }, null);
    forgeEntry(station, 3, { prev_hash: rowOf(station, 2).hash }, null);
    expect(audit.verify()).toMatchObject({ ok: false, firstBadSeq: 3, reason: expect.stringContaining('entry 3 differs from its signed checkpoint') });
  });
});

describe('audit-verify verb', () => {
  it('exits 0 on an intact log and 1 naming the first bad seq on a tampered one', async () => {
    const station = await stationWithLog();
    station.db.close();
    expect(await cli(station.dataDir)).toEqual({ code: 0, stdout: 'audit log intact: 8 entries\n', stderr: '' });

    const tampered = await openTestStation(station.dataDir);
    dropGuards(tampered);
    tampered.db.prepare(`UPDATE audit_log SET object = 'object-X' WHERE seq = 3`).run();
    tampered.db.close();
    const result = await cli(station.dataDir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('audit log tampered: first bad entry seq 3 (entry 3 was altered)\n');
  });

  it('refuses to check a keyed log whose audit key is gone, and creates no new key', async () => {
    const station = await stationWithLog();
    station.db.close();
    rmSync(join(station.dataDir, 'audit.key'));
    expect(await cli(station.dataDir)).toMatchObject({ code: 1, stderr: expect.stringContaining('the audit log is keyed (audit.anchor) but its audit key is missing') });
    expect(existsSync(join(station.dataDir, 'audit.key'))).toBe(false);
  });

  it('fails with a clear message for a folder without records, and creates nothing there', async () => {
    const empty = (await openTestStation()).dataDir + '-none';
    const result = await cli(empty);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('there is no records database');
  });
});
