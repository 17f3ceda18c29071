import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../../test/fhir-server/fhir-test-server';
import { FileKeyProvider } from '../records/key-provider';
import { removeTrackedTempDirs, trackedTempDir } from '../records/test-support';
import { SETTINGS_SECTIONS, StationSettingsSchema } from '../settings/schema';
import { saveSettings, type SettingsStorage } from '../settings/settings';
import { openFhirConnection } from './fhir-connection';
import { readStationJwks } from './station-signing-key';

const fhirServerSettings = (value: unknown) => SETTINGS_SECTIONS.fhirServer.safeParse(value);

let server: FhirTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  removeTrackedTempDirs();
});
beforeAll(indexFhirDefinitions, 120_000);

const dataDir = trackedTempDir;

describe('fhirServer settings', () => {
  it('default to no server, refuse plain http to another machine, and need client id and token URL for SMART', () => {
    expect(StationSettingsSchema.parse({}).fhirServer).toEqual({ baseUrl: null, auth: 'smart', clientId: null, tokenUrl: null, extraCaFile: null, maxEntries: 500, requestTimeoutSeconds: 60, volume: 'minute-summaries' });
    expect(fhirServerSettings({ baseUrl: 'http://fhir.example.org/r4', auth: 'none' }).error?.issues[0]?.message).toBe('must be an https:// URL (http:// only to this machine)');
    expect(fhirServerSettings({ baseUrl: 'http://127.0.0.1:8080/fhir', auth: 'none' }).success).toBe(true);
    expect(fhirServerSettings({ baseUrl: 'https://fhir.example.org/r4' }).error?.issues.map((issue) => issue.path.join('.'))).toEqual(['clientId', 'tokenUrl']);
    expect(fhirServerSettings({ baseUrl: 'https://fhir.example.org/r4', clientId: 'station-1', tokenUrl: 'https://auth.example.org/token' }).success).toBe(true);
  });

  it('never keep a bearer token in the settings file', () => {
    let written: unknown;
    const storage: SettingsStorage = { location: 'memory', read: () => undefined, write: (settings) => void (written = settings) };
    saveSettings(storage, { fhirServer: { baseUrl: 'https://fhir.example.org/r4', auth: 'bearer', token: 'do-not-store' } });
    expect(JSON.stringify(written)).not.toContain('do-not-store');
  });
});

describe('openFhirConnection', () => {
  it('is null without a server', async () => {
    const dir = dataDir();
    expect(await openFhirConnection({ settings: StationSettingsSchema.parse({}).fhirServer, dataDir: dir, keyProvider: new FileKeyProvider(dir), env: {} })).toBeNull();
  });

  it('uses VITALBRIDGE_FHIR_TOKEN in bearer mode and refuses to start without it', async () => {
    const dir = dataDir();
    server = await startFhirTestServer({ auth: { bearer: 'from-the-environment' } });
    const settings = { baseUrl: server.baseUrl, auth: 'bearer' as const, clientId: null, tokenUrl: null, extraCaFile: null, requestTimeoutSeconds: 60 };
    const client = await openFhirConnection({ settings, dataDir: dir, keyProvider: new FileKeyProvider(dir), env: { VITALBRIDGE_FHIR_TOKEN: 'from-the-environment' } });
    expect((await client!.search('Patient', {})).status).toBe(200);
    await expect(openFhirConnection({ settings, dataDir: dir, keyProvider: new FileKeyProvider(dir), env: {} })).rejects.toThrow("fhirServer.auth is 'bearer' but VITALBRIDGE_FHIR_TOKEN is not set");
  });

  it('gives up on a request the server does not answer within requestTimeoutSeconds', async () => {
    const dir = dataDir();
    server = await startFhirTestServer();
    const settings = { baseUrl: server.baseUrl, auth: 'none' as const, clientId: null, tokenUrl: null, extraCaFile: null, requestTimeoutSeconds: 1 };
    const client = await openFhirConnection({ settings, dataDir: dir, keyProvider: new FileKeyProvider(dir), env: {} });
    // Held for 4 s: answered, had the 60 s default applied.
    const held = server.faults.hang(1, 4_000);
    const search = client!.search('Patient', {});
    await held;
    await expect(search).rejects.toThrow(/timeout|timed out|aborted/i);
  });

  it('signs in with the station key pair in SMART mode', async () => {
    const dir = dataDir();
    const keyProvider = new FileKeyProvider(dir);
    // First use creates the key pair; the server is registered with its JWKS, as an administrator would from `sync-key`.
    await openFhirConnection({ settings: { baseUrl: 'https://fhir.example.org/r4', auth: 'smart', clientId: 'station-1', tokenUrl: 'https://auth.example.org/token', extraCaFile: null, requestTimeoutSeconds: 60 }, dataDir: dir, keyProvider, env: {} });
    server = await startFhirTestServer({ auth: { smart: { clientId: 'station-1', jwks: readStationJwks(dir)! } } });
    const client = await openFhirConnection({ settings: { baseUrl: server.baseUrl, auth: 'smart', clientId: 'station-1', tokenUrl: server.tokenUrl, extraCaFile: null, requestTimeoutSeconds: 60 }, dataDir: dir, keyProvider, env: {} });
    expect((await client!.search('Patient', {})).status).toBe(200);
    expect(server.requests.map((request) => `${request.path} ${request.status}`)).toEqual(['/auth/token 200', '/fhir/Patient 200']);
  });
});
