/**
 * Visit tokens: `vb1.<payload>.<signature>`, the payload base64url JSON naming the visit, the role
 * the holder may take, its expiry and (for seat tokens) the seat claim; the signature is
 * HMAC-SHA256 over `vb1.<payload>` with the server's secret. Nothing in a token is secret, so it
 * carries no personal data; possession of an unexpired, correctly signed token is the access right.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { RoleSchema, type Role } from '../../shared/consult/protocol';

const VERSION = 'vb1';

const TokenPayloadSchema = z.object({
  v: z.string().min(1).max(100),
  r: RoleSchema,
  /** Expiry, ms since epoch. */
  x: z.number().int().positive(),
  /** The seat claim this token takes back; absent on link tokens. */
  s: z.string().min(1).max(100).optional(),
});

export interface VisitTokenClaims {
  visitId: string;
  role: Role;
  expiresAt: number;
  seatClaim?: string;
}

export type TokenCheck = { ok: true; claims: VisitTokenClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export class VisitTokenSigner {
  readonly #secret: Buffer;

  constructor(secret: Buffer) {
    if (secret.length < 32) throw new Error('The visit token secret must be at least 32 bytes');
    this.#secret = secret;
  }

  sign(claims: VisitTokenClaims): string {
    const payload = Buffer.from(
      JSON.stringify({ v: claims.visitId, r: claims.role, x: claims.expiresAt, ...(claims.seatClaim ? { s: claims.seatClaim } : {}) }),
    ).toString('base64url');
    const body = `${VERSION}.${payload}`;
    return `${body}.${this.#mac(body).toString('base64url')}`;
  }

  verify(token: string, now: number): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
    const [, payload = '', signature = ''] = parts;
    const given = Buffer.from(signature, 'base64url');
    const expected = this.#mac(`${VERSION}.${payload}`);
    // Base64 ignores a last character's spare bits; only the canonical spelling is the token.
    const canonical = given.toString('base64url') === signature;
    if (!canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const parsed = TokenPayloadSchema.safeParse(decoded);
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    if (parsed.data.x <= now) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { visitId: parsed.data.v, role: parsed.data.r, expiresAt: parsed.data.x, seatClaim: parsed.data.s } };
  }

  #mac(body: string): Buffer {
    return createHmac('sha256', this.#secret).update(body).digest();
  }
}
