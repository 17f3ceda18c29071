/**
 * The Sync panel's contract methods through invokeContract (the path Electron IPC and the web-mode
 * socket share), from screens signed in as each role, over a SyncThread whose worker is a stand-in
 * (the real worker is tested in test/station-sync.test.ts and the web e2e) and the real outbox of
 * a records database: administrators see and act, nurses get the one-line summary, the others
 * nothing; Retry and Send now change the outbox, wake the worker and are audited, ids and counts only.
 */
import { describe, expect, it } from 'vitest';
import type { StationRole } from '../../../shared/roles';
import type { Outbox } from '../../sync/outbox';
import type { SyncThread } from '../../sync/sync-thread';
import { auditHead, type AccessBench } from '../access/access-test-support';
import type { ScreenAccess } from '../access/station-access';
import { invokeContract } from '../contract-session';
import { standInHandlers } from '../stand-in-handlers';
import { standInSyncThreadPerTest, type StandInWorker } from './sync-test-support';
import { createSyncHandlers, type StationSync } from './sync-handlers';

const SERVER = 'http://127.0.0.1:9/fhir';
const REFUSAL = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', expression: ['Observation.valueQuantity'], diagnostics: 'value 97 for Ada Byron' }] });

let bench: AccessBench;
let worker: StandInWorker;
let thread: SyncThread;
let outbox: Outbox;
standInSyncThreadPerTest(SERVER, (opened) => ({ bench, outbox, worker, thread } = opened));

/** Four readings: two parked by the server, two waiting out a backoff of a minute. */
function outboxWithParkedAndWaiting() {
  const { store, clock } = bench.station;
  const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null });
  for (let i = 0; i < 4; i += 1) store.recordReading(patient.id, null, { deviceId: 'ox', metric: 'spo2', unit: '%', value: 95 + i, deviceTime: null, receivedAt: clock.time + i });
  const claimed = outbox.claim(100, 60_000);
  const readings = claimed.filter((item) => item.kind === 'reading');
  outbox.park(readings.slice(0, 2), REFUSAL);
  outbox.retryLater([...claimed.filter((item) => item.kind !== 'reading'), ...readings.slice(2)], 60_000);
  return { parked: readings.slice(0, 2), waiting: claimed.length - 2 };
}

async function signedIn(role: StationRole): Promise<{ screen: ScreenAccess; userId: string }> {
  const { screen, account } = await bench.signedIn(role);
  return { screen, userId: account.id };
}

const handlersOver = (sync: StationSync = { state: 'running', thread }) => standInHandlers(createSyncHandlers({ sync, audit: bench.station.audit }));
const call = (screen: ScreenAccess, method: string, sync?: StationSync) => invokeContract(handlersOver(sync), screen, method, undefined);

