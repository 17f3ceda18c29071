import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Observation, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { indexFhirDefinitions, startFhirTestServer } from './fhir-test-server';
import type { FhirTestServer } from './fhir-test-server';

const PATIENT_URL = 'urn:uuid:6f1d7c1e-8d1e-4a57-9a43-1b0f5d0c2a01';
const OBSERVATION_URL = 'urn:uuid:0b9e7f40-3c5a-4f5e-8c55-2d5a1c9e7b02';

function transaction(observation: Partial<Observation> = {}): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: PATIENT_URL,
        resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test:mrn', value: 'p-1' }], name: [{ family: 'Doe' }], birthDate: '1950-02-03' },
        request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:test:mrn|p-1' },
      },
      {
        fullUrl: OBSERVATION_URL,
        resource: {
          resourceType: 'Observation',
          identifier: [{ system: 'urn:test:reading', value: 'r-1' }],
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '59408-5' }] },
          subject: { reference: PATIENT_URL },
          valueQuantity: { value: 97, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
          ...observation,
        },
        request: { method: 'POST', url: 'Observation', ifNoneExist: 'identifier=urn:test:reading|r-1' },
      },
    ],
  };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/fhir+json', ...headers }, body: JSON.stringify(body) });

// Indexing the R4 definitions takes about 1 s on a quiet machine and over 6 s on this loaded one: once, outside any test's time limit.
beforeAll(indexFhirDefinitions, 120_000);

let server: FhirTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('test FHIR server: storage', () => {
  it('stores each resource of a conditional-create transaction once, however often the transaction is sent', async () => {
    server = await startFhirTestServer();
    const first = await post(server.baseUrl, transaction());
    expect(first.status).toBe(200);
    const answer = (await first.json()) as Bundle;
    expect(answer.type).toBe('transaction-response');
    expect(answer.entry?.map((entry) => entry.response?.status)).toEqual(['201', '201']);
    const again = await post(server.baseUrl, transaction());
    expect(((await again.json()) as Bundle).entry?.map((entry) => entry.response?.status)).toEqual(['200', '200']);

    const patients = (await server.resources('Patient')) as Patient[];
    const observations = (await server.resources('Observation')) as Observation[];
    expect(patients).toHaveLength(1);
    expect(observations).toHaveLength(1);
    // The urn:uuid reference between entries became a reference to the stored Patient.
    expect(observations[0]?.subject?.reference).toBe(`Patient/${patients[0]?.id}`);
  });

  it('refuses a transaction holding an invalid resource with 400 and an OperationOutcome, and stores none of it', async () => {
    server = await startFhirTestServer();
    const response = await post(server.baseUrl, transaction({ valueQuantity: { value: 'ninety' as unknown as number } }));
    expect(response.status).toBe(400);
    const outcome = (await response.json()) as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue?.[0]?.expression?.[0]).toBe('Bundle.entry[1].resource.Observation.value[x].value');
    expect(await server.resources('Patient')).toEqual([]);
    expect(await server.resources('Observation')).toEqual([]);
  });

  it('refuses a plain create of an invalid resource with 400 and an OperationOutcome', async () => {
    server = await startFhirTestServer();
    const response = await post(`${server.baseUrl}/Observation`, { resourceType: 'Observation', status: 'final' });
    expect(response.status).toBe(400);
    const outcome = (await response.json()) as OperationOutcome;
    expect(outcome.issue?.[0]?.expression).toEqual(['Observation.code']);
    expect(await server.resources('Observation')).toEqual([]);
  });

  it('answers body text that is not JSON with 400', async () => {
    server = await startFhirTestServer();
    const response = await fetch(server.baseUrl, { method: 'POST', body: '{"resourceType":' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
  });

  it('creates, reads and searches by identifier or by family name and birth date', async () => {
    server = await startFhirTestServer();
    const created = await post(`${server.baseUrl}/Patient`, { resourceType: 'Patient', identifier: [{ system: 'urn:test:mrn', value: '42' }], name: [{ family: 'Rossi' }], birthDate: '1941-05-06' });
    expect(created.status).toBe(201);
    const patient = (await created.json()) as Patient;
    expect(created.headers.get('location')).toBe(`/fhir/Patient/${patient.id}`);
    expect(((await (await fetch(`${server.baseUrl}/Patient/${patient.id}`)).json()) as Patient).name?.[0]?.family).toBe('Rossi');
    expect((await fetch(`${server.baseUrl}/Patient/no-such-id`)).status).toBe(404);

    const byIdentifier = (await (await fetch(`${server.baseUrl}/Patient?identifier=${encodeURIComponent('urn:test:mrn|42')}`)).json()) as Bundle;
    expect(byIdentifier.entry?.map((entry) => entry.resource?.id)).toEqual([patient.id]);
    const byName = (await (await fetch(`${server.baseUrl}/Patient?family=rossi&birthdate=1941-05-06`)).json()) as Bundle;
    expect(byName.entry?.map((entry) => entry.resource?.id)).toEqual([patient.id]);
    const none = (await (await fetch(`${server.baseUrl}/Patient?family=rossi&birthdate=1941-05-07`)).json()) as Bundle;
    expect(none.entry ?? []).toEqual([]);
  });
});

describe('test FHIR server: faults', () => {
  it('answers the next N requests with the injected status and headers, then serves again', async () => {
    server = await startFhirTestServer();
    server.faults.respond(2, 429, { 'Retry-After': '7' });
    for (let i = 0; i < 2; i++) {
      const refused = await post(server.baseUrl, transaction());
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('7');
    }
    expect(await server.resources('Observation')).toEqual([]);
    expect((await post(server.baseUrl, transaction())).status).toBe(200);
    expect(server.requests.map((request) => request.status)).toEqual([429, 429, 200]);
  });

  it('holds a request for the given time and then handles it as usual', async () => {
    server = await startFhirTestServer();
    void server.faults.hang(1, 300);
    const started = performance.now();
    const response = await post(server.baseUrl, transaction());
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.status).toBe(200);
  });

  it('stores a hung transaction even when the client gives up waiting (the case conditional creates exist for)', async () => {
    server = await startFhirTestServer();
    const hanging = server.faults.hang(1, 200);
    const giveUp = new AbortController();
    const sent = fetch(server.baseUrl, { method: 'POST', body: JSON.stringify(transaction()), signal: giveUp.signal });
    await hanging;
    giveUp.abort();
    await expect(sent).rejects.toThrow();
    await expect.poll(async () => (await server!.resources('Observation')).length).toBe(1);
    expect((await post(server.baseUrl, transaction())).status).toBe(200);
    expect(await server.resources('Observation')).toHaveLength(1);
  });

  it('refuses connections while down and serves on the same address once up again', async () => {
    server = await startFhirTestServer();
    await server.faults.down();
    await expect(post(server.baseUrl, transaction())).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    await server.faults.up();
    expect((await post(server.baseUrl, transaction())).status).toBe(200);
  });
});

