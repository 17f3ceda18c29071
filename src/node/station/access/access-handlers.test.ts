import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../identity/users';
import { createAccessHandlers, type AccessHandlers } from './access-handlers';
import { TOTP_STEP_MS } from '../../identity/totp';
import { auditHead, INACTIVITY_LOCK_MS, openAccessBench, PASSWORD, type AccessBench, type TestAccount, type TestScreen } from './access-test-support';

let bench: AccessBench;
let handlers: AccessHandlers;
beforeEach(async () => {
  bench = await openAccessBench();
  handlers = createAccessHandlers({ users: bench.station.users, authenticator: bench.station.auth, audit: bench.station.audit });
});
afterEach(() => bench.close());

const enrol = (screen: TestScreen, username: string, password = PASSWORD) => handlers.enrolAdministrator({ username, password }, { screen: screen.access });

async function signedIn(account: TestAccount): Promise<TestScreen> {
  const screen = bench.screen();
  const outcome = await screen.access.signIn(account.credentials());
  if (!outcome.ok) throw new Error(`${account.username} could not sign in: ${outcome.reason}`);
  return screen;
}

/** The context the contract gate builds for a guarded user-management call. */
const asAdministrator = (screen: TestScreen) => ({ screen: screen.access, actor: screen.access.authorize('user.manage') });

