// What an attacker or a locked-out clinician would notice about the two factors themselves: the
// password policy's exact limits, stored hashes that must not verify, and the TOTP window and
// enrolment URI that authenticator apps rely on.
import { describe, expect, it } from 'vitest';
import { openTestStation, TEST_SCRYPT_COST } from '../records/test-support';
import { hashPassword, PasswordPolicyError, verifyPassword } from './password';
import { base32Encode, checkTotp, hotp, otpauthUri, totpCode, totpStep, TOTP_STEP_MS } from './totp';

describe('password policy and stored hashes', () => {
  it('accepts exactly 10 and 1024 characters and refuses 9 and 1025', async () => {
    await expect(hashPassword('a'.repeat(9), TEST_SCRYPT_COST)).rejects.toThrow(PasswordPolicyError);
    await expect(hashPassword('a'.repeat(1_025), TEST_SCRYPT_COST)).rejects.toThrow('at most 1024 characters');
    expect(await verifyPassword('a'.repeat(10), await hashPassword('a'.repeat(10), TEST_SCRYPT_COST))).toBe(true);
    expect(await verifyPassword('b'.repeat(1_024), await hashPassword('b'.repeat(1_024), TEST_SCRYPT_COST))).toBe(true);
  });

  it('stores the cost, a 16-byte salt and a 32-byte hash, so a hash made today verifies after the default changes', async () => {
    const stored = await hashPassword('correct horse battery', { logN: 11, r: 4, p: 2 });
    const [scheme, logN, r, p, salt, hash] = stored.split('$');
    expect([scheme, logN, r, p]).toEqual(['scrypt', '11', '4', '2']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64')).toHaveLength(32);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
  });

  it('verifies a hash stored with a cost parameter at the accepted maximum of 32', async () => {
    const stored = await hashPassword('correct horse battery', { logN: 10, r: 1, p: 32 });
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
  });

  it('verifies a password typed in another Unicode normal form (the same characters)', async () => {
    const composed = 'Zoë-Müller-2024'.normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(decomposed, await hashPassword(composed, TEST_SCRYPT_COST))).toBe(true);
  });

  it('refuses a tampered or truncated stored hash instead of verifying or throwing', async () => {
    const stored = await hashPassword('correct horse battery', TEST_SCRYPT_COST);
    const [, logN, r, p, salt, hash] = stored.split('$');
    const variants = [
      ['bcrypt', logN, r, p, salt, hash],
      ['scrypt', logN, r, p, '', hash],
      ['scrypt', logN, r, p, salt, ''],
      ['scrypt', logN, r, p, salt],
      ['scrypt', '0', r, p, salt, hash],
      ['scrypt', '33', r, p, salt, hash],
      ['scrypt', '10.5', r, p, salt, hash],
      ['scrypt', logN, '0', p, salt, hash],
      ['scrypt', logN, r, '33', salt, hash],
      // A hash cut short must not compare equal to its prefix.
      ['scrypt', logN, r, p, salt, Buffer.from(hash!, 'base64').subarray(0, 16).toString('base64')],
    ];
    for (const parts of variants) expect(await verifyPassword('correct horse battery', parts.join('$'))).toBe(false);
  });

  it('refuses a password over 1024 characters at verification, even one whose first 1024 match', async () => {
    const stored = await hashPassword('b'.repeat(1_024), TEST_SCRYPT_COST);
    expect(await verifyPassword('b'.repeat(1_025), stored)).toBe(false);
  });
});

