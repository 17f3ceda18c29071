import { describe, expect, it } from 'vitest';
import { openTestStation, TEST_SCRYPT_COST, type TestStation } from '../records/test-support';
import { Authenticator, DEFAULT_THROTTLE, kioskActorId, SessionError } from './authenticator';
import { repeatedRefusals } from './refusal-audit';
import { hashPassword, verifyPassword } from './password';
import { base32Encode, checkTotp, hotp, totpCode, TOTP_STEP_MS } from './totp';

const PASSWORD = 'correct horse battery';
const THROTTLE = { freeAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000 };

async function stationWithNurse(): Promise<TestStation & { secret: Buffer; userId: string }> {
  const station = await openTestStation(undefined, { throttle: THROTTLE, inactivityLockMs: 5 * 60_000 });
  const { user, totpEnrolmentUri } = await station.users.create({ username: 'nurse.ada', role: 'nurse', password: PASSWORD });
  expect(totpEnrolmentUri).toMatch(/^otpauth:\/\/totp\/VitalBridge:nurse\.ada\?secret=[A-Z2-7]{32}&/);
  return { ...station, secret: user.totpSecret!, userId: user.id };
}

const auditActions = (station: TestStation) => station.audit.entries().map((e) => e.action);

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", 8-digit codes.
  const seed = Buffer.from('12345678901234567890');
  it.each([
    [59, '94287082'],
    [1_111_111_109, '07081804'],
    [1_111_111_111, '14050471'],
    [1_234_567_890, '89005924'],
    [2_000_000_000, '69279037'],
    [20_000_000_000, '65353130'],
  ])('at %i s the code is %s', (seconds, code) => {
    expect(hotp(seed, Math.floor(seconds / 30), 8)).toBe(code);
    expect(totpCode(seed, seconds * 1000)).toBe(code.slice(-6));
  });

  it('accepts the neighbouring steps, refuses further ones, malformed codes and reuse', () => {
    const now = 1_700_000_000_000;
    const at = (offset: number) => totpCode(seed, now + offset * TOTP_STEP_MS);
    expect(checkTotp(seed, at(-1), now, null)).toMatchObject({ ok: true });
    expect(checkTotp(seed, at(1), now, null)).toMatchObject({ ok: true });
    expect(checkTotp(seed, at(-2), now, null)).toEqual({ ok: false, reason: 'wrong' });
    expect(checkTotp(seed, at(2), now, null)).toEqual({ ok: false, reason: 'wrong' });
    expect(checkTotp(seed, '12345', now, null)).toEqual({ ok: false, reason: 'malformed' });
    expect(checkTotp(seed, '１２３４５６', now, null)).toEqual({ ok: false, reason: 'malformed' });
    const used = checkTotp(seed, at(0), now, null);
    expect(used.ok).toBe(true);
    expect(checkTotp(seed, at(0), now, used.ok ? used.step : null)).toEqual({ ok: false, reason: 'reused' });
  });

  it('encodes secrets in RFC 4648 base32', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });
});

describe('passwords', () => {
  it('hashes with a per-user salt and verifies only the right password', async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD, TEST_SCRYPT_COST), hashPassword(PASSWORD, TEST_SCRYPT_COST)]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, a)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'scrypt$99$8$1$x$y')).toBe(false);
    await expect(hashPassword('short', TEST_SCRYPT_COST)).rejects.toThrow('at least 10 characters');
  });
});

