import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli';
import { openTestStation, type TestStation } from '../records/test-support';
import { AuditLog, GENESIS_HASH, hashAuditEntry, verifyAuditLog, type AuditAction } from './audit-log';
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
  it('chains entries from the genesis hash, with time, station and the hash over canonical JSON', async () => {
    const { audit, db } = await stationWithLog();
    const entries = audit.entries();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(entries[0]?.prevHash).toBe(GENESIS_HASH);
    entries.slice(1).forEach((entry, index) => expect(entry.prevHash).toBe(entries[index]?.hash));
    const first = entries[0]!;
    expect(first.time).toBe('2025-01-15T09:00:01.000Z');
    expect(first.where).toMatch(/^[0-9a-f]{32}$/);
    expect(first.hash).toBe(hashAuditEntry({ ...first }));
    expect(verifyAuditLog(db)).toEqual({ ok: true, entries: 8 });
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
    const entry = new AuditLog(reopened.db).append({ actor: 'user-2', role: 'physician', action: 'patient.view', object: 'p' });
    expect(entry.seq).toBe(9);
    expect(verifyAuditLog(reopened.db)).toEqual({ ok: true, entries: 9 });
  });

  it('detects a single changed byte and names its seq', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    // 'patient.view' → 'patient.viev': one byte.
    station.db.prepare(`UPDATE audit_log SET action = 'patient.viev' WHERE seq = 2`).run();
    expect(verifyAuditLog(station.db)).toEqual({ ok: false, firstBadSeq: 2, reason: 'entry 2 was altered' });
  });

  it('detects a changed byte in a stored hash', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    const hash = station.audit.entries()[4]!.hash;
    station.db.prepare('UPDATE audit_log SET hash = ? WHERE seq = 5').run(`${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}`);
    const result = verifyAuditLog(station.db);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.firstBadSeq).toBe(5);
  });

  it('detects a deleted entry', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    station.db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    expect(verifyAuditLog(station.db)).toEqual({ ok: false, firstBadSeq: 4, reason: 'entry 4 is missing' });
  });

  it('detects a deleted entry even when the later ones are renumbered to close the gap', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    station.db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    station.db.prepare('UPDATE audit_log SET seq = -(seq - 1) WHERE seq > 4').run();
    station.db.prepare('UPDATE audit_log SET seq = -seq WHERE seq < 0').run();
    expect(verifyAuditLog(station.db)).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it('detects removed newest entries through the recorded head', async () => {
    const station = await stationWithLog();
    dropGuards(station);
    station.db.prepare('DELETE FROM audit_log WHERE seq >= 7').run();
    expect(verifyAuditLog(station.db)).toEqual({ ok: false, firstBadSeq: 7, reason: 'entries 7 to 8 are missing' });
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
    expect(verifyAuditLog(station.db)).toMatchObject({ ok: false, firstBadSeq: 3 });
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
    expect(verifyAuditLog(station.db)).toMatchObject({ ok: false, firstBadSeq: 5 });
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

  it('fails with a clear message for a folder without records, and creates nothing there', async () => {
    const empty = (await openTestStation()).dataDir + '-none';
    const result = await cli(empty);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('there is no records database');
  });
});
