/**
 * Test helpers: a fresh records database with one patient and a SyncPusher sending to the
 * in-process validating FHIR test server (Medplum's repository), as the engine tests use them.
 */
import { expect } from 'vitest';
import type { FhirTestServer } from '../../../test/fhir-server/fhir-test-server';
import { openRecordsDatabase } from '../records/database';
import { FileKeyProvider } from '../records/key-provider';
import { RecordStore } from '../records/store';
import { tempDataDir } from '../records/test-support';
import { noAuthorization } from './access-token';
import { FhirClient } from './fhir-client';
import { createTransport } from './https-transport';
import { Outbox } from './outbox';
import { SyncPusher, type PushOptions } from './push';

export const ENGINE_STATION_ID = '0123456789abcdef0123456789abcdef';

export async function engineSync(server: FhirTestServer, options: Partial<PushOptions> = {}) {
  const client = new FhirClient({ baseUrl: server.baseUrl, authorization: noAuthorization, transport: createTransport() });
  const dataDir = tempDataDir();
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  const store = new RecordStore(db);
  const outbox = new Outbox(db);
  const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null });
  const pusher = new SyncPusher(store, outbox, client, {
    stationId: ENGINE_STATION_ID,
    patientIdentifierSystem: null,
    careSetting: 'station',
    volume: 'all-readings',
    softwareVersion: '0.0.0-test',
    maxEntries: 50,
    leaseMs: 60_000,
    now: Date.now,
    audit: () => undefined,
    ...options,
  });
  /** Pushes until nothing is due, and checks that nothing was left waiting, in flight or parked. */
  const pushAll = async () => {
    while ((await pusher.push()).answer !== null);
    expect(outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 0 });
  };
  return { db, store, outbox, patient, pusher, pushAll };
}