describe('sign-in', () => {
  it('signs in with password and a current code, and audits it', async () => {
    const station = await stationWithNurse();
    const result = await station.auth.signIn({ username: 'Nurse.Ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time) });
    expect(result).toMatchObject({ ok: true, session: { userId: station.userId, role: 'nurse', patientScope: null } });
    expect(station.audit.entries().at(-1)).toMatchObject({ action: 'session.sign-in', actor: station.userId, role: 'nurse' });
  });

  it('refuses a wrong password, a missing or wrong code alike, without saying which', async () => {
    const station = await stationWithNurse();
    const code = totpCode(station.secret, station.clock.time);
    const wrongCode = code === '000000' ? '000001' : '000000';
    expect(await station.auth.signIn({ username: 'nurse.ada', password: 'wrong password!', totp: code })).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD })).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: wrongCode })).toEqual({ ok: false, reason: 'invalid-credentials' });
    station.auth.close();
    expect(station.audit.entries().map(({ action, object }) => `${action} ${object}`)).toEqual(['session.sign-in-refused null', `session.sign-in-refused ${repeatedRefusals(2)}`]);
  });

  it('audits repeated refusals of a name as one entry per minute with their count, however many there are', async () => {
    const station = await stationWithNurse();
    const attempts = Array.from({ length: 200 }, () => station.auth.signIn({ username: 'nurse.ada', password: 'wrong password!' }));
    expect((await Promise.all(attempts)).every((result) => !result.ok)).toBe(true);
    station.clock.advance(60_000);
    await station.auth.signIn({ username: 'nurse.ada', password: 'wrong password!' });
    station.auth.close();
    expect(station.audit.entries().map(({ actor, action, object }) => [actor, action, object])).toEqual([
      [station.userId, 'session.sign-in-refused', null],
      [station.userId, 'session.sign-in-refused', repeatedRefusals(199)],
      [station.userId, 'session.sign-in-refused', null],
    ]);
  });

  it('judges a code by when it was typed, so one that expires while the station is busy still counts', async () => {
    const station = await stationWithNurse();
    const typed = station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time) });
    // The password check is still running when the code's step (and the one of drift allowed) is over.
    station.clock.advance(3 * TOTP_STEP_MS);
    expect(await typed).toMatchObject({ ok: true });
    expect(station.users.findByUsername('nurse.ada')).toMatchObject({ failedAttempts: 0 });
  });

  it('refuses an attempt as busy at once, counting nothing, when as many password checks as the station runs are running and queued', async () => {
    const station = await stationWithNurse();
    const auth = new Authenticator(station.users, station.audit, { now: station.clock.now, throttle: THROTTLE, passwordChecks: { concurrent: 1, queued: 1 } });
    const running = auth.signIn({ username: 'someone', password: 'wrong password!' });
    const queued = auth.signIn({ username: 'someone-else', password: 'wrong password!' });
    expect(await auth.signIn({ username: 'nurse.ada', password: 'wrong password!' })).toEqual({ ok: false, reason: 'busy' });
    expect(await Promise.all([running, queued])).toEqual([
      { ok: false, reason: 'invalid-credentials' },
      { ok: false, reason: 'invalid-credentials' },
    ]);
    expect(station.users.findByUsername('nurse.ada')).toMatchObject({ failedAttempts: 0 });
    expect((await auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time) })).ok).toBe(true);
  });

  it('refuses a code that was already used, also from an earlier step, and accepts the next one', async () => {
    const station = await stationWithNurse();
    const now = station.clock.time;
    const current = totpCode(station.secret, now);
    expect((await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: current })).ok).toBe(true);
    expect(await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: current })).toEqual({ ok: false, reason: 'invalid-credentials' });
    const previous = totpCode(station.secret, now - TOTP_STEP_MS);
    expect((await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: previous })).ok).toBe(false);
    expect((await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, now + TOTP_STEP_MS) })).ok).toBe(true);
  });

  it('lets only one of two simultaneous sign-ins with the same code through', async () => {
    const station = await stationWithNurse();
    const code = totpCode(station.secret, station.clock.time);
    const results = await Promise.all([1, 2].map(() => station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: code })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('throttles after repeated failures with doubling waits, even for the right credentials, and resets on success', async () => {
    const station = await stationWithNurse();
    const attempt = (password: string) => station.auth.signIn({ username: 'nurse.ada', password, totp: totpCode(station.secret, station.clock.time) });
    for (let i = 0; i < THROTTLE.freeAttempts; i++) expect(await attempt('wrong password!')).toEqual({ ok: false, reason: 'invalid-credentials' });
    // The failure that starts a wait says so at once.
    expect(await attempt('wrong password!')).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 30_000 });
    expect(await attempt(PASSWORD)).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 30_000 });
    station.clock.advance(30_000);
    expect(await attempt('wrong password!')).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 60_000 });
    expect(await attempt(PASSWORD)).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 60_000 });
    station.clock.advance(60_000);
    expect((await attempt(PASSWORD)).ok).toBe(true);
    expect(station.users.findByUsername('nurse.ada')).toMatchObject({ failedAttempts: 0, throttledUntil: 0 });
  });

  it('counts a burst of simultaneous guesses one by one, so it cannot slip past the throttle', async () => {
    const station = await stationWithNurse();
    const burst = await Promise.all(Array.from({ length: 10 }, () => station.auth.signIn({ username: 'nurse.ada', password: 'wrong password!' })));
    expect(burst.filter((result) => !result.ok && result.reason === 'invalid-credentials')).toHaveLength(THROTTLE.freeAttempts);
    expect(station.users.findByUsername('nurse.ada')?.failedAttempts).toBe(THROTTLE.freeAttempts + 1);
    const right = await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time) });
    expect(right).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('counts a guess that arrives while earlier guesses at the same name are still being checked', async () => {
    const station = await stationWithNurse();
    const auth = new Authenticator(station.users, station.audit, { now: station.clock.now, throttle: { freeAttempts: 100, baseDelayMs: 30_000, maxDelayMs: 30_000 } });
    const guess = () => auth.signIn({ username: 'nurse.ada', password: 'wrong password!' });
    const first = guess();
    const queued = [guess(), guess()];
    await first;
    // One turn of the event loop: the next queued guess is now being checked when the late one arrives.
    await new Promise((resolve) => setImmediate(resolve));
    const late = guess();
    await Promise.all([...queued, late]);
    expect(station.users.findByUsername('nurse.ada')?.failedAttempts).toBe(4);
  });

  it('caps the wait and keeps throttling state across a restart', async () => {
    const station = await stationWithNurse();
    for (let i = 0; i < 12; i++) {
      await station.auth.signIn({ username: 'nurse.ada', password: 'wrong password!' });
      station.clock.advance(THROTTLE.maxDelayMs);
    }
    await station.auth.signIn({ username: 'nurse.ada', password: 'wrong password!' });
    station.db.close();
    const restarted = await openTestStation(station.dataDir, { throttle: THROTTLE, now: () => station.clock.time });
    const result = await restarted.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time) });
    expect(result).toEqual({ ok: false, reason: 'throttled', retryAfterMs: THROTTLE.maxDelayMs });
  });

  it('throttles unknown user names the same way and never audits what was typed', async () => {
    const station = await stationWithNurse();
    for (let i = 0; i <= THROTTLE.freeAttempts; i++) await station.auth.signIn({ username: 'my-secret-password', password: 'whatever123' });
    expect(await station.auth.signIn({ username: 'my-secret-password', password: 'whatever123' })).toMatchObject({ reason: 'throttled' });
    const trail = JSON.stringify(station.audit.entries());
    expect(trail).not.toContain('my-secret-password');
    expect(trail).not.toContain('whatever123');
    expect(station.audit.entries().every((e) => e.actor === 'unidentified')).toBe(true);
  });

  it('keeps an unknown name throttled as long as an account, however many other names are tried, and forgets both alike', async () => {
    const station = await stationWithNurse();
    for (const username of ['nurse.ada', 'ghost']) for (let i = 0; i <= THROTTLE.freeAttempts; i++) await station.auth.signIn({ username, password: 'wrong password!' });
    // Enough fresh names to evict a count-bounded table (it held 1,000).
    for (let i = 0; i < 1_100; i++) await station.auth.signIn({ username: `filler-${i}`, password: 'wrong password!' });
    for (const username of ['nurse.ada', 'ghost']) expect(await station.auth.signIn({ username, password: 'wrong password!' })).toMatchObject({ reason: 'throttled' });
    station.clock.advance(THROTTLE.maxDelayMs + DEFAULT_THROTTLE.forgetAfterMs!);
    for (const username of ['nurse.ada', 'ghost']) expect(await station.auth.signIn({ username, password: 'wrong password!' })).toEqual({ ok: false, reason: 'invalid-credentials' });
  }, 60_000);

  it('forgets a streak exactly when its wait has been over for the forgetting time, not a millisecond earlier', async () => {
    const station = await stationWithNurse();
    for (let i = 0; i <= THROTTLE.freeAttempts; i++) await station.auth.signIn({ username: 'nurse.ada', password: 'wrong password!' });
    // The last failure started the first wait: forgotten forgetAfterMs after that wait ends.
    station.clock.advance(THROTTLE.baseDelayMs + DEFAULT_THROTTLE.forgetAfterMs! - 1);
    expect(await station.auth.signIn({ username: 'nurse.ada', password: 'wrong password!' })).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 2 * THROTTLE.baseDelayMs });
    const again = await stationWithNurse();
    for (let i = 0; i <= THROTTLE.freeAttempts; i++) await again.auth.signIn({ username: 'nurse.ada', password: 'wrong password!' });
    again.clock.advance(THROTTLE.baseDelayMs + DEFAULT_THROTTLE.forgetAfterMs!);
    expect(await again.auth.signIn({ username: 'nurse.ada', password: 'wrong password!' })).toEqual({ ok: false, reason: 'invalid-credentials' });
  });

  it('lets go of made-up names once their streaks are forgotten, so a flood of names cannot grow memory without end', async () => {
    const station = await stationWithNurse();
    for (let i = 0; i < 50; i++) await station.auth.signIn({ username: `made-up-${i}`, password: 'wrong password!' });
    expect(station.auth.unknownNamesRemembered).toBe(50);
    station.clock.advance(DEFAULT_THROTTLE.forgetAfterMs!);
    await station.auth.signIn({ username: 'one-more', password: 'wrong password!' });
    expect(station.auth.unknownNamesRemembered).toBe(1);
  });

  it("audits a throttled account's refusals under its id and role, and an unknown name's as unidentified", async () => {
    const station = await stationWithNurse();
    // Every failure starts a wait longer than the audit's one-minute window, so the refusal after
    // that minute opens a new audit entry from the throttled check itself.
    const auth = new Authenticator(station.users, station.audit, { now: station.clock.now, throttle: { freeAttempts: 0, baseDelayMs: 5 * 60_000, maxDelayMs: 5 * 60_000 } });
    for (const username of ['nurse.ada', 'ghost']) expect(await auth.signIn({ username, password: 'wrong password!' })).toMatchObject({ reason: 'throttled' });
    station.clock.advance(60_000);
    for (const username of ['nurse.ada', 'ghost']) expect(await auth.signIn({ username, password: PASSWORD })).toMatchObject({ reason: 'throttled' });
    expect(station.audit.entries().map(({ actor, role, object }) => [actor, role, object])).toEqual([
      [station.userId, 'nurse', null],
      ['unidentified', 'unidentified', null],
      [station.userId, 'nurse', null],
      ['unidentified', 'unidentified', null],
    ]);
  });

  it("throttles an unknown name however it is capitalised or padded, as an account's name is", async () => {
    const station = await stationWithNurse();
    for (const username of ['ghost', 'GHOST', ' Ghost ']) expect(await station.auth.signIn({ username, password: 'wrong password!' })).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(await station.auth.signIn({ username: 'gHoSt', password: 'wrong password!' })).toEqual({ ok: false, reason: 'throttled', retryAfterMs: THROTTLE.baseDelayMs });
  });

  it('refuses a staff account whose second-factor secret is missing, rather than letting the password alone in', async () => {
    const station = await stationWithNurse();
    station.db.prepare('UPDATE users SET totp_secret = NULL WHERE id = ?').run(station.userId);
    expect(await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: '123456' })).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD })).toEqual({ ok: false, reason: 'invalid-credentials' });
  });

  it('survives hostile input types without throwing', async () => {
    const station = await stationWithNurse();
    const hostile = { username: 42, password: { $ne: null }, totp: ['123456'] } as unknown as Parameters<typeof station.auth.signIn>[0];
    expect(await station.auth.signIn(hostile)).toEqual({ ok: false, reason: 'invalid-credentials' });
  });
});