describe('test FHIR server: static bearer token', () => {
  it('serves only requests carrying the token', async () => {
    server = await startFhirTestServer({ auth: { bearer: 'secret-token' } });
    const anonymous = await fetch(`${server.baseUrl}/Patient`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${server.baseUrl}/Patient`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${server.baseUrl}/Patient`, { headers: { authorization: 'Bearer secret-token' } })).status).toBe(200);
  });
});

describe('test FHIR server: SMART Backend Services token endpoint', () => {
  const clientId = 'station-test';
  const scope = 'system/Observation.cs';

  async function keyPair(): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
    const { privateKey, publicKey } = await generateKeyPair('ES384');
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'ES384', use: 'sig' } };
  }

  function assertion(key: { privateKey: CryptoKey; jwk: JWK }, audience: string, claims: { jti?: string; expiresIn?: number | string; issuedAt?: number } = {}): Promise<string> {
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: key.jwk.kid!, typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setJti(claims.jti ?? randomUUID())
      .setExpirationTime(claims.expiresIn ?? '4m');
    return (claims.issuedAt === undefined ? jwt : jwt.setIssuedAt(claims.issuedAt)).sign(key.privateKey);
  }

  const tokenRequest = (tokenUrl: string, clientAssertion: string): Promise<Response> =>
    fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
      }),
    });

  it('exchanges a valid assertion for an access token that opens the FHIR API', async () => {
    const key = await keyPair();
    server = await startFhirTestServer({ auth: { smart: { clientId, jwks: { keys: [key.jwk] } } } });
    expect((await fetch(`${server.baseUrl}/Patient`)).status).toBe(401);
    const response = await tokenRequest(server.tokenUrl, await assertion(key, server.tokenUrl));
    expect(response.status).toBe(200);
    const token = (await response.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: 300, scope });
    expect((await fetch(`${server.baseUrl}/Patient`, { headers: { authorization: `Bearer ${token.access_token}` } })).status).toBe(200);
  });

  it('refuses an assertion signed by another key, an expired one, one valid for over five minutes, one for another audience and a replayed jti', async () => {
    const key = await keyPair();
    const stranger = await keyPair();
    server = await startFhirTestServer({ auth: { smart: { clientId, jwks: { keys: [key.jwk] } } } });
    const refused = async (clientAssertion: string): Promise<string> => {
      const response = await tokenRequest(server!.tokenUrl, clientAssertion);
      expect(response.status).toBe(401);
      return ((await response.json()) as { error: string }).error;
    };
    expect(await refused(await assertion({ privateKey: stranger.privateKey, jwk: key.jwk }, server.tokenUrl))).toBe('invalid_client');
    expect(await refused(await assertion(key, server.tokenUrl, { expiresIn: Math.floor(Date.now() / 1000) - 60 }))).toBe('invalid_client');
    expect(await refused(await assertion(key, server.tokenUrl, { expiresIn: '10m' }))).toBe('invalid_client');
    expect(await refused(await assertion(key, `${server.baseUrl}/token`))).toBe('invalid_client');
    const once = await assertion(key, server.tokenUrl, { jti: 'only-once' });
    expect((await tokenRequest(server.tokenUrl, once)).status).toBe(200);
    expect(await refused(once)).toBe('invalid_client');
  });

  it('stops accepting an access token once it has expired on the server clock', async () => {
    const key = await keyPair();
    let clock = Date.now();
    server = await startFhirTestServer({ now: () => clock, auth: { smart: { clientId, jwks: { keys: [key.jwk] }, accessTokenSeconds: 60 } } });
    const token = ((await (await tokenRequest(server.tokenUrl, await assertion(key, server.tokenUrl))).json()) as { access_token: string }).access_token;
    const read = (): Promise<Response> => fetch(`${server!.baseUrl}/Patient`, { headers: { authorization: `Bearer ${token}` } });
    clock += 59_000;
    expect((await read()).status).toBe(200);
    clock += 1_000;
    expect((await read()).status).toBe(401);
  });
});
