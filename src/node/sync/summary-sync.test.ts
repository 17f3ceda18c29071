/**
 * An ended visit's summary on its way to the FHIR server, end to end against the in-process
 * validating test server (Medplum's repository): the DocumentReference carrying the PDF arrives
 * once, is found by its identifier, points at the server's Patient and Encounter, and stays one
 * when sent again or when the visit is reopened and ended again.
 */
import { createHash } from 'node:crypto';
import type { Bundle, DocumentReference, Encounter, Patient } from '@medplum/fhirtypes';
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

describe("an ended visit's summary sent with the sync", () => {
  it('arrives as one DocumentReference with the PDF, found by its identifier, once however often it is sent', { timeout: 120_000 }, async () => {
    server = await startFhirTestServer();
    const { db, store, patient, pushAll } = await engineSync(server, { locale: 'en-GB' });
    const visit = store.startVisit(patient.id, 'nurse-1');
    store.recordReading(patient.id, visit.id, { deviceId: 'cuff-1', metric: 'systolic', unit: 'mm[Hg]', value: 128, deviceTime: null, receivedAt: Date.now() - 60_000, source: 'blood-pressure-cuff', measurementId: 'm1' });
    const identifier = new StationIds(ENGINE_STATION_ID).identifier('visit-summary-pdf', visit.id);
    const byIdentifier = async (): Promise<DocumentReference[]> => {
      const response = await fetch(`${server!.baseUrl}/DocumentReference?identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}`);
      expect(response.status).toBe(200);
      const bundle = (await response.json()) as Bundle<DocumentReference>;
      return (bundle.entry ?? []).flatMap((entry) => (entry.resource ? [entry.resource] : []));
    };

    // An open visit has no summary to send.
    await pushAll();
    expect(await server.resources('DocumentReference')).toEqual([]);

    store.endVisit(visit.id);
    await pushAll();
    const found = await byIdentifier();
    expect(found).toHaveLength(1);
    const [documentReference] = found as [DocumentReference];
    const attachment = documentReference.content[0]!.attachment;
    const pdf = Buffer.from(attachment.data!, 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(attachment).toMatchObject({ contentType: 'application/pdf', size: pdf.length, hash: createHash('sha1').update(pdf).digest('base64') });
    expect(pdf.length).toBeGreaterThan(1_000);
    const [serverPatient] = (await server.resources('Patient')) as Patient[];
    const [encounter] = (await server.resources('Encounter')) as Encounter[];
    expect(documentReference.subject?.reference).toBe(`Patient/${serverPatient!.id}`);
    expect(documentReference.context?.encounter?.map((reference) => reference.reference)).toEqual([`Encounter/${encounter!.id}`]);
    expect(documentReference.context?.related?.[0]?.identifier).toEqual(new StationIds(ENGINE_STATION_ID).identifier('visit-summary', visit.id));

    // Sent again: a worker that died after the server stored the batch, before marking it sent.
    db.prepare(`UPDATE outbox SET state = 'waiting', sent_at = NULL, next_attempt_at = 0 WHERE kind = 'visit-summary'`).run();
    await pushAll();
    // Reopened and ended again: the summary is not queued a second time.
    store.reopenVisit(visit.id);
    store.endVisit(visit.id);
    await pushAll();
    expect(await server.resources('DocumentReference')).toHaveLength(1);
    expect((await byIdentifier())[0]?.id).toBe(documentReference.id);
    db.close();
  });
});
