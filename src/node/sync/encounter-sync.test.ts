/**
 * A visit's Encounter on the FHIR server follows the visit, against the in-process validating test
 * server (Medplum's repository): pushed in progress when the visit starts, it is the same Encounter,
 * finished with the visit's end, once the end has been pushed; in progress again when reopened; one
 * Encounter however often a state is sent again.
 */
import type { Bundle, DocumentReference, Encounter } from '@medplum/fhirtypes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../../test/fhir-server/fhir-test-server';
import { StationIds } from '../fhir/stable-ids';
import { engineSync, ENGINE_STATION_ID } from './engine-test-support';

beforeAll(indexFhirDefinitions, 120_000);

let server: FhirTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("a visit's Encounter on the FHIR server", () => {
  it('is finished with period.end once the ended visit has been pushed, the same Encounter, also when sent again', { timeout: 120_000 }, async () => {
    server = await startFhirTestServer();
    const { db, store, patient, pushAll } = await engineSync(server, { locale: 'en-GB' });
    const visit = store.startVisit(patient.id, 'nurse-1');
    const identifier = new StationIds(ENGINE_STATION_ID).identifier('visit', visit.id);
    const encountersOnServer = async (): Promise<Encounter[]> => {
      const response = await fetch(`${server!.baseUrl}/Encounter?identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}`);
      expect(response.status).toBe(200);
      const bundle = (await response.json()) as Bundle<Encounter>;
      return (bundle.entry ?? []).flatMap((entry) => (entry.resource ? [entry.resource] : []));
    };

    await pushAll();
    const [started] = await encountersOnServer();
    expect(started).toMatchObject({ status: 'in-progress', period: { start: new Date(visit.startedAt).toISOString() } });
    expect(started!.period).not.toHaveProperty('end');

    store.endVisit(visit.id);
    const [ended] = store.visitsByIds([visit.id]);
    await pushAll();
    const afterEnd = await encountersOnServer();
    expect(afterEnd).toHaveLength(1);
    expect(afterEnd[0]).toMatchObject({ id: started!.id, status: 'finished', period: { start: new Date(visit.startedAt).toISOString(), end: new Date(ended!.endedAt!).toISOString() } });
    // The summary sent with the end points at that Encounter, finished.
    const [summary] = (await server.resources('DocumentReference')) as DocumentReference[];
    expect(summary?.context?.encounter?.map((reference) => reference.reference)).toEqual([`Encounter/${started!.id}`]);

    // Sent again (a worker died after the server stored the batch, before marking it sent): still one, finished.
    db.prepare(`UPDATE outbox SET state = 'waiting', sent_at = NULL, next_attempt_at = 0 WHERE kind = 'visit'`).run();
    await pushAll();
    expect(await encountersOnServer()).toEqual([expect.objectContaining({ id: started!.id, status: 'finished' })]);

    // Reopened: in progress again, without an end; ended again: finished with the new end.
    store.reopenVisit(visit.id);
    await pushAll();
    const reopened = await encountersOnServer();
    expect(reopened).toEqual([expect.objectContaining({ id: started!.id, status: 'in-progress' })]);
    expect(reopened[0]!.period).not.toHaveProperty('end');
    expect(await server.resources('Encounter')).toHaveLength(1);
    db.close();
  });
});
