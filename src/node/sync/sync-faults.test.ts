/**
 * The sync against a real FHIR server (Medplum's router and in-memory repository, validating every
 * write) with faults: afterwards the server holds every reading exactly once.
 */
import type { Observation } from '@medplum/fhirtypes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../../test/fhir-server/fhir-test-server';
import { openRecordsDatabase } from '../records/database';
import { FileKeyProvider } from '../records/key-provider';
import { MINUTE_MS, SUMMARY_GRACE_MS, type SyncVolume } from '../records/minute-summaries';
import { RecordStore } from '../records/store';
import { tempDataDir, TestClock } from '../records/test-support';
import { Outbox } from './outbox';
import { SyncPusher, type PushReport } from './push';
import { fetchTransactionClient } from './test-fetch-client';

beforeAll(indexFhirDefinitions, 120_000);

let server: FhirTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/**
 * Medplum refuses a transaction with conditional creates of more than 8 entries ("requires strict
 * isolation but has too many entries"), so most tests send batches of that size; the first shows
 * bigger ones split down to it. The oximeter readings (one a second) are sent one by one
 * ('all-readings'); the minute summaries have tests of their own below.
 */
async function syncingStation(fhir: FhirTestServer, readingCount: number, maxEntries = 8, volume: SyncVolume = 'all-readings') {
  const dataDir = tempDataDir();
  const clock = new TestClock();
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  const store = new RecordStore(db, clock.now);
  const outbox = new Outbox(db, clock.now);
  const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null });
  const visit = store.startVisit(patient.id, 'nurse-1');
  for (let i = 0; i < readingCount; i += 1) {
    store.recordReading(patient.id, visit.id, { deviceId: 'ox-1', metric: i % 2 ? 'pulseRate' : 'spo2', value: i % 2 ? 60 + (i % 40) : 90 + (i % 10), unit: i % 2 ? '/min' : '%', deviceTime: null, receivedAt: clock.time + i * 1_000, source: 'pulse-oximeter' });
  }
  const cuff = { deviceId: 'cuff-1', unit: 'mm[Hg]', deviceTime: null, receivedAt: clock.time, source: 'blood-pressure-cuff', measurementId: 'bp-1' } as const;
  store.recordReading(patient.id, visit.id, { ...cuff, metric: 'systolic', value: 128 });
  store.recordReading(patient.id, visit.id, { ...cuff, metric: 'diastolic', value: 82 });
  const pusher = new SyncPusher(store, outbox, fetchTransactionClient(fhir.baseUrl), {
    stationId: '0123456789abcdef0123456789abcdef',
    patientIdentifierSystem: null,
    careSetting: 'station',
    volume,
    softwareVersion: '0.0.0-test',
    maxEntries,
    leaseMs: 60_000,
    now: clock.now,
    audit: () => undefined,
  });
  /** Pushes until nothing is left to send, moving the clock to each backoff's end; returns every report. */
  const drain = async (signal?: () => AbortSignal): Promise<PushReport[]> => {
    const reports: PushReport[] = [];
    for (;;) {
      const report = await pusher.push(signal?.());
      reports.push(report);
      if (report.answer !== null) continue;
      const due = outbox.nextDueAt();
      if (due === null) return reports;
      clock.time = Math.max(clock.time, due);
    }
  };
  return { store, outbox, pusher, clock, patient, visit, drain };
}

/** Every reading stored once: one Observation per identifier, and as many as the station has (BP parts make one panel). */
async function expectEachReadingOnce(fhir: FhirTestServer, singleReadings: number) {
  const observations = (await fhir.resources('Observation')) as Observation[];
  const identifiers = observations.map((observation) => `${observation.identifier?.[0]?.system}|${observation.identifier?.[0]?.value}`);
  expect(new Set(identifiers).size).toBe(identifiers.length);
  expect(observations).toHaveLength(singleReadings + 1);
  const panel = observations.filter((observation) => observation.code?.coding?.some((coding) => coding.code === '85354-9'));
  expect(panel).toHaveLength(1);
  expect(await fhir.resources('Patient')).toHaveLength(1);
  expect(await fhir.resources('Encounter')).toHaveLength(1);
}