describe('sessions', () => {
  async function signedIn() {
    const station = await stationWithNurse();
    const result = await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time) });
    if (!result.ok) throw new Error('sign-in failed');
    return { ...station, sessionId: result.session.id };
  }

  it('locks after the inactivity period, which activity restarts', async () => {
    const station = await signedIn();
    station.clock.advance(5 * 60_000 - 1);
    expect(station.auth.authorize(station.sessionId, 'patient.list').role).toBe('nurse');
    station.clock.advance(5 * 60_000 - 1);
    expect(station.auth.isLocked(station.sessionId)).toBe(false);
    station.clock.advance(1);
    expect(() => station.auth.authorize(station.sessionId, 'patient.list')).toThrow(new SessionError('locked'));
    expect(auditActions(station).at(-1)).toBe('session.lock');
  });

  it('locks on demand and unlocks only for the same user with a fresh code', async () => {
    const station = await signedIn();
    const { user: other, totpEnrolmentUri } = await station.users.create({ username: 'dr.bob', role: 'physician', password: 'another long password' });
    expect(totpEnrolmentUri).not.toBeNull();
    station.auth.lock(station.sessionId);
    expect(station.auth.isLocked(station.sessionId)).toBe(true);
    station.clock.advance(TOTP_STEP_MS);
    const bobsCode = totpCode(other.totpSecret!, station.clock.time);
    expect(await station.auth.unlock(station.sessionId, { username: 'dr.bob', password: 'another long password', totp: bobsCode })).toEqual({
      ok: false,
      reason: 'invalid-credentials',
    });
    expect(station.auth.isLocked(station.sessionId)).toBe(true);
    expect(station.audit.entries().at(-1)).toMatchObject({ actor: station.userId, action: 'session.sign-in-refused' });
    // Bob's details were never checked: his code is still unused and nothing counts against him.
    expect(station.users.findByUsername('dr.bob')).toMatchObject({ lastTotpStep: null, failedAttempts: 0 });
    expect((await station.auth.signIn({ username: 'dr.bob', password: 'another long password', totp: bobsCode })).ok).toBe(true);
    expect((await station.auth.unlock(station.sessionId, { username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time) })).ok).toBe(true);
    expect(station.auth.authorize(station.sessionId, 'patient.list').userId).toBe(station.userId);
  });

  it("throttles unlock attempts with other people's names like sign-ins, against the session's owner", async () => {
    const station = await signedIn();
    station.auth.lock(station.sessionId);
    for (let i = 0; i < THROTTLE.freeAttempts; i++) {
      expect(await station.auth.unlock(station.sessionId, { username: `someone-${i}`, password: 'whatever123' })).toEqual({ ok: false, reason: 'invalid-credentials' });
    }
    expect(await station.auth.unlock(station.sessionId, { username: 'someone-else', password: 'whatever123' })).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 30_000 });
    const right = { username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time + TOTP_STEP_MS) };
    expect(await station.auth.unlock(station.sessionId, right)).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 30_000 });
    station.clock.advance(30_000);
    expect((await station.auth.unlock(station.sessionId, right)).ok).toBe(true);
  });

  it('refuses actions outside the role and unknown or signed-out sessions', async () => {
    const station = await signedIn();
    expect(() => station.auth.authorize(station.sessionId, 'record.erase')).toThrow(new SessionError('forbidden'));
    station.auth.signOut(station.sessionId);
    expect(() => station.auth.authorize(station.sessionId, 'patient.list')).toThrow(new SessionError('unknown-session'));
    expect(() => station.auth.authorize('made-up', 'patient.list')).toThrow(new SessionError('unknown-session'));
  });

  it('opens a kiosk visit without credentials, as the kiosk acting for that patient only', async () => {
    const station = await openTestStation();
    const session = station.auth.openKioskSession('patient-a');
    expect(session).toMatchObject({ userId: kioskActorId('patient-a'), role: 'kiosk', patientScope: 'patient-a' });
    // The audit trail names the visit by its patient, so two patients' visits are told apart.
    expect(station.audit.entries().at(-1)).toMatchObject({ actor: 'kiosk:patient-a', role: 'kiosk', action: 'session.sign-in', object: 'patient-a' });
    expect(station.auth.authorize(session.id, 'patient.view', 'patient-a').role).toBe('kiosk');
    expect(() => station.auth.authorize(session.id, 'patient.view', 'patient-b')).toThrow(new SessionError('other-patient'));
  });

  it('takes a sign-in for a protected action only from a role allowed it, and audits the refusal without opening a session', async () => {
    const station = await stationWithNurse();
    const { user: admin } = await station.users.create({ username: 'admin.grace', role: 'administrator', password: PASSWORD });
    const nurse = await station.auth.signInFor('kiosk.leave', { username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time) });
    expect(nurse).toEqual({ ok: false, reason: 'not-permitted' });
    expect(station.audit.entries().at(-1)).toMatchObject({ actor: station.userId, role: 'nurse', action: 'session.sign-in-refused' });
    expect(await station.auth.signInFor('kiosk.leave', { username: 'admin.grace', password: 'wrong password!', totp: totpCode(admin.totpSecret!, station.clock.time) })).toEqual({
      ok: false,
      reason: 'invalid-credentials',
    });
    const granted = await station.auth.signInFor('kiosk.leave', { username: 'admin.grace', password: PASSWORD, totp: totpCode(admin.totpSecret!, station.clock.time) });
    expect(granted).toMatchObject({ ok: true, session: { userId: admin.id, role: 'administrator', patientScope: null } });
  });

  it('locks after five minutes without use by default, and after the configured time when one is set', async () => {
    const byDefault = await openTestStation();
    const visit = byDefault.auth.openKioskSession('patient-a');
    byDefault.clock.advance(5 * 60_000 - 1);
    expect(byDefault.auth.isLocked(visit.id)).toBe(false);
    byDefault.clock.advance(1);
    expect(byDefault.auth.isLocked(visit.id)).toBe(true);
    const shorter = await openTestStation(undefined, { inactivityLockMs: 2 * 60_000 });
    const ward = shorter.auth.openKioskSession('patient-a');
    shorter.clock.advance(2 * 60_000 - 1);
    expect(shorter.auth.isLocked(ward.id)).toBe(false);
    shorter.clock.advance(1);
    expect(shorter.auth.isLocked(ward.id)).toBe(true);
  });

  it('says in words why a session cannot be used', async () => {
    const station = await signedIn();
    expect(() => station.auth.authorize('made-up', 'patient.list')).toThrow('not signed in');
    expect(() => station.auth.authorize(station.sessionId, 'record.erase')).toThrow('this role may not do that');
    station.auth.lock(station.sessionId);
    expect(() => station.auth.authorize(station.sessionId, 'patient.list')).toThrow('the session is locked; sign in again to unlock it');
    const visit = station.auth.openKioskSession('patient-a');
    expect(() => station.auth.authorize(visit.id, 'patient.view', 'patient-b')).toThrow('this kiosk session only shows its own patient');
  });

  it('refuses to lock, unlock or report on a session it does not know, and signing out twice ends it once', async () => {
    const station = await signedIn();
    const right = { username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time + TOTP_STEP_MS) };
    expect(() => station.auth.lock('made-up')).toThrow(new SessionError('unknown-session'));
    await expect(station.auth.unlock('made-up', right)).rejects.toThrow(new SessionError('unknown-session'));
    expect(() => station.auth.isLocked('made-up')).toThrow(new SessionError('unknown-session'));
    station.auth.signOut(station.sessionId);
    expect(() => station.auth.signOut(station.sessionId)).not.toThrow();
    expect(auditActions(station).filter((action) => action === 'session.sign-out')).toHaveLength(1);
  });

  it('audits a lock once, however often the screen is locked', async () => {
    const station = await signedIn();
    station.auth.lock(station.sessionId);
    station.auth.lock(station.sessionId);
    station.clock.advance(10 * 60_000);
    expect(station.auth.isLocked(station.sessionId)).toBe(true);
    expect(auditActions(station).filter((action) => action === 'session.lock')).toHaveLength(1);
  });

  it("ends every session of a removed account and nobody else's", async () => {
    const station = await signedIn();
    const second = await station.auth.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(station.secret, station.clock.time + TOTP_STEP_MS) });
    if (!second.ok) throw new Error('second sign-in failed');
    const visit = station.auth.openKioskSession('patient-a');
    station.auth.signOutUser(station.userId);
    for (const id of [station.sessionId, second.session.id]) expect(() => station.auth.authorize(id, 'patient.list')).toThrow(new SessionError('unknown-session'));
    expect(station.auth.authorize(visit.id, 'patient.view', 'patient-a').role).toBe('kiosk');
  });

  it('keeps a locked session locked once its account is removed, even against another valid account', async () => {
    const station = await signedIn();
    const { user: bob } = await station.users.create({ username: 'dr.bob', role: 'physician', password: 'another long password' });
    station.auth.lock(station.sessionId);
    station.users.remove(station.userId);
    const bobs = { username: 'dr.bob', password: 'another long password', totp: totpCode(bob.totpSecret!, station.clock.time) };
    expect(await station.auth.unlock(station.sessionId, bobs)).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(station.auth.isLocked(station.sessionId)).toBe(true);
    expect(station.audit.entries().at(-1)).toMatchObject({ actor: station.userId, role: 'nurse', action: 'session.sign-in-refused' });
  });

  it("refuses an unlock with the owner's password and code under another name, and leaves that code unused", async () => {
    const station = await signedIn();
    station.auth.lock(station.sessionId);
    const owners = { username: 'someone-else', password: PASSWORD, totp: totpCode(station.secret, station.clock.time + TOTP_STEP_MS) };
    expect(await station.auth.unlock(station.sessionId, owners)).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(station.auth.isLocked(station.sessionId)).toBe(true);
    expect((await station.auth.unlock(station.sessionId, { ...owners, username: 'nurse.ada' })).ok).toBe(true);
  });

  it('binds a kiosk session to the current patient and needs no second factor', async () => {
    const station = await openTestStation();
    const { totpEnrolmentUri } = await station.users.create({ username: 'kiosk', role: 'kiosk', password: 'kiosk password 1' });
    expect(totpEnrolmentUri).toBeNull();
    expect(await station.auth.signIn({ username: 'kiosk', password: 'kiosk password 1' })).toEqual({ ok: false, reason: 'patient-required' });
    const result = await station.auth.signIn({ username: 'kiosk', password: 'kiosk password 1' }, 'patient-a');
    if (!result.ok) throw new Error('kiosk sign-in failed');
    expect(result.session.patientScope).toBe('patient-a');
    expect(station.auth.authorize(result.session.id, 'patient.view', 'patient-a').role).toBe('kiosk');
    expect(() => station.auth.authorize(result.session.id, 'patient.view', 'patient-b')).toThrow(new SessionError('other-patient'));
    expect(() => station.auth.authorize(result.session.id, 'patient.list')).toThrow(new SessionError('forbidden'));
  });
});
