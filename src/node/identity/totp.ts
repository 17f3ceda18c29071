/**
 * Time-based one-time passwords, RFC 6238 with the parameters every authenticator app uses:
 * HMAC-SHA-1, 30-second steps, 6 digits; codes of the neighbouring steps are accepted for clock
 * drift. The caller keeps the last step used, so a code works once only.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_STEP_MS = 30_000;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one. */
export const TOTP_DRIFT_STEPS = 1;
const SECRET_BYTES = 20;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newTotpSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** HOTP (RFC 4226) with dynamic truncation; `digits` up to 8 for the RFC test vectors. */
export function hotp(secret: Buffer, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fff_ffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const totpStep = (nowMs: number): number => Math.floor(nowMs / TOTP_STEP_MS);

export function totpCode(secret: Buffer, nowMs: number): string {
  return hotp(secret, totpStep(nowMs));
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'malformed' | 'wrong' | 'reused' };

/** Checks `code` against the steps around `nowMs`; a step at or before `lastUsedStep` counts as reused. */
export function checkTotp(secret: Buffer, code: string, nowMs: number, lastUsedStep: number | null): TotpCheck {
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return { ok: false, reason: 'malformed' };
  const current = totpStep(nowMs);
  let reused = false;
  for (let step = current - TOTP_DRIFT_STEPS; step <= current + TOTP_DRIFT_STEPS; step++) {
    if (!timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(code))) continue;
    if (lastUsedStep !== null && step <= lastUsedStep) reused = true;
    else return { ok: true, step };
  }
  return { ok: false, reason: reused ? 'reused' : 'wrong' };
}

/** The otpauth:// URI an authenticator app scans; names the account by its user name only. */
export function otpauthUri(secret: Buffer, accountName: string, issuer = 'VitalBridge'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = new URLSearchParams({ secret: base32Encode(secret), issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_STEP_MS / 1000) });
  return `otpauth://totp/${label}?${query.toString()}`;
}
