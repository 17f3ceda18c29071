/**
 * The outbox only grows: sent rows are kept until their patient is erased. What the station runs
 * for every reading it records, and whenever staff look at the sync, must therefore find its rows
 * through an index and never read the whole outbox: at 500,000 rows a scan costs ~30 ms, on every
 * reading of an oximeter. This test records every statement those paths prepare and asks SQLite
 * how it would run each (EXPLAIN QUERY PLAN): none may scan the outbox.
 */
import { describe, expect, it } from 'vitest';
import { Outbox } from '../sync/outbox';
import { syncStatus } from '../sync/sync-status';
import type { RecordsDb } from './database';
import { openTestStation } from './test-support';

/** The SQL of every statement `db` prepares while `run` runs. */
function preparedDuring(db: RecordsDb, run: () => void): string[] {
  const prepare = db.prepare.bind(db);
  const seen: string[] = [];
  db.prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as RecordsDb['prepare'];
  try {
    run();
  } finally {
    db.prepare = prepare;
  }
  return seen;
}

/** How SQLite would run `sql` (its parameters bound to null: the plan does not depend on them). */
function planOf(db: RecordsDb, sql: string): string[] {
  const named = [...new Set(sql.match(/@\w+/g) ?? [])];
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const rows = named.length > 0 ? statement.all(Object.fromEntries(named.map((name) => [name.slice(1), null]))) : statement.all(...Array<null>((sql.match(/\?/g) ?? []).length).fill(null));
  return (rows as { detail: string }[]).map((row) => row.detail);
}

/**
 * Each outbox statement with the steps of its plan that read the whole outbox (alias o included),
 * or build a throwaway index over it (SQLite's automatic index: a scan on every run).
 */
function outboxScans(db: RecordsDb, statements: readonly string[]): { sql: string; scans: string[] }[] {
  return [...new Set(statements)]
    .filter((sql) => /\boutbox\b/.test(sql))
    .map((sql) => ({ sql: sql.replace(/\s+/g, ' ').slice(0, 160), scans: planOf(db, sql).filter((step) => /^SCAN (outbox|o)\b|AUTOMATIC/.test(step)) }))
    .filter(({ scans }) => scans.length > 0);
}

describe('outbox statements on the hot paths', () => {
  it('recording readings, a visit’s pleth list and the sync status find outbox rows by index, never by reading them all', async () => {
    const s = await openTestStation();
    const patient = s.store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: null, gender: 'female', identifier: null });
    const visit = s.store.startVisit(patient.id, 'nurse-1');
    const outbox = new Outbox(s.db, s.clock.now);
    const oximeter = { deviceId: 'ox-1', metric: 'spo2', value: 95, unit: '%', deviceTime: null, source: 'pulse-oximeter' } as const;
    const statements = preparedDuring(s.db, () => {
      // The first reading of a minute queues its summary; the second looks the summary up.
      s.store.recordReading(patient.id, visit.id, { ...oximeter, receivedAt: s.clock.time });
      s.store.recordReading(patient.id, visit.id, { ...oximeter, receivedAt: s.clock.time + 1_000 });
      s.store.recordReading(patient.id, visit.id, { deviceId: 'cuff-1', metric: 'pulseRate', value: 72, unit: '/min', deviceTime: null, receivedAt: s.clock.time, source: 'blood-pressure-cuff' });
      s.store.plethVisits(patient.id);
      // Ending a visit queues its summary at most once; reopening it withdraws one not yet sent.
      s.store.endVisit(visit.id);
      s.store.reopenVisit(visit.id);
      syncStatus(outbox, null);
      outbox.nextDueAt();
    });
    expect(statements.filter((sql) => /\boutbox\b/.test(sql)).length).toBeGreaterThanOrEqual(5);
    expect(outboxScans(s.db, statements)).toEqual([]);
    // The last success: the newest of the sent rows from the end of an index, not by reading them all.
    const lastSent = statements.find((sql) => /max\(sent_at\)/.test(sql))!;
    expect(planOf(s.db, lastSent)).toEqual([expect.stringMatching(/^SEARCH outbox USING COVERING INDEX outbox_last_sent \(state=\?\)$/)]);
    // The oldest item still to send: likewise, per state, from outbox_oldest_queued (a backlog is large).
    const oldestWaiting = statements.find((sql) => /min\(queued_at\)/.test(sql))!;
    expect(planOf(s.db, oldestWaiting).filter((step) => step.startsWith('SEARCH outbox'))).toEqual([
      'SEARCH outbox USING COVERING INDEX outbox_oldest_queued (state=?)',
      'SEARCH outbox USING COVERING INDEX outbox_oldest_queued (state=?)',
    ]);
    s.db.close();
  });

  it('sees a scan where there is one (negative control)', async () => {
    const s = await openTestStation();
    const unindexed = [
      `SELECT state FROM outbox WHERE kind = 'reading-summary' AND record_id = ?`,
      'SELECT state, count(*) FROM outbox GROUP BY state',
      `SELECT count(*) FROM waveform_segments w JOIN outbox o ON o.kind = 'pleth-segment' AND o.record_id = CAST(w.id AS TEXT) WHERE w.visit_id = ?`,
    ];
    expect(outboxScans(s.db, unindexed)).toHaveLength(3);
    s.db.close();
  });
});
