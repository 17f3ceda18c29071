import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Bundle } from '@medplum/fhirtypes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../../test/fhir-server/fhir-test-server';
import { FileKeyProvider } from '../records/key-provider';
import { removeTrackedTempDirs, trackedTempDir } from '../records/test-support';
import { AuthorizationError, bearerAuthorization, noAuthorization, SmartBackendAuthorization, SYNC_SCOPES } from './access-token';
import { FhirClient, retryAfterMs } from './fhir-client';
import { checkedUrl, createTransport, TransportError } from './https-transport';
import { loadStationSigningKey, readStationJwks, SIGNING_KEY_FILE, type StationSigningKey } from './station-signing-key';

const CLIENT_ID = 'vitalbridge-station-7';

function bundle(value: string): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: 'urn:uuid:3c1e9a52-6a8f-4b4e-9a3f-0f2a8e1b7c11',
        resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test:mrn', value }] },
        request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=urn:test:mrn|${value}` },
      },
    ],
  };
}

let server: FhirTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  removeTrackedTempDirs();
});
beforeAll(indexFhirDefinitions, 120_000);

const dataDir = trackedTempDir;

const stationKey = (dir: string): Promise<StationSigningKey> => loadStationSigningKey(dir, new FileKeyProvider(dir).syncKeyProvider());

async function smartSetup(options: { accessTokenSeconds?: number } = {}) {
  const dir = dataDir();
  const key = await stationKey(dir);
  let clock = Date.now();
  server = await startFhirTestServer({ now: () => clock, auth: { smart: { clientId: CLIENT_ID, jwks: readStationJwks(dir)!, ...options } } });
  const transport = createTransport();
  const authorization = new SmartBackendAuthorization({ tokenUrl: server.tokenUrl, clientId: CLIENT_ID, key, transport, now: () => clock });
  const client = new FhirClient({ baseUrl: server.baseUrl, authorization, transport, now: () => clock });
  const tokenRequests = (): number => server!.requests.filter((request) => request.path === '/auth/token').length;
  return { dir, key, client, tokenRequests, advance: (ms: number) => (clock += ms), server };
}

describe('station signing key', () => {
  it('is created on first use, the same pair afterwards, with only the public half readable without the sync key', async () => {
    const dir = dataDir();
    expect(readStationJwks(dir)).toBeNull();
    const first = await stationKey(dir);
    expect(first.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(first.publicJwk.d).toBeUndefined();
    expect(readStationJwks(dir)).toEqual({ keys: [first.publicJwk] });
    expect((await stationKey(dir)).publicJwk).toEqual(first.publicJwk);
    const stored = readFileSync(join(dir, SIGNING_KEY_FILE), 'utf8');
    expect(stored).not.toMatch(/"d"/);
    expect(first.privateKey.extractable).toBe(false);
  });

  it('refuses to open when the public key in the file was swapped', async () => {
    const dir = dataDir();
    await stationKey(dir);
    const path = join(dir, SIGNING_KEY_FILE);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { publicJwk: { x: string } };
    stored.publicJwk.x = stored.publicJwk.x.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    writeFileSync(path, JSON.stringify(stored));
    await expect(stationKey(dir)).rejects.toThrow(`${SIGNING_KEY_FILE} cannot be opened with this station's sync key`);
  });
});

describe('FHIR client with SMART Backend Services', () => {
  it('gets a token with the sync scopes and sends a transaction, reusing the token while it is fresh', async () => {
    const { client, tokenRequests, server } = await smartSetup();
    const first = await client.transaction(bundle('a'));
    expect(first.status).toBe(200);
    expect(first.body?.type).toBe('transaction-response');
    expect((await client.transaction(bundle('b'))).status).toBe(200);
    expect(tokenRequests()).toBe(1);
    expect(await server.resources('Patient')).toHaveLength(2);
    const found = await client.search('Patient', { identifier: 'urn:test:mrn|a' });
    expect(found.status).toBe(200);
    expect(found.body?.entry).toHaveLength(1);
  });

  it('renews the token a minute before it expires, on the injected clock', async () => {
    const { client, tokenRequests, advance } = await smartSetup({ accessTokenSeconds: 300 });
    await client.transaction(bundle('a'));
    advance(239_000);
    await client.transaction(bundle('b'));
    expect(tokenRequests()).toBe(1);
    advance(1_000);
    expect((await client.transaction(bundle('c'))).status).toBe(200);
    expect(tokenRequests()).toBe(2);
  });

  it('after a 401 gets a new token and tries once more', async () => {
    const { client, tokenRequests, server } = await smartSetup();
    await client.transaction(bundle('a'));
    server.faults.respond(1, 401);
    expect((await client.transaction(bundle('b'))).status).toBe(200);
    expect(tokenRequests()).toBe(2);
    server.faults.respond(2, 401);
    expect((await client.transaction(bundle('c'))).status).toBe(401);
    expect(tokenRequests()).toBe(3);
    expect(server.requests.filter((request) => request.path === '/fhir').map((request) => request.status)).toEqual([200, 401, 200, 401, 401]);
  });

  it('reports a token refusal (a key the server does not know) without the assertion or any token in the message', async () => {
    const { dir } = await smartSetup();
    const stranger = await stationKey(dataDir());
    const transport = createTransport();
    const authorization = new SmartBackendAuthorization({ tokenUrl: server!.tokenUrl, clientId: CLIENT_ID, key: { ...stranger, publicJwk: (await stationKey(dir)).publicJwk }, transport });
    const client = new FhirClient({ baseUrl: server!.baseUrl, authorization, transport });
    const error = (await client.transaction(bundle('a')).catch((caught: unknown) => caught)) as AuthorizationError;
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error.message).toBe(`token endpoint ${new URL(server!.tokenUrl).host} refused the station: HTTP 401, "invalid_client"`);
    expect(error.message).not.toMatch(/eyJ/);
  });

  it('asks for the sync scopes', () => {
    expect(SYNC_SCOPES).toBe('system/Patient.rs system/Observation.cs system/Encounter.cus system/Device.cus system/Provenance.c');
  });
});

