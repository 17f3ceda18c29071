/**
 * The FhirClient the settings describe, or null when no FHIR server is set. The static bearer
 * token comes from the environment (VITALBRIDGE_FHIR_TOKEN) and lives only in memory; the SMART
 * key pair is loaded (created on first use) through the station's sync key provider.
 */
import type { StationKeyProvider } from '../records/key-provider';
import type { StationSettings } from '../settings/schema';
import { SettingsError } from '../settings/settings';
import { bearerAuthorization, noAuthorization, SmartBackendAuthorization, type Authorization } from './access-token';
import { FhirClient } from './fhir-client';
import { createTransport } from './https-transport';
import { loadStationSigningKey } from './station-signing-key';

export const BEARER_TOKEN_VARIABLE = 'VITALBRIDGE_FHIR_TOKEN';

export interface FhirConnectionOptions {
  /** The connection's part of the section (the batch size is the sync's). */
  settings: Omit<StationSettings['fhirServer'], 'maxEntries' | 'volume'>;
  dataDir: string;
  keyProvider: StationKeyProvider;
  env: NodeJS.ProcessEnv;
  now?: () => number;
}

export async function openFhirConnection(options: FhirConnectionOptions): Promise<FhirClient | null> {
  const { settings, env } = options;
  if (settings.baseUrl === null) return null;
  const transport = createTransport({ extraCaFile: settings.extraCaFile, timeoutMs: settings.requestTimeoutSeconds * 1_000 });
  let authorization: Authorization;
  if (settings.auth === 'bearer') {
    const token = env[BEARER_TOKEN_VARIABLE]?.trim();
    if (!token) throw new SettingsError(`fhirServer.auth is 'bearer' but ${BEARER_TOKEN_VARIABLE} is not set`);
    authorization = bearerAuthorization(token);
  } else if (settings.auth === 'smart') {
    if (settings.clientId === null || settings.tokenUrl === null) throw new SettingsError('fhirServer.auth is smart but clientId or tokenUrl is not set');
    const key = await loadStationSigningKey(options.dataDir, options.keyProvider.syncKeyProvider());
    authorization = new SmartBackendAuthorization({ tokenUrl: settings.tokenUrl, clientId: settings.clientId, key, transport, now: options.now });
  } else {
    authorization = noAuthorization;
  }
  return new FhirClient({ baseUrl: settings.baseUrl, authorization, transport, now: options.now });
}
