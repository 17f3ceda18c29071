import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionError } from '../../identity/authenticator';
import { TOTP_STEP_MS } from '../../identity/totp';
import { auditHead, INACTIVITY_LOCK_MS, openAccessBench, type AccessBench } from './access-test-support';
import { AccessDeniedError, SCREEN_ATTEMPTS, StationAccess } from './station-access';

let bench: AccessBench;
beforeEach(async () => {
  bench = await openAccessBench();
});
afterEach(() => bench.close());

const actions = (from: number) => bench.auditSince(from).map(({ action, actor }) => `${action} ${actor}`);

describe('StationAccess', () => {
  it('signs in and out per screen: what one screen does leaves the other as it was', async () => {
    const nurse = await bench.account('nurse');
    const physician = await bench.account('physician');
    const a = bench.screen();
    const b = bench.screen();
    const start = auditHead(bench);

    const signedIn = await a.access.signIn(nurse.credentials());
    expect(signedIn).toMatchObject({ ok: true, state: { needsEnrolment: false, user: { userId: nurse.id, username: nurse.username, role: 'nurse', locked: false, patientScope: null } } });
    expect(b.access.state().user).toBeNull();
    expect(() => b.access.authorize('patient.view')).toThrow(AccessDeniedError);
    expect(b.access.maySeePatient()).toBe(false);

    expect(await b.access.signIn(physician.credentials())).toMatchObject({ ok: true, state: { user: { username: physician.username, role: 'physician' } } });
    expect(a.access.authorize('patient.view')).toEqual({ id: nurse.id, name: nurse.username, role: 'nurse' });
    expect(b.access.authorize('alarm.change-limits')).toEqual({ id: physician.id, name: physician.username, role: 'physician' });

    expect(a.access.lock().user).toMatchObject({ userId: nurse.id, locked: true });
    expect(b.access.state().user?.locked).toBe(false);
    expect(b.access.maySeePatient()).toBe(true);
    expect(a.access.signOut().user).toBeNull();
    expect(b.access.state().user?.username).toBe(physician.username);

    // A screen hears its own changes only, once each.
    expect(a.notified.map((state) => state.user && { role: state.user.role, locked: state.user.locked })).toEqual([{ role: 'nurse', locked: false }, { role: 'nurse', locked: true }, null]);
    expect(b.notified.map((state) => state.user?.role)).toEqual(['physician']);
    expect(actions(start)).toEqual([`session.sign-in ${nurse.id}`, `session.sign-in ${physician.id}`, `session.lock ${nurse.id}`, `session.sign-out ${nurse.id}`]);
  });

  it('refuses to authorise a signed-out screen, a locked one, a role without the right and a kiosk session for another patient', async () => {
    const nurse = await bench.account('nurse');
    const kiosk = await bench.account('kiosk');
    const administrator = await bench.account('administrator');
    const screen = bench.screen().access;

    expect(() => screen.authorize('patient.view')).toThrow(new AccessDeniedError('Sign in first'));
    await screen.signIn(nurse.credentials());
    expect(() => screen.authorize('alarm.change-limits')).toThrow(new AccessDeniedError('Your role (nurse) may not do that'));
    screen.lock();
    expect(() => screen.authorize('patient.view')).toThrow(new AccessDeniedError('The screen is locked: sign in again to unlock it'));
    expect(screen.maySeePatient()).toBe(false);

    // The station opens a kiosk session for the patient it serves and hands it to the screen.
    const opened = await bench.station.auth.signIn(kiosk.credentials(), bench.patient.id);
    if (!opened.ok) throw new Error(`kiosk sign-in refused: ${opened.reason}`);
    expect(screen.adopt(opened.session).user).toMatchObject({ role: 'kiosk', patientScope: 'patient-1', locked: false });
    expect(screen.authorize('patient.view')).toMatchObject({ id: kiosk.id, role: 'kiosk' });
    expect(screen.maySeePatient()).toBe(true);
    bench.patient.id = 'patient-2';
    expect(() => screen.authorize('patient.view')).toThrow(new AccessDeniedError('this kiosk session only shows its own patient'));
    expect(screen.maySeePatient()).toBe(false);

    // Administrators run the station but see no clinical data.
    await screen.signIn(administrator.credentials());
    expect(screen.authorize('user.manage')).toMatchObject({ id: administrator.id, role: 'administrator' });
    expect(screen.maySeePatient()).toBe(false);
    expect(() => screen.authorize('patient.view')).toThrow(new AccessDeniedError('Your role (administrator) may not do that'));
  });

  it('lets a fault of the station itself through instead of passing it off as a refusal', async () => {
    const nurse = await bench.account('nurse');
    const screen = bench.screen().access;
    await screen.signIn(nurse.credentials());
    const fault = new Error('the records database is closed');
    Object.defineProperty(bench.patient, 'id', {
      get: () => {
        throw fault;
      },
    });
    expect(() => screen.authorize('patient.view')).toThrow(fault);
    expect(() => screen.authorize('patient.view')).not.toThrow(AccessDeniedError);

    // The inactivity lock cannot be audited: the screen reports the fault, it does not show itself signed out.
    const idle = bench.screen().access;
    await idle.signIn((await bench.account('nurse')).credentials());
    bench.station.clock.advance(INACTIVITY_LOCK_MS);
    vi.spyOn(bench.station.audit, 'append').mockImplementationOnce(() => {
      throw fault;
    });
    expect(() => idle.state()).toThrow(fault);
  });

  it('names the account signed in at a screen, and shows no name for a session that has no account', async () => {
    const nurse = await bench.account('nurse');
    const screen = bench.screen().access;
    await screen.signIn(nurse.credentials());
    expect(screen.state().user?.username).toBe(nurse.username);
    expect(screen.authorize('patient.view').name).toBe(nurse.username);

    // The station's own kiosk session belongs to no user account: the screen must still open it.
    expect(screen.adopt(bench.station.auth.openKioskSession(bench.patient.id)).user).toMatchObject({ role: 'kiosk', username: '' });
    expect(screen.authorize('patient.view')).toMatchObject({ role: 'kiosk', name: '' });
  });

  it('unlocks only for the same person with a code not used before', async () => {
    const nurse = await bench.account('nurse');
    const other = await bench.account('nurse');
    const screen = bench.screen().access;
    await screen.signIn(nurse.credentials());
    screen.lock();
    const start = auditHead(bench);

    expect(await screen.unlock(other.credentials())).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(screen.state().user).toMatchObject({ userId: nurse.id, locked: true });
    // The code that signed in is spent: unlocking needs the next one.
    expect(await screen.unlock(nurse.credentials())).toEqual({ ok: false, reason: 'invalid-credentials' });
    bench.station.clock.advance(TOTP_STEP_MS);
    const unlocked = await screen.unlock(nurse.credentials());
    expect(unlocked).toMatchObject({ ok: true, state: { user: { userId: nurse.id, locked: false } } });
    expect(screen.authorize('patient.view').id).toBe(nurse.id);
    // Refused twice (someone else's details, then the spent code: the minute's repeat is counted when the
    // minute's refusals are written), then unlocked; nothing under the other nurse.
    bench.station.auth.close();
    expect(bench.auditSince(start).filter(({ actor }) => actor === nurse.id).map(({ action, object }) => `${action} ${object}`)).toEqual([
      'session.sign-in-refused null',
      'session.unlock null',
      'session.sign-in-refused repeated:1',
    ]);
    expect(bench.auditSince(start).filter(({ actor }) => actor === other.id)).toEqual([]);
  });

  it('sweep() tells a screen exactly once that inactivity locked it, and leaves an active screen alone', async () => {
    const idle = bench.screen();
    const busy = bench.screen();
    const idleNurse = await bench.account('nurse');
    const busyNurse = await bench.account('nurse');
    await idle.access.signIn(idleNurse.credentials());
    await busy.access.signIn(busyNurse.credentials());
    const start = auditHead(bench);
    const told = { idle: idle.notified.length, busy: busy.notified.length };

    bench.station.clock.advance(INACTIVITY_LOCK_MS - 1);
    bench.access.sweep();
    busy.access.reportActivity();
    expect(idle.notified).toHaveLength(told.idle);

    bench.station.clock.advance(1);
    bench.access.sweep();
    bench.access.sweep();
    expect(idle.notified.slice(told.idle).map((state) => state.user?.locked)).toEqual([true]);
    expect(busy.notified).toHaveLength(told.busy);
    expect(busy.access.state().user?.locked).toBe(false);
    expect(() => idle.access.authorize('patient.view')).toThrow(AccessDeniedError);
    expect(actions(start)).toEqual([`session.lock ${idleNurse.id}`]);
  });

  it('ignores pointer and key activity on a locked screen: it neither fails nor unlocks', async () => {
    const screen = bench.screen();
    const nurse = await bench.account('nurse');
    await screen.access.signIn(nurse.credentials());
    screen.access.lock();
    expect(() => screen.access.reportActivity()).not.toThrow();
    expect(screen.access.state().user?.locked).toBe(true);
    expect(() => screen.access.authorize('patient.view')).toThrow(AccessDeniedError);
  });

  it('a closed screen signs its session out, and closing the station signs out every screen', async () => {
    const screens = [bench.screen(), bench.screen(), bench.screen()];
    const nurses = [await bench.account('nurse'), await bench.account('nurse'), await bench.account('nurse')];
    const sessions: string[] = [];
    for (const [index, { access }] of screens.entries()) {
      await access.signIn(nurses[index]!.credentials());
      sessions.push(access.sessionId());
    }
    const start = auditHead(bench);

    screens[0]!.access.close();
    expect(() => bench.station.auth.isLocked(sessions[0]!)).toThrow(SessionError);
    expect(bench.station.auth.isLocked(sessions[1]!)).toBe(false);
    // A closed screen is gone from the station: its connection hears nothing more.
    const toldClosed = screens[0]!.notified.length;
    bench.access.sweep();
    expect(screens[0]!.notified).toHaveLength(toldClosed);
    bench.access.close();
    for (const session of sessions) expect(() => bench.station.auth.isLocked(session)).toThrow(new SessionError('unknown-session'));
    expect(actions(start)).toEqual(nurses.map((nurse) => `session.sign-out ${nurse.id}`));
  });

  it('signing out every screen (a kiosk visit ended) ends each session and tells each screen once; a screen nobody used hears nothing', async () => {
    const screens = [bench.screen(), bench.screen()];
    const nurses = [await bench.account('nurse'), await bench.account('nurse')];
    for (const [index, { access }] of screens.entries()) await access.signIn(nurses[index]!.credentials());
    const untouched = bench.screen();
    const told = screens.map(({ notified }) => notified.length);
    const start = auditHead(bench);

    bench.access.signOutEveryScreen();
    bench.access.sweep();
    for (const [index, { access, notified }] of screens.entries()) {
      expect(access.state().user).toBeNull();
      expect(notified.slice(told[index]).map((state) => state.user)).toEqual([null]);
    }
    expect(untouched.notified).toEqual([]);
    expect(actions(start)).toEqual(nurses.map((nurse) => `session.sign-out ${nurse.id}`));
    expect(() => untouched.access.lock()).toThrow(new AccessDeniedError('Not signed in at this screen'));
  });

  it('sweeps on its own every sweepIntervalMs, once a second by default', async () => {
    const nurse = await bench.account('nurse');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      for (const [sweepIntervalMs, period] of [
        [undefined, 1_000],
        [60_000, 60_000],
      ] as const) {
        const access = new StationAccess({
          authenticator: bench.station.auth,
          users: bench.station.users,
          currentPatientId: () => bench.patient.id,
          kiosk: () => ({ enabled: false, visitOpen: false }),
          inactivityLockMs: INACTIVITY_LOCK_MS,
          sweepIntervalMs,
        });
        const notified: unknown[] = [];
        const screen = access.openScreen((state) => notified.push(state.user));
        await screen.signIn(nurse.credentials());
        bench.station.clock.advance(TOTP_STEP_MS);
        const told = notified.length;
        // The account's sessions end elsewhere (the account was removed): only the sweep tells the screen.
        bench.station.auth.signOutUser(nurse.id);
        vi.advanceTimersByTime(period - 1);
        expect(notified, `interval ${period}`).toHaveLength(told);
        vi.advanceTimersByTime(1);
        expect(notified.slice(told), `interval ${period}`).toEqual([null]);
        access.close();
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports a refused sign-in without a session, and a throttled one with its wait', async () => {
    const nurse = await bench.account('nurse');
    const screen = bench.screen();
    const wrong = { ...nurse.credentials(), password: 'not the password' };
    for (let attempt = 1; attempt <= 3; attempt++) expect(await screen.access.signIn(wrong)).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(await screen.access.signIn(wrong)).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 30_000 });
    expect(await screen.access.signIn(nurse.credentials())).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 30_000 });
    expect(screen.access.state().user).toBeNull();
    expect(screen.notified).toEqual([]);
  });

  it('hears one credential check at a time from a screen and a bounded number a minute; other screens are not held up', async () => {
    const nurse = await bench.account('nurse');
    const sprayer = bench.screen();
    const wrong = (i: number) => ({ username: `spray-${i}`, password: 'not the password' });
    const [first, second] = [sprayer.access.signIn(wrong(0)), sprayer.access.signIn(wrong(1))];
    expect(await second).toEqual({ ok: false, reason: 'busy' });
    expect(await first).toEqual({ ok: false, reason: 'invalid-credentials' });
    // The refused second attempt took none of the screen's allowance; the first took one.
    for (let i = 2; i < 1 + SCREEN_ATTEMPTS.burst; i++) expect(await sprayer.access.signIn(wrong(i))).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(await sprayer.access.signIn(wrong(99))).toEqual({ ok: false, reason: 'busy' });
    expect((await bench.screen().access.signIn(nurse.credentials())).ok).toBe(true);
  });

  it('spends the allowance on refusals only: staff signing in and out at one screen all shift never meet it', async () => {
    const shared = bench.screen();
    for (let shift = 0; shift < SCREEN_ATTEMPTS.burst + 2; shift++) {
      const nurse = await bench.account('nurse');
      expect(await shared.access.signIn(nurse.credentials())).toMatchObject({ ok: true });
      shared.access.signOut();
    }
  });
});