describe('FHIR client with a static bearer token', () => {
  it('sends the token, and does not ask again after a 401', async () => {
    server = await startFhirTestServer({ auth: { bearer: 'static-token' } });
    const transport = createTransport();
    expect((await new FhirClient({ baseUrl: server.baseUrl, authorization: bearerAuthorization('static-token'), transport }).transaction(bundle('a'))).status).toBe(200);
    const wrong = await new FhirClient({ baseUrl: server.baseUrl, authorization: bearerAuthorization('other'), transport }).transaction(bundle('b'));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ resourceType: 'OperationOutcome' });
    expect(server.requests.map((request) => request.status)).toEqual([200, 401]);
  });
});

describe('transport', () => {
  it('refuses plain http:// except to loopback', () => {
    expect(() => checkedUrl('http://fhir.example.org/r4')).toThrow(new TransportError('plain http:// is refused except to this machine (loopback); use https:// for fhir.example.org'));
    expect(() => new FhirClient({ baseUrl: 'http://10.0.0.5/fhir', authorization: noAuthorization, transport: createTransport() })).toThrow(TransportError);
    expect(() => checkedUrl('ftp://fhir.example.org/')).toThrow('unsupported protocol ftp:');
    for (const url of ['http://127.0.0.1:8080/fhir', 'http://localhost/fhir', 'http://[::1]:9/fhir', 'https://fhir.example.org/r4']) expect(checkedUrl(url).href).toBe(new URL(url).href);
  });

  it('passes Retry-After on as milliseconds', async () => {
    server = await startFhirTestServer();
    server.faults.respond(1, 429, { 'Retry-After': '7' });
    const answer = await new FhirClient({ baseUrl: server.baseUrl, authorization: noAuthorization, transport: createTransport() }).transaction(bundle('a'));
    expect(answer).toMatchObject({ status: 429, retryAfterMs: 7_000 });
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:27:30 GMT'))).toBe(30_000);
    expect(retryAfterMs(undefined, 0)).toBeNull();
    expect(retryAfterMs('soon', 0)).toBeNull();
  });

  it('aborts a request the server holds past the caller deadline', async () => {
    server = await startFhirTestServer();
    const hanging = server.faults.hang(1, 10_000);
    const giveUp = new AbortController();
    const answer = new FhirClient({ baseUrl: server.baseUrl, authorization: noAuthorization, transport: createTransport() }).transaction(bundle('a'), { signal: giveUp.signal });
    await hanging;
    giveUp.abort();
    await expect(answer).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses an answer larger than the bound', async () => {
    server = await startFhirTestServer();
    const transport = createTransport({ maxResponseBytes: 100 });
    await expect(new FhirClient({ baseUrl: server.baseUrl, authorization: noAuthorization, transport }).transaction(bundle('a'))).rejects.toThrow('exceeds 100 bytes');
  });

  describe('HTTPS with an extra CA', () => {
    let https: Server | undefined;
    afterEach(() => new Promise<void>((resolve) => (https ? https.close(() => resolve()) : resolve())));

    it('trusts a server certified by the extra CA file and refuses it without', async () => {
      const dir = dataDir();
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      https = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/fhir+json' });
        response.end('{"resourceType":"Bundle","type":"searchset"}');
      });
      await new Promise<void>((resolve) => https!.listen(0, '127.0.0.1', resolve));
      const baseUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}/fhir`;
      const trusted = new FhirClient({ baseUrl, authorization: noAuthorization, transport: createTransport({ extraCaFile: join(dir, 'cert.pem') }) });
      expect((await trusted.search('Patient', { family: 'doe' })).body).toEqual({ resourceType: 'Bundle', type: 'searchset' });
      const untrusted = new FhirClient({ baseUrl, authorization: noAuthorization, transport: createTransport() });
      await expect(untrusted.search('Patient', { family: 'doe' })).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    });
  });
});
