/**
 * A visit's pleth on its way to the FHIR server, end to end against the in-process validating test
 * server (Medplum's repository): nothing pleth goes until staff ask; then one SampledData
 * Observation per 10 s segment arrives, once, also when the same items are sent again (a worker
 * that died after the server stored them) and when staff ask a second time.
 */
import type { Encounter, Observation } from '@medplum/fhirtypes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../../test/fhir-server/fhir-test-server';
import { engineSync } from './engine-test-support';

beforeAll(indexFhirDefinitions, 120_000);

let server: FhirTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const SEGMENTS = 3;
const samplesOf = (segment: number) => Array.from({ length: 600 }, (_, i) => (segment * 600 + i) % 128);

describe("a visit's pleth sent on request", () => {
  it('arrives as one SampledData Observation per 10 s segment, only after the request, and once however often it is sent or asked for', { timeout: 120_000 }, async () => {
    server = await startFhirTestServer();
    const { db, store, patient, pushAll } = await engineSync(server);
    const visit = store.startVisit(patient.id, 'nurse-1');
    // Minutes ago, so the reading's minute summary is due: a minute's summary waits until the minute
    // has closed and its grace passed (a reading 60 s ago left it waiting one run in four).
    const start = Date.now() - 3 * 60_000;
    store.recordReading(patient.id, visit.id, { deviceId: 'ox-1', metric: 'spo2', unit: '%', value: 97, deviceTime: null, receivedAt: start, source: 'pulse-oximeter' });
    for (let segment = 0; segment < SEGMENTS; segment += 1) {
      store.recordWaveform(patient.id, visit.id, { deviceId: 'ox-1', metric: 'pleth', rateHz: 60, startedAt: start + segment * 10_000, samples: samplesOf(segment), scale: { min: 0, max: 127 } });
    }
    const pleth = async () => ((await server!.resources('Observation')) as Observation[]).filter((observation) => observation.code.coding?.some((coding) => coding.code === '150452'));

    await pushAll();
    expect(await server.resources('Observation')).toHaveLength(1);
    expect(await pleth()).toEqual([]);

    expect(store.queueVisitPleth(visit.id)).toEqual({ queued: SEGMENTS, alreadyQueued: 0, unscaled: 0 });
    await pushAll();
    const arrived = (await pleth()).sort((a, b) => (a.effectivePeriod?.start ?? '').localeCompare(b.effectivePeriod?.start ?? ''));
    expect(arrived.map((observation) => observation.valueSampledData?.data)).toEqual([0, 1, 2].map((segment) => samplesOf(segment).join(' ')));
    expect(arrived.map((observation) => [observation.valueSampledData?.period, observation.valueSampledData?.factor, observation.valueSampledData?.dimensions])).toEqual(
      Array.from({ length: SEGMENTS }, () => [1_000 / 60, 1 / 127, 1]),
    );
    expect(arrived.map((observation) => observation.effectivePeriod)).toEqual(
      [0, 1, 2].map((segment) => ({ start: new Date(start + segment * 10_000).toISOString(), end: new Date(start + (segment + 1) * 10_000).toISOString() })),
    );
    // The visit went in an earlier batch: its Encounter is named by the station's identifier of it.
    const [encounter] = (await server.resources('Encounter')) as Encounter[];
    const [device] = (await server.resources('Device')).filter((resource) => resource.resourceType === 'Device' && resource.type?.text === 'Pulse oximeter');
    expect(new Set(arrived.map((observation) => observation.encounter?.identifier?.value))).toEqual(new Set([encounter!.identifier?.[0]?.value]));
    expect(new Set(arrived.map((observation) => observation.device?.reference))).toEqual(new Set([`Device/${device!.id}`]));

    // Sent again: a worker that died after the server stored the batch, before marking it sent.
    db.prepare(`UPDATE outbox SET state = 'waiting', sent_at = NULL, next_attempt_at = 0 WHERE kind = 'pleth-segment'`).run();
    await pushAll();
    // Asked for again: nothing is queued twice.
    expect(store.queueVisitPleth(visit.id)).toEqual({ queued: 0, alreadyQueued: SEGMENTS, unscaled: 0 });
    await pushAll();
    expect(await pleth()).toHaveLength(SEGMENTS);
    expect(await server.resources('Observation')).toHaveLength(1 + SEGMENTS);
    db.close();
  });
});
