import type { Bundle, Patient } from '@medplum/fhirtypes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../../../test/fhir-server/fhir-test-server';
import type { Actor } from '../../../shared/clinical/actor';
import { MAX_SERVER_PATIENTS } from '../../../shared/contract-records';
import type { AuditEvent } from '../../audit/audit-log';
import { noAuthorization } from '../../sync/access-token';
import { FhirClient } from '../../sync/fhir-client';
import { createTransport } from '../../sync/https-transport';
import { findServerPatients } from '../../sync/patient-lookup';
import type { ScreenAccess } from '../access/station-access';
import { createPatientLookupHandler } from './patient-lookup-handler';

const MRN = 'urn:oid:1.2.36.146.595.217.0.1';
const nurse: Actor = { id: 'user-nurse-1', name: 'Nurse One', role: 'nurse' };
const context = { actor: nurse, screen: {} as ScreenAccess };

let server: FhirTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
beforeAll(indexFhirDefinitions, 120_000);

function patient(value: string, family: string, birthDate: string): Patient {
  return { resourceType: 'Patient', identifier: [{ system: MRN, value }], name: [{ use: 'official', family, given: ['Ada', 'May'] }], birthDate, gender: 'female' };
}

async function serverWith(patients: Patient[]) {
  server = await startFhirTestServer();
  const client = new FhirClient({ baseUrl: server.baseUrl, authorization: noAuthorization, transport: createTransport() });
  if (patients.length > 0) {
    const seeded = await client.transaction({ resourceType: 'Bundle', type: 'transaction', entry: patients.map((resource) => ({ resource, request: { method: 'POST', url: 'Patient' } })) });
    expect(seeded.status).toBe(200);
  }
  const audited: AuditEvent[] = [];
  const handler = createPatientLookupHandler({ connect: async () => client, audit: { append: (event) => (audited.push(event), undefined as never) } });
  return { client, audited, find: (query: Parameters<typeof handler.findServerPatients>[0]) => handler.findServerPatients(query, context) };
}

describe('finding the current patient on the FHIR server', () => {
  it('by identifier, with the server id and identifier kept, audited as who searched and not what for', async () => {
    const { audited, find } = await serverWith([patient('MRN-1001', 'Lovelace', '1985-12-10'), patient('MRN-1002', 'Byron', '1985-12-10')]);
    const found = await find({ identifier: `${MRN}|MRN-1001` });
    expect(found.more).toBe(false);
    expect(found.patients).toEqual([
      { serverId: expect.stringMatching(/^[0-9a-f-]{36}$/), identifier: { system: MRN, value: 'MRN-1001' }, givenName: 'Ada May', familyName: 'Lovelace', birthDate: '1985-12-10', gender: 'female' },
    ]);
    expect((await server!.resources('Patient')).find((stored) => stored.id === found.patients[0]!.serverId)).toMatchObject({ identifier: [{ value: 'MRN-1001' }] });
    expect(audited).toEqual([{ actor: 'user-nurse-1', role: 'nurse', action: 'patient.server-search', object: null }]);
    expect(JSON.stringify(audited)).not.toContain('MRN-1001');
  });

  it('by family name and birth date, only the patient born that day', async () => {
    const { find } = await serverWith([patient('MRN-1', 'Lovelace', '1985-12-10'), patient('MRN-2', 'Lovelace', '1990-01-01'), patient('MRN-3', 'Byron', '1985-12-10')]);
    const found = await find({ familyName: 'Lovelace', birthDate: '1985-12-10' });
    expect(found.patients.map((match) => match.identifier?.value)).toEqual(['MRN-1']);
  });

  it(`answers at most ${MAX_SERVER_PATIENTS} and says there are more`, async () => {
    const { find } = await serverWith(Array.from({ length: MAX_SERVER_PATIENTS + 2 }, (_, i) => patient(`MRN-${i}`, 'Smith', '1970-01-01')));
    const found = await find({ familyName: 'Smith', birthDate: '1970-01-01' });
    expect(found.patients).toHaveLength(MAX_SERVER_PATIENTS);
    expect(found.more).toBe(true);
  });

  it("reports the server's failure with its status, the search still audited", async () => {
    const { audited, find } = await serverWith([]);
    server!.faults.respond(1, 503);
    await expect(find({ identifier: 'MRN-1' })).rejects.toThrow('the FHIR server did not answer the patient search (HTTP 503)');
    expect(audited).toHaveLength(1);
  });

  it('refuses without a configured server, auditing nothing, and connects again after a failed attempt', async () => {
    const audited: AuditEvent[] = [];
    let attempts = 0;
    const handler = createPatientLookupHandler({
      connect: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error("fhirServer.auth is 'bearer' but VITALBRIDGE_FHIR_TOKEN is not set");
        return null;
      },
      audit: { append: (event) => (audited.push(event), undefined as never) },
    });
    await expect(handler.findServerPatients({ identifier: 'MRN-1' }, context)).rejects.toThrow('VITALBRIDGE_FHIR_TOKEN is not set');
    await expect(handler.findServerPatients({ identifier: 'MRN-1' }, context)).rejects.toThrow('no FHIR server is configured (settings fhirServer.baseUrl)');
    expect(attempts).toBe(2);
    expect(audited).toEqual([]);
  });

  it("drops what does not fit from an untrusted server's answer", async () => {
    const answer: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: { ...patient('MRN-1', 'Lovelace', '1985-12-10'), id: 'good-1' } },
        { resource: { ...patient('MRN-2', 'X'.repeat(300), '1985-12-10'), id: 'long-name' } },
        { resource: { ...patient('MRN-3', 'Byron', '1985-12-10'), id: '../Observation/1' } },
        { resource: { resourceType: 'Organization', id: 'org-1' } },
        { resource: { ...patient('MRN-4', 'Included', '1985-12-10'), id: 'included-1' }, search: { mode: 'include' } },
      ],
    };
    const client = { search: async () => ({ status: 200, body: answer, retryAfterMs: null }) } as unknown as Pick<FhirClient, 'search'>;
    expect((await findServerPatients(client, { identifier: 'MRN' })).patients.map((match) => match.serverId)).toEqual(['good-1']);
  });
});