describe('first-run enrolment', () => {
  it('enrols one administrator with a TOTP enrolment, audited as their own act, and refuses a second', async () => {
    const screen = bench.screen();
    expect(await handlers.getAccessState(undefined, { screen: screen.access })).toMatchObject({ needsEnrolment: true, user: null });

    const created = await enrol(screen, 'admin.first');
    expect(created.user).toMatchObject({ username: 'admin.first', role: 'administrator' });
    expect(created.totpEnrolmentUri).toMatch(/^otpauth:\/\/totp\/VitalBridge:admin\.first\?secret=[A-Z2-7]{32}&/);
    expect(bench.auditSince(0).map(({ action, actor, role, object }) => ({ action, actor, role, object }))).toContainEqual({
      action: 'user.manage',
      actor: created.user.id,
      role: 'administrator',
      object: created.user.id,
    });
    expect(screen.access.state()).toMatchObject({ needsEnrolment: false, user: null });

    await expect(enrol(bench.screen(), 'admin.second')).rejects.toThrow(new UserInputError('This station already has its administrator: ask them to create your account'));
    expect(bench.station.users.list().map((user) => user.username)).toEqual(['admin.first']);
  });

  it('lets only one of two enrolments at the same moment through', async () => {
    const outcomes = await Promise.allSettled([enrol(bench.screen(), 'admin.a'), enrol(bench.screen(), 'admin.b')]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(bench.station.users.count()).toBe(1);
    expect(bench.station.users.count('administrator')).toBe(1);
  });

  it('a refused enrolment does not hold up the next one', async () => {
    await expect(enrol(bench.screen(), 'admin.a', 'short')).rejects.toThrow('at least 10 characters');
    await expect(enrol(bench.screen(), 'x')).rejects.toThrow(UserInputError);
    expect((await enrol(bench.screen(), 'admin.a')).user.username).toBe('admin.a');
  });
});

describe('session handlers', () => {
  it("sign-in, activity, lock, unlock and sign-out act on the calling screen's own session", async () => {
    const nurse = await bench.account('nurse');
    const screen = bench.screen();
    const bystander = bench.screen();
    const context = { screen: screen.access };

    expect(await handlers.signIn(nurse.credentials(), context)).toMatchObject({ ok: true, state: { user: { userId: nurse.id, locked: false } } });
    expect(bystander.access.state().user).toBeNull();
    // Activity reported through the contract postpones the inactivity lock: without it the screen
    // would have locked after INACTIVITY_LOCK_MS.
    bench.station.clock.advance(INACTIVITY_LOCK_MS - 1);
    expect(await handlers.reportActivity(undefined, context)).toBeUndefined();
    bench.station.clock.advance(INACTIVITY_LOCK_MS - 1);
    expect(screen.access.state().user?.locked).toBe(false);

    expect((await handlers.lockSession(undefined, context)).user).toMatchObject({ userId: nurse.id, locked: true });
    bench.station.clock.advance(TOTP_STEP_MS);
    expect(await handlers.unlockSession(nurse.credentials(), context)).toMatchObject({ ok: true, state: { user: { userId: nurse.id, locked: false } } });
    expect((await handlers.signOut(undefined, context)).user).toBeNull();
    expect(() => screen.access.authorize('patient.view')).toThrow('Sign in first');
  });
});

describe('user management', () => {
  it('creates accounts under the administrator, lists them oldest first, and audits each', async () => {
    const administrator = await bench.account('administrator');
    const screen = await signedIn(administrator);
    const start = auditHead(bench);

    const nurse = await handlers.createUser({ username: 'nurse.ben', role: 'nurse', password: PASSWORD }, asAdministrator(screen));
    expect(nurse.totpEnrolmentUri).toMatch(/^otpauth:\/\/totp\/VitalBridge:nurse\.ben\?/);
    bench.station.clock.advance(1_000);
    const kiosk = await handlers.createUser({ username: 'kiosk.bay1', role: 'kiosk', password: PASSWORD }, asAdministrator(screen));
    expect(kiosk.totpEnrolmentUri).toBeNull();
    await expect(handlers.createUser({ username: 'nurse.ben', role: 'physician', password: PASSWORD }, asAdministrator(screen))).rejects.toThrow('that user name is taken');

    const listed = await handlers.listUsers(undefined, asAdministrator(screen));
    expect(listed.map(({ username, role }) => `${username} ${role}`)).toEqual([`${administrator.username} administrator`, 'nurse.ben nurse', 'kiosk.bay1 kiosk']);
    expect(bench.auditSince(start).map(({ action, actor, object }) => `${action} ${actor} ${object}`)).toEqual([
      `user.manage ${administrator.id} ${nurse.user.id}`,
      `user.manage ${administrator.id} ${kiosk.user.id}`,
    ]);
  });

  it('removing an account ends its sessions at once, tells their screens once, and is audited', async () => {
    const administrator = await bench.account('administrator');
    const nurse = await bench.account('nurse');
    const admin = await signedIn(administrator);
    const ward = await signedIn(nurse);
    const told = ward.notified.length;
    const start = auditHead(bench);

    handlers.removeUser({ userId: nurse.id }, asAdministrator(admin));
    expect(bench.station.users.get(nurse.id)).toBeNull();
    expect(() => ward.access.authorize('patient.view')).toThrow('Sign in first');
    bench.access.sweep();
    bench.access.sweep();
    expect(ward.notified.slice(told).map((state) => state.user)).toEqual([null]);
    expect(bench.auditSince(start).map(({ action, actor, object }) => `${action} ${actor} ${object}`)).toEqual([
      `session.sign-out ${nurse.id} null`,
      `user.manage ${administrator.id} ${nurse.id}`,
    ]);
  });

  it('removes an administrator while another one remains', async () => {
    const [first, second] = [await bench.account('administrator'), await bench.account('administrator')];
    const screen = await signedIn(first);

    handlers.removeUser({ userId: second.id }, asAdministrator(screen));
    expect(bench.station.users.get(second.id)).toBeNull();
    expect(bench.station.users.count('administrator')).toBe(1);
  });

  it('refuses removing your own account and the last administrator, changing nothing', async () => {
    const administrator = await bench.account('administrator');
    const screen = await signedIn(administrator);
    const start = auditHead(bench);

    expect(() => handlers.removeUser({ userId: administrator.id }, asAdministrator(screen))).toThrow(new UserInputError('You cannot remove your own account while signed in with it'));
    // Only an administrator can remove accounts, so this guard stands behind the one above: it holds
    // even for an actor that is not one of the station's accounts.
    const outsider = { screen: screen.access, actor: { id: 'service-account', name: 'service', role: 'administrator' as const } };
    expect(() => handlers.removeUser({ userId: administrator.id }, outsider)).toThrow(new UserInputError('The last administrator cannot be removed'));
    expect(() => handlers.removeUser({ userId: 'no-such-user' }, asAdministrator(screen))).toThrow(new UserInputError('no such user'));

    expect(bench.station.users.count('administrator')).toBe(1);
    expect(screen.access.state().user?.userId).toBe(administrator.id);
    expect(bench.auditSince(start)).toEqual([]);
  });
});
