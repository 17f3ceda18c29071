/**
 * The station's background sync (src/node/sync/sync-thread.ts): with a FHIR server in the settings,
 * what the station records reaches the server from a worker thread, the status says how far it is,
 * a refused key is told to staff and waits (it is not a refusal of the records), and the thread
 * ends with the station. An ended visit's summary is built and sent from that thread.
 */
import type { DocumentReference, Observation } from '@medplum/fhirtypes';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from './fhir-server/fhir-test-server';
import { FileKeyProvider } from '../src/node/records/key-provider';
import { tempDataDir } from '../src/node/records/test-support';
import { DEFAULT_SETTINGS } from '../src/node/settings/schema';
import { createStation, type Station } from '../src/node/station/station';
import { loadStationSigningKey, readStationJwks } from '../src/node/sync/station-signing-key';

const CLIENT_ID = 'station-1';
const READINGS = 12;

beforeAll(indexFhirDefinitions, 120_000);

let station: Station | undefined;
let server: FhirTestServer | undefined;
afterEach(async () => {
  await station?.close();
  await server?.stop();
  station = undefined;
  server = undefined;
});

/** A station whose settings name the test server (SMART, registered with the JWKS of `registeredDir`'s key). */
async function syncingStation(registeredDir?: string) {
  const dataDir = tempDataDir();
  await loadStationSigningKey(dataDir, new FileKeyProvider(dataDir).syncKeyProvider());
  const jwksDir = registeredDir ?? dataDir;
  if (registeredDir) await loadStationSigningKey(registeredDir, new FileKeyProvider(registeredDir).syncKeyProvider());
  server = await startFhirTestServer({ auth: { smart: { clientId: CLIENT_ID, jwks: readStationJwks(jwksDir)! } } });
  const fhirServer = { ...DEFAULT_SETTINGS.fhirServer, baseUrl: server.baseUrl, auth: 'smart' as const, clientId: CLIENT_ID, tokenUrl: server.tokenUrl, maxEntries: 8 };
  const logged: string[] = [];
  station = await createStation({ dataDir, keyProvider: new FileKeyProvider(dataDir), hardware: false, fhirServer, log: (line) => logged.push(line) });
  const { store } = station.records;
  const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null });
  for (let i = 0; i < READINGS; i += 1) store.recordReading(patient.id, null, { deviceId: 'ox', metric: 'spo2', unit: '%', value: 88 + (i % 10), deviceTime: null, receivedAt: Date.now() - (READINGS - i) * 60_000 });
  return { station, server, logged, patient };
}

describe('station background sync', () => {
  it('sends what the station records from its sync thread, says so in the status, and stops with the station', { timeout: 120_000 }, async () => {
    const { station: running, server: fhir, logged } = await syncingStation();
    expect(running.sync).not.toBeNull();
    await expect.poll(async () => (await fhir.resources('Observation')).length, { timeout: 60_000 }).toBe(READINGS);
    expect(((await fhir.resources('Observation')) as Observation[]).map((observation) => observation.valueQuantity?.value).sort()).toEqual(Array.from({ length: READINGS }, (_, i) => 88 + (i % 10)).sort());
    // The last batch is stored before the worker has settled it.
    await expect.poll(() => running.sync!.status(), { timeout: 30_000 }).toMatchObject({ waiting: 0, inFlight: 0 });
    expect(running.sync!.status()).toMatchObject({ server: fhir.baseUrl, parked: 0, problem: null, lastSuccessAt: expect.any(Number) });

    // close() resolves only once the worker thread has exited.
    await running.close();
    station = undefined;
    expect(logged.filter((line) => line.startsWith('sync'))).toEqual([]);
  });

  it("sends an ended visit's summary from its sync thread: one DocumentReference carrying the PDF", { timeout: 120_000 }, async () => {
    const { station: running, server: fhir, patient } = await syncingStation();
    const { store } = running.records;
    const visit = store.startVisit(patient.id, 'nurse-1');
    store.recordReading(patient.id, visit.id, { deviceId: 'ox', metric: 'spo2', unit: '%', value: 96, deviceTime: null, receivedAt: Date.now() - 90_000 });
    store.endVisit(visit.id);
    running.sync!.wake();
    await expect.poll(async () => (await fhir.resources('DocumentReference')).length, { timeout: 60_000 }).toBe(1);
    const [document] = (await fhir.resources('DocumentReference')) as DocumentReference[];
    const pdf = Buffer.from(document!.content[0]!.attachment.data!, 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(document!.content[0]!.attachment.size).toBe(pdf.length);
    await expect.poll(() => running.sync!.status(), { timeout: 30_000 }).toMatchObject({ waiting: 0, inFlight: 0, parked: 0, problem: null });
  });

  it("tells staff the server refused the station's key and keeps the records waiting, not parked", { timeout: 120_000 }, async () => {
    const otherStation = mkdtempSync(join(tmpdir(), 'vb-other-station-'));
    const { station: running, server: fhir } = await syncingStation(otherStation);
    await expect.poll(() => running.sync!.status().problem, { timeout: 60_000 }).toBe("the server refused the station's key (register the JWKS from sync-key)");
    const status = running.sync!.status();
    expect(status).toMatchObject({ parked: 0, lastSuccessAt: null });
    // The patient, the readings and whatever the station itself announced at its start: all still to send.
    expect(status.waiting + status.inFlight).toBeGreaterThanOrEqual(READINGS + 1);
    expect(await fhir.resources('Observation')).toEqual([]);
  });

  it('runs no sync without a FHIR server in the settings', async () => {
    const dataDir = tempDataDir();
    station = await createStation({ dataDir, keyProvider: new FileKeyProvider(dataDir), hardware: false, fhirServer: DEFAULT_SETTINGS.fhirServer, log: () => undefined });
    expect(station.sync).toBeNull();
  });
});
