import { describe, expect, it } from 'vitest';
import { AccessStore, CONNECTION_LOST, type AccessTimers } from './access-store';
import { gateFor } from './access-gate';
import { accessState, deferred, ScriptedStationApi, settle, signedIn } from './scripted-station-api';

/** Timers the test fires by hand, in order of their delay. */
class ManualTimers implements AccessTimers {
  pending: { callback: () => void; delayMs: number; handle: number }[] = [];
  #next = 1;
  setTimer = (callback: () => void, delayMs: number) => {
    const handle = this.#next++;
    this.pending.push({ callback, delayMs, handle });
    return handle;
  };
  clearTimer = (handle: unknown) => {
    this.pending = this.pending.filter((timer) => timer.handle !== handle);
  };
  fireNext(): number {
    const timer = this.pending.shift();
    if (!timer) throw new Error('no timer pending');
    timer.callback();
    return timer.delayMs;
  }
}

async function started(api: ScriptedStationApi, timers = new ManualTimers()) {
  const store = new AccessStore(api, api, timers);
  store.start();
  await settle();
  return { store, timers };
}

describe('AccessStore', () => {
  it('asks who is signed in at start, and follows the access event after that', async () => {
    const api = new ScriptedStationApi().answer('getAccessState', () => accessState());
    const { store } = await started(api);
    expect(gateFor(store.getView()).screen).toBe('sign-in');
    api.emit('access', signedIn('nurse', { locked: true }));
    expect(gateFor(store.getView())).toMatchObject({ screen: 'locked', user: { username: 'nurse1' } });
  });

  it('forgets the session when the connection drops and asks again after every reconnect', async () => {
    const api = new ScriptedStationApi().answer('getAccessState', () => signedIn('nurse'));
    const { store } = await started(api);
    expect(gateFor(store.getView()).screen).toBe('signed-in');
    api.setConnected(false);
    expect(gateFor(store.getView())).toEqual({ screen: 'connecting', problem: CONNECTION_LOST });
    // The core opened a new screen for the new connection: nobody is signed in at it.
    api.answer('getAccessState', () => accessState());
    api.setConnected(true);
    await settle();
    expect(gateFor(store.getView()).screen).toBe('sign-in');
    expect(api.callsOf('getAccessState')).toHaveLength(2);
  });

  it('asks once when the first connect comes while the first question is still out', async () => {
    const answer = deferred<ReturnType<typeof accessState>>();
    const api = new ScriptedStationApi().answer('getAccessState', () => answer.promise);
    await started(api);
    api.setConnected(true);
    answer.resolve(accessState());
    await settle();
    expect(api.callsOf('getAccessState')).toHaveLength(1);
  });

  it('retries with a growing delay while the station cannot answer, saying why', async () => {
    const api = new ScriptedStationApi().refuse('getAccessState', 'disconnected', 'The station did not answer getAccessState in time');
    const { store, timers } = await started(api);
    expect(gateFor(store.getView())).toEqual({ screen: 'connecting', problem: 'The station did not say who is signed in (The station did not answer getAccessState in time); retrying.' });
    expect(timers.fireNext()).toBe(1_000);
    await settle();
    expect(timers.fireNext()).toBe(2_000);
    api.answer('getAccessState', () => accessState());
    await settle();
    timers.fireNext();
    await settle();
    expect(store.getView()).toMatchObject({ problem: null, state: accessState() });
    expect(timers.pending).toEqual([]);
  });

  it('keeps the new administrator’s enrolment on screen until they confirm it, then asks again', async () => {
    const api = new ScriptedStationApi()
      .answer('getAccessState', () => accessState({ needsEnrolment: true }))
      .answer('enrolAdministrator', ({ username }) => ({ user: { id: 'a1', username, role: 'administrator', createdAt: 1 }, totpEnrolmentUri: 'otpauth://totp/VitalBridge:admin?secret=JBSWY3DPEHPK3PXP' }));
    const { store } = await started(api);
    expect(gateFor(store.getView()).screen).toBe('enrol');
    await store.enrolAdministrator('admin', 'correct horse battery');
    // The core's sweep tells the screen that no enrolment is needed any more; the code stays up.
    api.emit('access', accessState());
    expect(gateFor(store.getView())).toEqual({ screen: 'totp-enrolment', username: 'admin', uri: 'otpauth://totp/VitalBridge:admin?secret=JBSWY3DPEHPK3PXP' });
    api.answer('getAccessState', () => accessState());
    store.finishEnrolment();
    await settle();
    expect(gateFor(store.getView()).screen).toBe('sign-in');
    expect(api.callsOf('getAccessState')).toHaveLength(2);
  });

  it('takes the state a successful sign-in answers with, and leaves it on a refusal', async () => {
    const api = new ScriptedStationApi().answer('getAccessState', () => accessState()).answer('signIn', () => ({ ok: false, reason: 'invalid-credentials' }));
    const { store } = await started(api);
    const credentials = { username: 'nurse1', password: 'nurse password', totp: '123456' };
    expect(await store.signIn(credentials)).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(gateFor(store.getView()).screen).toBe('sign-in');
    api.answer('signIn', () => ({ ok: true, state: signedIn('physician') }));
    await store.signIn(credentials);
    expect(gateFor(store.getView())).toMatchObject({ screen: 'signed-in', user: { role: 'physician' } });
    expect(api.callsOf('signIn')).toEqual([credentials, credentials]);
  });

  it('locks, unlocks and signs out with the state the core answers', async () => {
    const api = new ScriptedStationApi()
      .answer('getAccessState', () => signedIn('nurse'))
      .answer('lockSession', () => signedIn('nurse', { locked: true }))
      .answer('unlockSession', () => ({ ok: true, state: signedIn('nurse') }))
      .answer('signOut', () => accessState());
    const { store } = await started(api);
    await store.lock();
    expect(gateFor(store.getView()).screen).toBe('locked');
    await store.unlock({ username: 'nurse1', password: 'nurse password', totp: '654321' });
    expect(gateFor(store.getView()).screen).toBe('signed-in');
    await store.signOut();
    expect(gateFor(store.getView()).screen).toBe('sign-in');
  });

  it('reports activity without failing when the core refuses it (locked meanwhile)', async () => {
    const api = new ScriptedStationApi().answer('getAccessState', () => signedIn('nurse')).refuse('reportActivity');
    const { store } = await started(api);
    store.reportActivity();
    await settle();
    expect(api.callsOf('reportActivity')).toHaveLength(1);
    expect(gateFor(store.getView()).screen).toBe('signed-in');
  });

  it('stops listening and retrying when stopped', async () => {
    const api = new ScriptedStationApi().refuse('getAccessState', 'disconnected');
    const { store, timers } = await started(api);
    store.stop();
    expect(timers.pending).toEqual([]);
    api.emit('access', signedIn('nurse'));
    api.setConnected(true);
    await settle();
    expect(store.getView().state).toBeNull();
    expect(api.callsOf('getAccessState')).toHaveLength(1);
  });
});
