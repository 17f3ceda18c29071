import type { Bundle, Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { openRecordsDatabase } from '../records/database';
import { FileKeyProvider } from '../records/key-provider';
import { RecordStore } from '../records/store';
import { tempDataDir, TestClock } from '../records/test-support';
import { AuthorizationError } from './access-token';
import { Outbox } from './outbox';
import { SyncPusher, type PushOptions, type TransactionClient } from './push';
import type { Encounter } from '@medplum/fhirtypes';
import { VIDEO_VISIT_CONSENT_SCOPE } from '../records/store';
import { StationIds } from '../fhir/stable-ids';

const PATIENT = { givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null } as const;

type Reply = Awaited<ReturnType<TransactionClient['transaction']>> | Error;

/** Answers each transaction as `reply` says; by default as a server that stored every entry. */
class ScriptedClient implements TransactionClient {
  readonly bundles: Bundle[] = [];
  constructor(public reply: (bundle: Bundle) => Reply = stored) {}
  async transaction(bundle: Bundle): Promise<Awaited<ReturnType<TransactionClient['transaction']>>> {
    this.bundles.push(bundle);
    const answer = this.reply(bundle);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

function stored(bundle: Bundle): Reply {
  return { status: 200, retryAfterMs: null, body: { resourceType: 'Bundle', type: 'transaction-response', entry: (bundle.entry ?? []).map(() => ({ response: { status: '201 Created' } })) } };
}

async function station(readingCount: number, maxEntries = 500, careSetting: PushOptions['careSetting'] = 'station', volume: PushOptions['volume'] = 'minute-summaries') {
  const dataDir = tempDataDir();
  const clock = new TestClock();
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  const store = new RecordStore(db, clock.now);
  const outbox = new Outbox(db, clock.now);
  const patient = store.createPatient(PATIENT);
  for (let i = 0; i < readingCount; i += 1) store.recordReading(patient.id, null, { deviceId: 'ox-1', metric: 'spo2', value: 90 + (i % 10), unit: '%', deviceTime: null, receivedAt: clock.time + i * 1_000 });
  const client = new ScriptedClient();
  const audited: string[] = [];
  const pusher = new SyncPusher(store, outbox, client, {
    stationId: '0123456789abcdef0123456789abcdef',
    patientIdentifierSystem: null,
    careSetting,
    volume,
    softwareVersion: '0.0.0-test',
    maxEntries,
    leaseMs: 60_000,
    now: clock.now,
    random: () => 0.5,
    audit: (line) => audited.push(line),
  });
  return { db, store, outbox, client, audited, pusher, clock, patient };
}

const observationValues = (bundle: Bundle) =>
  (bundle.entry ?? []).flatMap((entry) => (entry.resource?.resourceType === 'Observation' ? [(entry.resource as Observation).valueQuantity?.value] : []));

describe('sync push', () => {
  it("sends each visit with the station's care setting as its class (HH at home), and one with a video visit as VR (virtual)", async () => {
    const s = await station(0, 500, 'home');
    const atHome = s.store.startVisit(s.patient.id, 'u-nurse');
    const withVideo = s.store.startVisit(s.patient.id, 'u-nurse');
    s.store.recordConsent(s.patient.id, withVideo.id, { scope: `${VIDEO_VISIT_CONSENT_SCOPE}/video-visit-consent/1`, granted: true }, 'u-nurse');
    expect(await s.pusher.push()).toMatchObject({ answer: 200, retrying: 0, parked: 0 });
    const encounters = s.client.bundles[0]!.entry!.flatMap((entry) => (entry.resource?.resourceType === 'Encounter' ? [entry.resource as Encounter] : []));
    const ids = new StationIds('0123456789abcdef0123456789abcdef');
    const which = (encounter: Encounter) => (encounter.identifier?.[0]?.value === ids.identifier('visit', atHome.id).value ? 'at home' : 'with video');
    // Both visits start in the same millisecond: their order in the batch is not the point.
    expect(encounters).toHaveLength(2);
    expect(Object.fromEntries(encounters.map((encounter) => [which(encounter), encounter.class.code]))).toEqual({ 'at home': 'HH', 'with video': 'VR' });
  });

  it('sends the oldest items first in Bundles of at most maxEntries entries, marks them sent and audits counts only', async () => {
    const s = await station(30, 12);
    const first = await s.pusher.push();
    expect(s.client.bundles[0]!.type).toBe('transaction');
    expect(s.client.bundles[0]!.entry!.length).toBeLessThanOrEqual(12);
    expect(first).toMatchObject({ answer: 200, retrying: 0, parked: 0 });
    while ((await s.pusher.push()).answer !== null);
    expect(s.client.bundles.every((bundle) => bundle.entry!.length <= 12)).toBe(true);
    expect(s.client.bundles.flatMap(observationValues)).toEqual(s.store.readings(s.patient.id).map((reading) => reading.value));
    expect(s.outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 0 });
    expect(s.db.prepare(`SELECT count(*) FROM outbox WHERE state = 'sent'`).pluck().get()).toBe(31);
    expect(JSON.parse(s.audited[0]!)).toEqual({ items: first.sent, entries: s.client.bundles[0]!.entry!.length, seq: [1, first.sent], answer: 200 });
    expect(s.audited.join('\n')).not.toMatch(/Ada|Byron|spo2/);
  });

  it.each([
    ['503 with Retry-After', { status: 503, retryAfterMs: 30_000, body: null }, 503, 30_000],
    ['429 with Retry-After', { status: 429, retryAfterMs: 45_000, body: null }, 429, 45_000],
    ['401 after the client re-authenticated', { status: 401, retryAfterMs: null, body: null }, 401, 500],
    ['408', { status: 408, retryAfterMs: null, body: null }, 408, 500],
    ['a network error', new TypeError('fetch failed'), 'network', 500],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'timeout', 500],
    ["the token endpoint refusing the station's key", new AuthorizationError('token endpoint refused the station: HTTP 401'), 'key-refused', 500],
    ['a 200 that does not account for every entry', { status: 200, retryAfterMs: null, body: { resourceType: 'Bundle', type: 'transaction-response', entry: [] } }, 200, 500],
  ] as const)('keeps the batch waiting after %s and tries again only when its backoff ends', async (_name, reply, answer, delayMs) => {
    const s = await station(3);
    s.client.reply = () => reply;
    expect(await s.pusher.push()).toMatchObject({ sent: 0, retrying: 4, parked: 0, answer });
    expect(s.outbox.counts()).toMatchObject({ waiting: 4, inFlight: 0, lastSentAt: null });
    s.clock.advance(delayMs - 1);
    expect((await s.pusher.push()).answer).toBeNull();
    s.clock.advance(1);
    s.client.reply = stored;
    expect(await s.pusher.push()).toMatchObject({ sent: 4, answer: 200 });
  });

  it('parks only what the server refuses on its own, with its OperationOutcome, and sends the rest', async () => {
    const s = await station(10);
    const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: 'value 93 refused' }] };
    s.client.reply = (bundle) => (observationValues(bundle).includes(93) ? { status: 422, retryAfterMs: null, body: outcome } : stored(bundle));
    const report = await s.pusher.push();
    expect(report).toMatchObject({ sent: 10, parked: 1, retrying: 0 });
    const [parked] = s.outbox.parked();
    expect(JSON.parse(parked!.outcome)).toEqual(outcome);
    expect(s.store.readings(s.patient.id).find((reading) => String(reading.id) === parked!.recordId)?.value).toBe(93);
    expect(s.outbox.counts()).toMatchObject({ waiting: 0, parked: 1 });
    expect(s.db.prepare(`SELECT count(*) FROM outbox WHERE state = 'sent'`).pluck().get()).toBe(10);
  });

  it('parks an item whose record was pruned before it was sent, saying so, instead of dropping it', async () => {
    const s = await station(2);
    s.db.prepare('DELETE FROM readings WHERE id = (SELECT min(id) FROM readings)').run();
    expect(await s.pusher.push()).toMatchObject({ sent: 2, parked: 1 });
    expect(s.outbox.parked()[0]!.outcome).toMatch(/removed \(retention or erasure\) before it could be sent/);
  });

  it("parks a queued pleth segment that retention pruned before it was sent, and sends the visit's other segment as SampledData", async () => {
    const s = await station(0);
    const visit = s.store.startVisit(s.patient.id, 'u-nurse');
    const segment = (startedAt: number) => ({ deviceId: 'ox-1', metric: 'pleth' as const, rateHz: 60, startedAt, samples: [64, 70, 81], scale: { min: 0, max: 127 } });
    const pruned = s.store.recordWaveform(s.patient.id, visit.id, segment(s.clock.time));
    s.store.recordWaveform(s.patient.id, visit.id, segment(s.clock.time + 10_000));
    s.store.queueVisitPleth(visit.id);
    s.db.prepare('DELETE FROM waveform_segments WHERE id = ?').run(pruned);
    expect(await s.pusher.push()).toMatchObject({ parked: 1 });
    expect(s.outbox.parked().map((item) => [item.kind, item.recordId])).toEqual([['pleth-segment', String(pruned)]]);
    const sampled = s.client.bundles.flatMap((bundle) => bundle.entry ?? []).flatMap((entry) => (entry.resource?.resourceType === 'Observation' ? [(entry.resource as Observation).valueSampledData?.data] : []));
    expect(sampled).toEqual(['64 70 81']);
  });

  for (const volume of ['minute-summaries', 'all-readings'] as const) {
    it(`(${volume}) parks a minute summary whose readings were all pruned before it was sent, and sends the rest`, async () => {
      const s = await station(0, 500, 'station', volume);
      const oximeter = { deviceId: 'ox-1', metric: 'spo2', unit: '%', deviceTime: null, source: 'pulse-oximeter' } as const;
      s.store.recordReading(s.patient.id, null, { ...oximeter, value: 95, receivedAt: s.clock.time });
      s.store.recordReading(s.patient.id, null, { ...oximeter, value: 96, receivedAt: s.clock.time + 60_000 });
      s.db.prepare('DELETE FROM readings WHERE id = (SELECT min(id) FROM readings)').run();
      s.clock.advance(3 * 60_000);
      while ((await s.pusher.push()).answer !== null);
      expect(s.outbox.parked().map((item) => item.kind)).toEqual(['reading-summary']);
      expect(s.outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 1 });
      expect(s.client.bundles.flatMap((bundle) => observationValues(bundle))).toEqual([96]);
    });
  }

  it("parks an ended visit's summary whose visit was removed before it was sent, saying so", async () => {
    const s = await station(0);
    const visit = s.store.startVisit(s.patient.id, 'u-nurse');
    s.store.endVisit(visit.id);
    s.db.prepare('DELETE FROM visits WHERE id = ?').run(visit.id);
    while ((await s.pusher.push()).answer !== null);
    expect(s.outbox.parked().map((item) => [item.kind, item.recordId])).toEqual([
      ['visit', visit.id],
      ['visit', visit.id],
      ['visit-summary', visit.id],
    ]);
    expect(s.outbox.parked()[2]!.outcome).toMatch(/removed \(retention or erasure\) before it could be sent/);
    const documents = s.client.bundles.flatMap((bundle) => bundle.entry ?? []).filter((entry) => entry.resource?.resourceType === 'DocumentReference');
    expect(documents).toEqual([]);
  });

  it('sends nothing of a summary whose visit was reopened after it was queued, and sends it once the visit has ended again', async () => {
    const s = await station(0);
    const visit = s.store.startVisit(s.patient.id, 'u-nurse');
    s.store.endVisit(visit.id);
    // Reopened behind the outbox's back (as if while the worker held the item): the visit is open when the summary is built.
    s.db.prepare('UPDATE visits SET ended_at = NULL WHERE id = ?').run(visit.id);
    const documentsSent = () => s.client.bundles.flatMap((bundle) => bundle.entry ?? []).filter((entry) => entry.resource?.resourceType === 'DocumentReference');
    expect(await s.pusher.push()).toMatchObject({ answer: 200, parked: 0 });
    expect(documentsSent()).toEqual([]);
    expect(s.db.prepare(`SELECT state, attempts FROM outbox WHERE kind = 'visit-summary'`).get()).toEqual({ state: 'waiting', attempts: 1 });
    s.store.endVisit(visit.id);
    s.clock.advance(10 * 60_000);
    while ((await s.pusher.push()).answer !== null);
    expect(documentsSent()).toHaveLength(1);
    expect(s.outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 0 });
  });
});
