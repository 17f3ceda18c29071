/**
 * Who may use the test FHIR server: anyone, the holder of one static bearer token, or a SMART
 * Backend Services client (http://hl7.org/fhir/smart-app-launch/backend-services.html) that
 * exchanges a private_key_jwt client assertion, verified with `jose` against its JWKS, for a
 * short-lived access token at the token endpoint.
 */
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';

export type FhirTestServerAuth =
  | 'none'
  | { bearer: string }
  | { smart: { clientId: string; jwksUrl?: string; jwks?: JSONWebKeySet; accessTokenSeconds?: number } };

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** SMART Backend Services: the assertion's exp "SHALL be no more than five minutes in the future". */
const MAX_ASSERTION_SECONDS = 300;
const DEFAULT_ACCESS_TOKEN_SECONDS = 300;

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface ServerAuth {
  /** Whether a FHIR request's Authorization header lets it through. */
  allows(authorization: string | undefined): boolean;
  /** The token endpoint's answer to a form-encoded request (RFC 6749 5.1 / 5.2). */
  token(form: URLSearchParams): Promise<TokenAnswer>;
}

const refusal = (status: number, error: string, description: string): TokenAnswer => ({ status, body: { error, error_description: description } });

function bearerOf(authorization: string | undefined): string | null {
  const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

export function createServerAuth(auth: FhirTestServerAuth, tokenUrl: string, now: () => number): ServerAuth {
  if (auth === 'none') return { allows: () => true, token: async () => refusal(400, 'unsupported_grant_type', 'this server does not issue tokens') };
  if ('bearer' in auth) return { allows: (header) => bearerOf(header) === auth.bearer, token: async () => refusal(400, 'unsupported_grant_type', 'this server does not issue tokens') };
  return new SmartTokenEndpoint(auth.smart, tokenUrl, now);
}

class SmartTokenEndpoint implements ServerAuth {
  private readonly keys: JWTVerifyGetKey;
  /** Issued access tokens and when each expires (ms). */
  private readonly tokens = new Map<string, number>();
  /** Assertion ids seen and until when each could still be replayed (ms). */
  private readonly seenJtis = new Map<string, number>();

  constructor(
    private readonly client: { clientId: string; jwksUrl?: string; jwks?: JSONWebKeySet; accessTokenSeconds?: number },
    private readonly tokenUrl: string,
    private readonly now: () => number,
  ) {
    if (client.jwks) this.keys = createLocalJWKSet(client.jwks);
    else if (client.jwksUrl) this.keys = createRemoteJWKSet(new URL(client.jwksUrl));
    else throw new Error('smart auth needs jwks or jwksUrl');
  }

  allows(authorization: string | undefined): boolean {
    const token = bearerOf(authorization);
    const expires = token === null ? undefined : this.tokens.get(token);
    return expires !== undefined && expires > this.now();
  }

  async token(form: URLSearchParams): Promise<TokenAnswer> {
    if (form.get('grant_type') !== 'client_credentials') return refusal(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) return refusal(400, 'invalid_request', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    const scope = form.get('scope');
    if (!scope) return refusal(400, 'invalid_scope', 'scope is required');
    const assertion = form.get('client_assertion') ?? '';
    const nowSeconds = Math.floor(this.now() / 1000);
    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, this.keys, {
        algorithms: ['RS384', 'ES384'],
        issuer: this.client.clientId,
        subject: this.client.clientId,
        audience: this.tokenUrl,
        currentDate: new Date(this.now()),
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
      }));
    } catch (error) {
      return refusal(401, 'invalid_client', `client assertion refused: ${(error as Error).message}`);
    }
    if ((payload.exp as number) - nowSeconds > MAX_ASSERTION_SECONDS) return refusal(401, 'invalid_client', 'client assertion expires more than five minutes ahead');
    this.forgetExpiredJtis();
    const jti = payload.jti as string;
    if (this.seenJtis.has(jti)) return refusal(401, 'invalid_client', 'client assertion jti already used');
    this.seenJtis.set(jti, (payload.exp as number) * 1000);
    const lifetime = this.client.accessTokenSeconds ?? DEFAULT_ACCESS_TOKEN_SECONDS;
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.set(accessToken, this.now() + lifetime * 1000);
    return { status: 200, body: { access_token: accessToken, token_type: 'bearer', expires_in: lifetime, scope } };
  }

  private forgetExpiredJtis(): void {
    const now = this.now();
    for (const [jti, until] of this.seenJtis) if (until <= now) this.seenJtis.delete(jti);
  }
}