describe('sync against the test FHIR server', () => {
  it('sends a backlog in bounded Bundles that the server validates and stores, each reading once', async () => {
    server = await startFhirTestServer();
    const s = await syncingStation(server, 60, 25);
    const reports = await s.drain();
    expect(reports.filter((report) => report.answer !== null).length).toBeGreaterThanOrEqual(3);
    expect(server.requests.some((request) => request.status === 400)).toBe(true);
    expect(reports.filter((report) => report.answer !== null).every((report) => report.answer === 200)).toBe(true);
    expect(s.outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 0 });
    await expectEachReadingOnce(server, 60);
  }, 180_000);

  it('keeps everything while the server is down, and sends it once it is back', async () => {
    server = await startFhirTestServer();
    // One claim takes the whole backlog, so each push below is one request for all of it.
    const s = await syncingStation(server, 30, 500);
    await server.faults.down();
    expect(await s.pusher.push()).toMatchObject({ answer: 'network', sent: 0 });
    expect(await s.pusher.push()).toMatchObject({ answer: null });
    s.clock.advance(60_000);
    expect(await s.pusher.push()).toMatchObject({ answer: 'network' });
    expect(s.outbox.counts()).toMatchObject({ parked: 0, lastSentAt: null });
    await server.faults.up();
    await s.drain();
    await expectEachReadingOnce(server, 30);
  }, 180_000);

  it('rides out 500s and a 429 whose Retry-After it honours', async () => {
    server = await startFhirTestServer();
    const s = await syncingStation(server, 30, 500);
    // The readings' minute has closed: the whole backlog is due, so every answer below concerns all of it.
    s.clock.advance(MINUTE_MS + SUMMARY_GRACE_MS);
    server.faults.respond(2, 500);
    expect(await s.pusher.push()).toMatchObject({ answer: 500 });
    s.clock.time = s.outbox.nextDueAt()!;
    expect(await s.pusher.push()).toMatchObject({ answer: 500 });
    s.clock.time = s.outbox.nextDueAt()!;
    server.faults.respond(1, 429, { 'Retry-After': '120' });
    const before = s.clock.time;
    expect(await s.pusher.push()).toMatchObject({ answer: 429 });
    expect(s.outbox.nextDueAt()).toBeGreaterThanOrEqual(before + 120_000);
    s.clock.advance(119_999);
    expect(await s.pusher.push()).toMatchObject({ answer: null });
    await s.drain();
    await expectEachReadingOnce(server, 30);
  }, 180_000);

  it('a request that times out, yet was stored by the server, is sent again without a duplicate', async () => {
    server = await startFhirTestServer();
    const s = await syncingStation(server, 30);
    const hung = server.faults.hang(1, 1_500);
    const report = await s.pusher.push(AbortSignal.timeout(300));
    await hung;
    expect(report).toMatchObject({ answer: 'timeout', sent: 0 });
    // The server stores the abandoned transaction once its delay ends.
    await expect.poll(() => server!.requests.map((request) => request.status), { timeout: 60_000 }).toEqual([200]);
    expect((await server.resources('Observation')).length).toBeGreaterThan(0);
    await s.drain();
    expect(s.outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 0 });
    await expectEachReadingOnce(server, 30);
  }, 180_000);
});

