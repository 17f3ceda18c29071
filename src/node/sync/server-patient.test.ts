/**
 * A patient chosen from the FHIR server's patient lookup keeps the server's logical id and
 * identifier in the records, and the sync sends their visit and readings to that Patient
 * (`Patient/<server id>`) instead of creating one conditionally, against the real test server.
 */
import type { Encounter, Observation, Patient } from '@medplum/fhirtypes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../../test/fhir-server/fhir-test-server';
import { ANONYMOUS_PATIENT } from '../records/anonymous-patient';
import { openRecordsDatabase } from '../records/database';
import { FileKeyProvider } from '../records/key-provider';
import { RecordStore } from '../records/store';
import { tempDataDir } from '../records/test-support';
import { noAuthorization } from './access-token';
import { FhirClient } from './fhir-client';
import { createTransport } from './https-transport';
import { Outbox } from './outbox';
import { findServerPatients } from './patient-lookup';
import { SyncPusher } from './push';

const MRN = 'urn:oid:1.2.36.146.595.217.0.1';
const READINGS = [96, 97, 95];

beforeAll(indexFhirDefinitions, 120_000);

let server: FhirTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('a patient chosen from the server by lookup', () => {
  it.each([
    ['an identifier under another system than the settings', { system: MRN, value: 'MRN-2042' }],
    // Nothing for a conditional create to match: only the server id finds this one.
    ['no identifier (found by family name and birth date)', null],
  ] as const)('with %s is kept with the server id and identifier, and synced to that Patient: no new Patient on the server', { timeout: 60_000 }, async (_case, identifier) => {
    server = await startFhirTestServer();
    const client = new FhirClient({ baseUrl: server.baseUrl, authorization: noAuthorization, transport: createTransport() });
    const seeded = await client.transaction({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { resourceType: 'Patient', ...(identifier && { identifier: [identifier] }), name: [{ family: 'Hopper', given: ['Grace'] }], birthDate: '1906-12-09', gender: 'female' },
          request: { method: 'POST', url: 'Patient' },
        },
      ],
    });
    expect(seeded.status).toBe(200);
    const [found] = (await findServerPatients(client, { familyName: 'Hopper', birthDate: '1906-12-09' })).patients;

    // The station's anonymous patient, named as the nurse chose on the Records screen (records-handlers' nameCurrentPatient).
    const dataDir = tempDataDir();
    const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
    const store = new RecordStore(db);
    const outbox = new Outbox(db);
    const anonymous = store.createPatient(ANONYMOUS_PATIENT);
    const visit = store.startVisit(anonymous.id, 'nurse-1');
    READINGS.forEach((value, i) => store.recordReading(anonymous.id, visit.id, { deviceId: 'ox-1', metric: 'spo2', unit: '%', value, deviceTime: null, receivedAt: Date.now() + i }));
    const serverPatient = { serverId: found!.serverId, identifierSystem: found!.identifier?.system ?? null };
    store.updatePatient(anonymous.id, { givenName: 'Grace', familyName: 'Hopper', birthDate: '1906-12-09', gender: 'female', identifier: found!.identifier?.value ?? null, serverPatient });
    expect(store.getPatient(anonymous.id)).toMatchObject({ identifier: identifier?.value ?? null, serverPatient: { serverId: found!.serverId, identifierSystem: identifier?.system ?? null } });

    const pusher = new SyncPusher(store, outbox, client, {
      stationId: '0123456789abcdef0123456789abcdef',
      // Another system in the settings: the server's own is what the chosen Patient carries.
      patientIdentifierSystem: 'https://clinic.example/mrn',
      careSetting: 'station',
      volume: 'minute-summaries',
      softwareVersion: '0.0.0-test',
      maxEntries: 8,
      leaseMs: 60_000,
      now: Date.now,
      audit: () => undefined,
    });
    while ((await pusher.push()).answer !== null);
    expect(outbox.counts()).toMatchObject({ waiting: 0, inFlight: 0, parked: 0 });

    const patients = (await server.resources('Patient')) as Patient[];
    expect(patients.map((patient) => patient.id)).toEqual([found!.serverId]);
    const observations = (await server.resources('Observation')) as Observation[];
    expect(observations.map((observation) => observation.valueQuantity?.value).sort()).toEqual([...READINGS].sort());
    expect(new Set(observations.map((observation) => observation.subject?.reference))).toEqual(new Set([`Patient/${found!.serverId}`]));
    const encounters = (await server.resources('Encounter')) as Encounter[];
    expect(encounters.map((encounter) => encounter.subject?.reference)).toEqual([`Patient/${found!.serverId}`]);
    db.close();
  });

  it('loses the server link when the patient is named again by hand', async () => {
    const dataDir = tempDataDir();
    const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
    const store = new RecordStore(db);
    const patient = store.createPatient({ ...ANONYMOUS_PATIENT, serverPatient: { serverId: 'abc-1', identifierSystem: null } });
    expect(store.getPatient(patient.id)?.serverPatient).toEqual({ serverId: 'abc-1', identifierSystem: null });
    store.updatePatient(patient.id, { givenName: 'Ada', familyName: 'Byron', birthDate: null, gender: 'female', identifier: null });
    expect(store.getPatient(patient.id)).not.toHaveProperty('serverPatient');
    db.close();
  });
});