describe('the Sync panel, for administrators', () => {
  it("shows the server, the last success, what waits and each parked item with the server's issues (never its diagnostics)", async () => {
    const { parked, waiting } = outboxWithParkedAndWaiting();
    const { screen } = await signedIn('administrator');
    const result = await call(screen, 'getSyncStatus');
    expect(result).toEqual({
      ok: true,
      output: {
        state: 'running',
        server: SERVER,
        lastSuccessAt: null,
        waiting,
        inFlight: 0,
        parked: 2,
        parkedItems: parked.map((item) => ({ seq: item.seq, kind: 'reading', recordId: item.recordId, attempts: 1, parkedAt: bench.station.clock.time, reason: 'error invalid at Observation.valueQuantity' })),
        problem: null,
      },
    });
    expect(JSON.stringify(result)).not.toContain('Ada');
  });

  it('Retry puts every parked item back in the queue, due now, wakes the sync and is audited under the administrator with the count only', async () => {
    const { parked } = outboxWithParkedAndWaiting();
    const { screen, userId } = await signedIn('administrator');
    const from = auditHead(bench);
    expect(await call(screen, 'retryParkedSync')).toEqual({ ok: true, output: { requeued: 2 } });
    expect(outbox.counts()).toMatchObject({ parked: 0 });
    expect(outbox.claim(100, 60_000).map((item) => item.seq)).toEqual(parked.map((item) => item.seq));
    expect(worker.received).toEqual([{ type: 'wake' }]);
    expect(bench.auditSince(from).map(({ actor, role, action, object }) => ({ actor, role, action, object }))).toEqual([{ actor: userId, role: 'administrator', action: 'sync.manage', object: 'retry:2' }]);
  });

  it('Send now makes the items waiting out a backoff due at once, wakes the sync and is audited', async () => {
    const { waiting } = outboxWithParkedAndWaiting();
    const { screen, userId } = await signedIn('administrator');
    expect(outbox.claim(100, 60_000)).toEqual([]);
    const from = auditHead(bench);
    expect(await call(screen, 'sendSyncNow')).toEqual({ ok: true, output: { due: waiting } });
    expect(outbox.claim(100, 60_000)).toHaveLength(waiting);
    expect(worker.received).toEqual([{ type: 'wake' }]);
    expect(bench.auditSince(from).map(({ actor, action, object }) => ({ actor, action, object }))).toEqual([{ actor: userId, action: 'sync.manage', object: `send-now:${waiting}` }]);
  });

  it('says when no server is configured, and refuses Retry and Send now with that reason, auditing nothing', async () => {
    outboxWithParkedAndWaiting();
    const { screen } = await signedIn('administrator');
    const from = auditHead(bench);
    const none: StationSync = { state: 'not-configured' };
    expect(await call(screen, 'getSyncStatus', none)).toEqual({ ok: true, output: { state: 'not-configured' } });
    for (const method of ['retryParkedSync', 'sendSyncNow']) {
      expect(await call(screen, method, none)).toMatchObject({ ok: false, error: { code: 'failed', message: 'no FHIR server is configured (settings fhirServer.baseUrl)' } });
    }
    expect(outbox.counts()).toMatchObject({ parked: 2 });
    expect(bench.auditSince(from)).toEqual([]);
  });

  it('says why a configured sync is not running', async () => {
    const { screen } = await signedIn('administrator');
    const stopped: StationSync = { state: 'not-running', server: SERVER, problem: 'the sync cannot start: the sync key is missing' };
    expect(await call(screen, 'getSyncStatus', stopped)).toEqual({ ok: true, output: stopped });
    expect(await call(screen, 'sendSyncNow', stopped)).toMatchObject({ ok: false, error: { message: 'the sync is not running: the sync cannot start: the sync key is missing' } });
  });
});

describe('the sync for other roles', () => {
  it('gives a nurse the one-line summary: counts and the problem, no server and no record ids', async () => {
    outboxWithParkedAndWaiting();
    const { screen } = await signedIn('nurse');
    const result = await call(screen, 'getSyncSummary');
    expect(result).toEqual({ ok: true, output: { state: 'running', lastSuccessAt: null, waiting: expect.any(Number), parked: 2, problem: null } });
    expect(JSON.stringify(result)).not.toContain('127.0.0.1');
    expect(await call(screen, 'getSyncSummary', { state: 'not-running', server: SERVER, problem: 'the sync key is missing' })).toEqual({
      ok: true,
      output: { state: 'not-running', lastSuccessAt: null, waiting: 0, parked: 0, problem: 'the sync key is missing' },
    });
  });

  it.each([
    ['nurse', ['getSyncStatus', 'retryParkedSync', 'sendSyncNow']],
    ['physician', ['getSyncStatus', 'getSyncSummary', 'retryParkedSync', 'sendSyncNow']],
    ['kiosk', ['getSyncStatus', 'getSyncSummary', 'retryParkedSync', 'sendSyncNow']],
    ['administrator', ['getSyncSummary']],
  ] as const)('refuses a %s %j, changing and auditing nothing', async (role, methods) => {
    outboxWithParkedAndWaiting();
    const before = outbox.counts();
    const { screen } = await signedIn(role);
    const from = auditHead(bench);
    for (const method of methods) expect(await call(screen, method), method).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(outbox.counts()).toEqual(before);
    expect(worker.received).toEqual([]);
    expect(bench.auditSince(from).filter((entry) => entry.action === 'sync.manage')).toEqual([]);
  });
});