describe('minute summaries against the test FHIR server', () => {
  const STATISTICS = 'http://terminology.hl7.org/CodeSystem/observation-statistics';
  const isSummary = (observation: Observation) => observation.method?.coding?.some((coding) => coding.system === STATISTICS && coding.code === 'median') === true;
  const loincOf = (observation: Observation) => observation.code?.coding?.find((coding) => coding.system === 'http://loinc.org')?.code;

  /**
   * Three minutes of an oximeter at one SpO2 and one pulse a second, and an SpO2-low alarm from
   * 09:01:20 to 09:01:29 (its end recorded as the station's recorder writes it). The clock
   * starts at 09:00:00, so the readings fill the minutes 09:00, 09:01 and 09:02.
   */
  async function monitoredStation(fhir: FhirTestServer) {
    const s = await syncingStation(fhir, 0, 8, 'minute-summaries');
    const start = s.clock.time;
    for (let second = 0; second < 180; second += 1) {
      const receivedAt = start + second * 1_000;
      s.store.recordReading(s.patient.id, s.visit.id, { deviceId: 'ox-1', metric: 'spo2', value: 90 + (second % 7), unit: '%', deviceTime: null, receivedAt, source: 'pulse-oximeter' });
      s.store.recordReading(s.patient.id, s.visit.id, { deviceId: 'ox-1', metric: 'pulseRate', value: 70 + (second % 5), unit: '/min', deviceTime: null, receivedAt, source: 'pulse-oximeter' });
    }
    const alarm = s.store.raiseAlarm(s.patient.id, s.visit.id, { kind: 'physiological', priority: 'medium', condition: 'SpO₂ low' }, start + 80_000);
    s.store.setAlarmEnd(alarm.id, start + 89_000);
    return { ...s, start };
  }

  async function expectSummariesAndAlarmReadingsOnce(fhir: FhirTestServer, start: number) {
    const observations = (await fhir.resources('Observation')) as Observation[];
    const identifiers = observations.map((observation) => observation.identifier?.[0]?.value);
    expect(new Set(identifiers).size).toBe(identifiers.length);
    const summaries = observations.filter(isSummary);
    // One per metric and minute: SpO2 and pulse, 09:00, 09:01, 09:02.
    expect(summaries.map((summary) => `${loincOf(summary)} ${summary.effectivePeriod?.start}`).sort()).toEqual(
      [0, 1, 2].flatMap((minute) => ['2708-6', '8867-4'].map((code) => `${code} ${new Date(start + minute * MINUTE_MS).toISOString()}`)).sort(),
    );
    // The readings of 09:01:20 to 09:01:29, both metrics, each on its own besides the summaries.
    const single = observations.filter((observation) => !isSummary(observation) && loincOf(observation) !== '85354-9');
    expect(single.map((observation) => observation.effectiveDateTime).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => new Date(start + 80_000 + i * 1_000).toISOString())
        .flatMap((time) => [time, time])
        .sort(),
    );
    // The blood-pressure panel is a spot measurement, sent as before.
    expect(observations.filter((observation) => loincOf(observation) === '85354-9')).toHaveLength(1);
    expect(observations).toHaveLength(6 + 20 + 1);
  }

  it('sends one summary per device, metric and minute once the minute has closed, and every reading during the alarm on its own, each once', async () => {
    server = await startFhirTestServer();
    const s = await monitoredStation(server);
    // Nothing of a minute goes before it has closed: the first push sends the patient, visit and blood pressure only.
    await s.pusher.push();
    expect((await server.resources('Observation')).filter((observation) => isSummary(observation as Observation))).toHaveLength(0);
    await s.drain();
    expect(s.outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 0 });
    await expectSummariesAndAlarmReadingsOnce(server, s.start);
    const first = ((await server.resources('Observation')) as Observation[]).find((observation) => isSummary(observation) && loincOf(observation) === '2708-6' && observation.effectivePeriod?.start === new Date(s.start).toISOString());
    // 09:00:00-09:00:59: 90 + (second % 7) is eight runs of 90..96 and one of 90..93; the 30th and 31st values in order are both 93.
    expect(first?.valueQuantity).toMatchObject({ value: 93, unit: '%', code: '%' });
    expect(first?.component?.map((component) => component.valueQuantity?.value)).toEqual([90, 96]);
  }, 180_000);

  it('after failed sends and a retry, the server still holds each summary and each alarm reading once', async () => {
    server = await startFhirTestServer();
    const s = await monitoredStation(server);
    s.clock.time = s.start + 3 * MINUTE_MS + 15_000;
    server.faults.respond(2, 500);
    const hung = server.faults.hang(1, 1_500);
    await s.pusher.push();
    await s.pusher.push();
    // Stored by the server after the client gave up: sent again, found by its identifier.
    expect(await s.pusher.push(AbortSignal.timeout(300))).toMatchObject({ answer: 'timeout' });
    await hung;
    await s.drain();
    expect(s.outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 0 });
    await expectSummariesAndAlarmReadingsOnce(server, s.start);
  }, 180_000);

  it("with 'all-readings' sends every oximeter reading on its own and no summary", async () => {
    server = await startFhirTestServer();
    const s = await syncingStation(server, 0, 8, 'all-readings');
    for (let second = 0; second < 90; second += 1) {
      s.store.recordReading(s.patient.id, null, { deviceId: 'ox-1', metric: 'spo2', value: 95, unit: '%', deviceTime: null, receivedAt: s.clock.time + second * 1_000, source: 'pulse-oximeter' });
    }
    await s.drain();
    const observations = (await server.resources('Observation')) as Observation[];
    expect(observations.filter(isSummary)).toHaveLength(0);
    expect(observations.filter((observation) => loincOf(observation) === '2708-6')).toHaveLength(90);
  }, 180_000);
});