describe('TOTP window, reuse and enrolment', () => {
  const seed = Buffer.from('12345678901234567890');
  const now = 1_700_000_000_000;
  const at = (offset: number) => totpCode(seed, now + offset * TOTP_STEP_MS);

  it('a step changes every 30 s exactly', () => {
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
  });

  it('answers with the step the code belongs to, so the caller records the right one as used', () => {
    const current = totpStep(now);
    expect(checkTotp(seed, at(-1), now, null)).toEqual({ ok: true, step: current - 1 });
    expect(checkTotp(seed, at(0), now, null)).toEqual({ ok: true, step: current });
    expect(checkTotp(seed, at(1), now, null)).toEqual({ ok: true, step: current + 1 });
  });

  it('refuses a code from a step at or before the last used one as reused, and accepts a later one', () => {
    const current = totpStep(now);
    expect(checkTotp(seed, at(-1), now, current)).toEqual({ ok: false, reason: 'reused' });
    expect(checkTotp(seed, at(0), now, current)).toEqual({ ok: false, reason: 'reused' });
    expect(checkTotp(seed, at(1), now, current)).toEqual({ ok: true, step: current + 1 });
    expect(checkTotp(seed, at(0), now, current - 1)).toEqual({ ok: true, step: current });
  });

  it('refuses codes that are not exactly six digits, including a right code with something around it', () => {
    for (const code of ['', '1234567', `${at(0)}0`, `0${at(0)}`, ` ${at(0)}`, `${at(0)}\n`, 'abcdef']) {
      expect(checkTotp(seed, code, now, null)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('pads codes with leading zeros to six digits', () => {
    // RFC 4226 appendix D: counter 7 of this secret gives 162583. A code under 100000 must keep
    // its leading zero, or the app's code and the station's never match.
    const padded = Array.from({ length: 200 }, (_, counter) => hotp(seed, counter)).find((code) => code.startsWith('0'));
    expect(padded).toMatch(/^0\d{5}$/);
    expect(hotp(seed, 7)).toBe('162583');
  });

  it('encodes a secret whose bit count is not a multiple of five with zero-filled last character', () => {
    expect(base32Encode(Buffer.from('f'))).toBe('MY');
    expect(base32Encode(Buffer.from('fo'))).toBe('MZXQ');
    expect(base32Encode(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]))).toBe('77777777');
    expect(base32Encode(Buffer.alloc(0))).toBe('');
  });

  it('enrols authenticator apps with SHA-1, six digits, 30 s and the account named by user name only', () => {
    const uri = new URL(otpauthUri(seed, 'nurse ada/1', 'Ward 7'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    // The label is encoded: a slash in a user name must not become a path separator.
    expect(uri.pathname).toBe('/Ward%207:nurse%20ada%2F1');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: base32Encode(seed),
      issuer: 'Ward 7',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    expect(otpauthUri(seed, 'x')).toContain('otpauth://totp/VitalBridge:x?');
  });
});

describe('user directory', () => {
  it('keeps user names unique however they are padded, and refuses names outside the rules', async () => {
    const { users } = await openTestStation();
    await users.create({ username: 'nurse.ada', role: 'nurse', password: 'correct horse battery' });
    await expect(users.create({ username: '  nurse.ada ', role: 'physician', password: 'correct horse battery' })).rejects.toThrow('that user name is taken');
    expect(users.findByUsername(' nurse.ada ')?.role).toBe('nurse');
    await expect(users.create({ username: 'a', role: 'nurse', password: 'correct horse battery' })).rejects.toThrow('user names are 2–64');
    await expect(users.create({ username: "ada'; --", role: 'nurse', password: 'correct horse battery' })).rejects.toThrow('user names are 2–64');
    expect(users.count()).toBe(1);
  });

  it('gives every role but kiosk a TOTP secret and counts accounts per role', async () => {
    const { users } = await openTestStation();
    const kiosk = await users.create({ username: 'kiosk-1', role: 'kiosk', password: 'correct horse battery' });
    const admin = await users.create({ username: 'admin-1', role: 'administrator', password: 'correct horse battery' });
    expect(kiosk).toMatchObject({ user: { totpSecret: null }, totpEnrolmentUri: null });
    expect(admin.user.totpSecret).toHaveLength(20);
    expect(admin.totpEnrolmentUri).toContain(`secret=${base32Encode(admin.user.totpSecret!)}`);
    expect([users.count(), users.count('kiosk'), users.count('administrator'), users.count('nurse')]).toEqual([2, 1, 1, 0]);
  });

  it('names every rule a new account breaks, one after another', async () => {
    const { users } = await openTestStation();
    const input = { username: 'a', role: 'janitor', password: 'correct horse battery' } as unknown as Parameters<typeof users.create>[0];
    await expect(users.create(input)).rejects.toThrow(/^user names are 2–64 letters, digits, dots, dashes or underscores; .*kiosk/);
  });

  it("lists accounts oldest first for the administrator, accounts made in the same millisecond by name", async () => {
    const { users, clock } = await openTestStation();
    for (const username of ['zoe', 'yann']) await users.create({ username, role: 'nurse', password: 'correct horse battery' });
    clock.advance(1);
    await users.create({ username: 'adam', role: 'physician', password: 'correct horse battery' });
    expect(users.list().map(({ username, role }) => `${username} ${role}`)).toEqual(['yann nurse', 'zoe nurse', 'adam physician']);
  });

  it('refuses to load an account whose role was altered, past the schema, to one the station does not know', async () => {
    const { users, db } = await openTestStation();
    const { user } = await users.create({ username: 'nurse.ada', role: 'nurse', password: 'correct horse battery' });
    db.pragma('ignore_check_constraints = ON');
    db.prepare("UPDATE users SET role = 'superuser' WHERE id = ?").run(user.id);
    expect(() => users.get(user.id)).toThrow('a user account has an unknown role');
    expect(() => users.findByUsername('nurse.ada')).toThrow('a user account has an unknown role');
  });

  it('removes an account once and says when there is no such account', async () => {
    const { users } = await openTestStation();
    const { user } = await users.create({ username: 'nurse.ada', role: 'nurse', password: 'correct horse battery' });
    users.remove(user.id);
    expect(users.get(user.id)).toBeNull();
    expect(() => users.remove(user.id)).toThrow('no such user');
    expect(() => users.require(user.id)).toThrow('no such user');
  });

  it('consumes a TOTP step only forward: an earlier or the same step loses, a later one wins', async () => {
    const { users } = await openTestStation();
    const { user } = await users.create({ username: 'nurse.ada', role: 'nurse', password: 'correct horse battery' });
    expect(users.recordSuccess(user.id, 100)).toBe(true);
    expect(users.recordSuccess(user.id, 100)).toBe(false);
    expect(users.recordSuccess(user.id, 99)).toBe(false);
    expect(users.recordSuccess(user.id, 101)).toBe(true);
    // A kiosk sign-in has no step and keeps the last one.
    expect(users.recordSuccess(user.id, null)).toBe(true);
    expect(users.get(user.id)?.lastTotpStep).toBe(101);
  });
});
