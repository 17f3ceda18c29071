import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VisitTokenSigner } from './visit-token';

const signer = new VisitTokenSigner(randomBytes(32));
const claims = { visitId: 'abc', role: 'clinician' as const, expiresAt: 2_000_000_000_000 };

describe('visit tokens', () => {
  it('round-trips the claims, seat claim included, until the expiry', () => {
    const token = signer.sign({ ...claims, seatClaim: 'seat1' });
    expect(signer.verify(token, claims.expiresAt - 1)).toEqual({ ok: true, claims: { ...claims, seatClaim: 'seat1' } });
    expect(signer.verify(token, claims.expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another secret and any edited byte', () => {
    const token = signer.sign(claims);
    expect(new VisitTokenSigner(randomBytes(32)).verify(token, 0)).toEqual({ ok: false, reason: 'bad-signature' });
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCxyz019-_.'), (index, replacement) => {
        fc.pre(token[index] !== replacement);
        const edited = token.slice(0, index) + replacement + token.slice(index + 1);
        expect(signer.verify(edited, 0).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    // Including the last character, whose two spare bits base64 decoding ignores.
    const last = token.at(-1) === 'A' ? 'B' : token.at(-1) === 'B' ? 'A' : token.at(-1) === 'Q' ? 'R' : 'Q';
    expect(signer.verify(token.slice(0, -1) + last, 0).ok).toBe(false);
  });

  it('refuses a correctly signed payload that is not a token', () => {
    // Sign arbitrary JSON with the same construction to show the payload is validated after the MAC.
    const weird = new VisitTokenSigner(Buffer.alloc(32, 7));
    const good = weird.sign(claims);
    const [version] = good.split('.');
    const payload = Buffer.from(JSON.stringify({ v: 'abc', r: 'admin', x: 1 })).toString('base64url');
    const mac = createHmac('sha256', Buffer.alloc(32, 7)).update(`${version}.${payload}`).digest('base64url');
    expect(weird.verify(`${version}.${payload}.${mac}`, 0)).toEqual({ ok: false, reason: 'malformed' });
    expect(weird.verify('vb1..', 0).ok).toBe(false);
    expect(weird.verify('', 0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('will not sign with a short secret', () => {
    expect(() => new VisitTokenSigner(Buffer.alloc(16))).toThrow(/at least 32 bytes/);
  });
});
