/**
 * The request to send a visit's pleth (sendEncounterPleth) and the list it is asked from
 * (listPlethVisits), through invokeContract from screens signed in as each role, over a SyncThread
 * whose worker is a stand-in and the real outbox of a records database.
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
import { createPlethHandlers } from './pleth-handlers';
import type { StationSync } from './sync-handlers';

let bench: AccessBench;
let worker: StandInWorker;
let thread: SyncThread;
let outbox: Outbox;
standInSyncThreadPerTest('http://127.0.0.1:9/fhir', (opened) => ({ bench, outbox, worker, thread } = opened));

/** A patient with two visits: three 10 s pleth segments in the first, one in the second, and an ECG segment. */
function visitsWithPleth() {
  const { store, clock } = bench.station;
  const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null });
  const segment = (startedAt: number, metric: 'pleth' | 'ecg' = 'pleth') => ({ deviceId: 'ox-1', metric, rateHz: 60, startedAt, samples: Array.from({ length: 600 }, (_, i) => i % 128), scale: { min: 0, max: 127 } });
  const first = store.startVisit(patient.id, 'nurse-1');
  for (let i = 0; i < 3; i += 1) store.recordWaveform(patient.id, first.id, segment(clock.time + i * 10_000));
  store.recordWaveform(patient.id, first.id, segment(clock.time, 'ecg'));
  store.endVisit(first.id);
  // Visits are listed by when they started: the second starts a minute later.
  clock.time += 60_000;
  const second = store.startVisit(patient.id, 'nurse-1');
  store.recordWaveform(patient.id, second.id, segment(clock.time));
  return { patient, first, second };
}

const plethItems = () => bench.station.db.prepare(`SELECT record_id FROM outbox WHERE kind = 'pleth-segment' ORDER BY seq`).pluck().all();

async function signedIn(role: StationRole): Promise<{ screen: ScreenAccess; userId: string }> {
  const { screen, account } = await bench.signedIn(role);
  return { screen, userId: account.id };
}

const call = (screen: ScreenAccess, method: string, input: unknown, sync: StationSync = { state: 'running', thread }) =>
  invokeContract(standInHandlers(createPlethHandlers({ sync, store: bench.station.store, audit: bench.station.audit })), screen, method, input);

describe("sending a visit's pleth on request", () => {
  it.each(['physician', 'administrator'] as const)(
    'a %s lists the visits with their pleth, queues one visit once (a second request queues nothing twice), wakes the sync, audited with ids and counts',
    async (role) => {
      const { patient, first, second } = visitsWithPleth();
      const { screen, userId } = await signedIn(role);
      const visit = (v: typeof first, segments: number, queued: number) => ({ visitId: v.id, startedAt: v.startedAt, endedAt: expect.any(Number), segments, queued });
      expect(await call(screen, 'listPlethVisits', { patientId: patient.id })).toEqual({ ok: true, output: [visit(first, 3, 0), { ...visit(second, 1, 0), endedAt: null }] });

      const from = auditHead(bench);
      expect(await call(screen, 'sendEncounterPleth', { visitId: first.id })).toEqual({ ok: true, output: { queued: 3, alreadyQueued: 0, unscaled: 0 } });
      expect(worker.received).toEqual([{ type: 'wake' }]);
      expect(await call(screen, 'sendEncounterPleth', { visitId: first.id })).toEqual({ ok: true, output: { queued: 0, alreadyQueued: 3, unscaled: 0 } });
      // Nothing new to send: the sync is not woken again.
      expect(worker.received).toEqual([{ type: 'wake' }]);
      expect(plethItems()).toHaveLength(3);
      expect(outbox.claim(100, 60_000).filter((item) => item.kind === 'pleth-segment')).toHaveLength(3);
      expect(bench.auditSince(from).map(({ actor, role: r, action, object }) => ({ actor, role: r, action, object }))).toEqual([
        { actor: userId, role, action: 'record.export', object: `pleth:${first.id}:3` },
        { actor: userId, role, action: 'record.export', object: `pleth:${first.id}:0` },
      ]);
      expect(await call(screen, 'listPlethVisits', { patientId: patient.id })).toMatchObject({ ok: true, output: [{ segments: 3, queued: 3 }, { segments: 1, queued: 0 }] });
    },
  );

  it('refuses an unknown visit or patient, and any request without a running sync, queueing and auditing nothing', async () => {
    const { first } = visitsWithPleth();
    const { screen } = await signedIn('physician');
    const from = auditHead(bench);
    expect(await call(screen, 'sendEncounterPleth', { visitId: 'no-such-visit' })).toMatchObject({ ok: false, error: { code: 'failed', message: 'no such visit' } });
    expect(await call(screen, 'listPlethVisits', { patientId: 'no-such-patient' })).toMatchObject({ ok: false, error: { code: 'failed', message: 'no such patient' } });
    expect(await call(screen, 'sendEncounterPleth', { visitId: first.id }, { state: 'not-configured' })).toMatchObject({
      ok: false,
      error: { code: 'failed', message: 'no FHIR server is configured (settings fhirServer.baseUrl)' },
    });
    expect(plethItems()).toEqual([]);
    expect(worker.received).toEqual([]);
    expect(bench.auditSince(from)).toEqual([]);
  });

  it.each(['nurse', 'kiosk'] as const)('refuses a %s both methods, queueing and auditing nothing', async (role) => {
    const { patient, first } = visitsWithPleth();
    const { screen } = await signedIn(role);
    const from = auditHead(bench);
    expect(await call(screen, 'listPlethVisits', { patientId: patient.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call(screen, 'sendEncounterPleth', { visitId: first.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(plethItems()).toEqual([]);
    expect(bench.auditSince(from).filter((entry) => entry.action === 'record.export')).toEqual([]);
  });
});
