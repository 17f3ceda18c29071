import { describe, expect, it } from 'vitest';
import { STATION_ROLES } from '../../shared/roles';
import { gateFor, lockDelayText, seesPatientData } from './access-gate';
import { accessState, signedIn } from './scripted-station-api';

const view = (state: ReturnType<typeof accessState> | null, problem: string | null = null) => ({ state, problem, enrolment: null });

describe('which screen shows', () => {
  it('waits for the station before anything else, with the reason when there is one', () => {
    expect(gateFor(view(null))).toEqual({ screen: 'connecting', problem: null });
    expect(gateFor(view(null, 'Lost the connection'))).toEqual({ screen: 'connecting', problem: 'Lost the connection' });
  });

  it('offers only the enrolment on a station without accounts', () => {
    expect(gateFor(view(accessState({ needsEnrolment: true })))).toEqual({ screen: 'enrol' });
  });

  it('asks for a sign-in when nobody is signed in, and covers a locked session with the lock screen', () => {
    expect(gateFor(view(accessState())).screen).toBe('sign-in');
    expect(gateFor(view(signedIn('nurse', { locked: true })))).toMatchObject({ screen: 'locked', user: { username: 'nurse1' }, inactivityLockMs: 300_000 });
    expect(gateFor(view(signedIn('nurse')))).toMatchObject({ screen: 'signed-in', user: { role: 'nurse' } });
  });

  it('shows a kiosk account’s enrolment only when it has an authenticator to enrol', () => {
    const created = { user: { id: 'k', username: 'kiosk1', role: 'kiosk' as const, createdAt: 1 }, totpEnrolmentUri: null };
    expect(gateFor({ state: accessState(), problem: null, enrolment: created }).screen).toBe('sign-in');
  });
});

describe('who sees patient data', () => {
  it('is the signed-in, unlocked nurse, physician or kiosk; never an administrator, a locked screen or nobody', () => {
    const seeing = STATION_ROLES.filter((role) => seesPatientData(gateFor(view(signedIn(role)))));
    expect(seeing).toEqual(['kiosk', 'nurse', 'physician']);
    expect(seesPatientData(gateFor(view(signedIn('nurse', { locked: true }))))).toBe(false);
    expect(seesPatientData(gateFor(view(accessState())))).toBe(false);
    expect(seesPatientData(gateFor(view(null)))).toBe(false);
  });
});

describe('the lock delay in words', () => {
  it('says minutes when whole, seconds otherwise', () => {
    expect(lockDelayText(300_000)).toBe('5 minutes');
    expect(lockDelayText(60_000)).toBe('1 minute');
    expect(lockDelayText(90_000)).toBe('90 seconds');
  });
});
