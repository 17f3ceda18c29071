/**
 * What authorizes the station's FHIR requests: nothing, a static bearer token, or a SMART Backend
 * Services access token (http://hl7.org/fhir/smart-app-launch/backend-services.html): OAuth 2.0
 * client credentials with a private_key_jwt client assertion signed by the station's key, cached
 * and renewed before it expires, dropped when the server answers 401. Tokens are never logged:
 * errors name the endpoint and the server's OAuth error code only.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { StationSigningKey } from './station-signing-key';
import { SIGNING_ALGORITHM } from './station-signing-key';
import type { Transport } from './https-transport';

/** The access the sync needs: read/search patients; create observations, encounters, devices, provenance; update encounters and devices. */
export const SYNC_SCOPES = 'system/Patient.rs system/Observation.cs system/Encounter.cus system/Device.cus system/Provenance.c';
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The assertion lives well inside SMART's five-minute ceiling. */
const ASSERTION_LIFETIME_SECONDS = 240;
/** A token is renewed a minute before it expires, or a fifth of its life before for short-lived ones. */
const RENEW_SHARE = 0.2;
const RENEW_MARGIN_MS = 60_000;
const MAX_TOKEN_ANSWER_BYTES = 64 * 1024;

export interface Authorization {
  /** The Authorization header value for the next request, or null for none. */
  header(signal?: AbortSignal): Promise<string | null>;
  /** The server refused the last header (401): forget it. True when a fresh attempt could succeed. */
  refused(): boolean;
}

export class AuthorizationError extends Error {
  override name = 'AuthorizationError';
}

export const noAuthorization: Authorization = { header: async () => null, refused: () => false };

/** A fixed token (settings or VITALBRIDGE_FHIR_TOKEN): a 401 cannot be cured by asking again. */
export function bearerAuthorization(token: string): Authorization {
  return { header: async () => `Bearer ${token}`, refused: () => false };
}

export interface SmartClientOptions {
  tokenUrl: string;
  clientId: string;
  key: StationSigningKey;
  transport: Transport;
  scope?: string;
  /** Clock in ms; injected by tests. */
  now?: () => number;
}

export class SmartBackendAuthorization implements Authorization {
  private token: { value: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: SmartClientOptions) {
    this.now = options.now ?? Date.now;
  }

  async header(signal?: AbortSignal): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return `Bearer ${this.token.value}`;
    // One token request at a time; callers arriving meanwhile share it.
    this.pending ??= this.requestToken(signal).finally(() => {
      this.pending = null;
    });
    return `Bearer ${await this.pending}`;
  }

  refused(): boolean {
    this.token = null;
    return true;
  }

  /** The signed client assertion: iss = sub = client id, aud = token URL, a fresh jti, exp within five minutes. */
  private assertion(): Promise<string> {
    const issuedAt = Math.floor(this.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: this.options.key.publicJwk.kid!, typ: 'JWT' })
      .setIssuer(this.options.clientId)
      .setSubject(this.options.clientId)
      .setAudience(this.options.tokenUrl)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_SECONDS)
      .sign(this.options.key.privateKey);
  }

  private async requestToken(signal?: AbortSignal): Promise<string> {
    const requestedAt = this.now();
    const answer = await this.options.transport.send(this.options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: this.options.scope ?? SYNC_SCOPES,
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: await this.assertion(),
      }).toString(),
      signal,
    });
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown } = {};
    if (answer.body.length <= MAX_TOKEN_ANSWER_BYTES) {
      try {
        body = JSON.parse(answer.body.toString('utf8')) as typeof body;
      } catch {
        // Reported below as an answer without a token.
      }
    }
    if (answer.status !== 200 || typeof body.access_token !== 'string' || body.access_token === '') {
      const reason = typeof body.error === 'string' ? body.error.slice(0, 100) : 'no access token in the answer';
      throw new AuthorizationError(`token endpoint ${new URL(this.options.tokenUrl).host} refused the station: HTTP ${answer.status}, ${JSON.stringify(reason)}`);
    }
    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 0;
    this.token = { value: body.access_token, renewAt: requestedAt + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs * RENEW_SHARE) };
    return body.access_token;
  }
}
