import { describe, expect, it } from 'vitest';
import type { AccessState, SignedInUser } from '../../shared/contract-access';
import { kioskScreenFor } from './kiosk-screen';

const patient: SignedInUser = { userId: 'kiosk:p1', username: 'Patient (kiosk)', role: 'kiosk', locked: false, patientScope: 'p1' };
const state = (user: SignedInUser | null, visitOpen = user !== null): AccessState => ({ needsEnrolment: false, user, inactivityLockMs: 300_000, kiosk: { enabled: true, visitOpen } });
const fresh = { sawVisit: false, finished: false };
const afterVisit = { sawVisit: true, finished: false };

describe('kiosk screen', () => {
  it('welcomes the next patient on a page that has shown no visit, whatever else goes on at the kiosk', () => {
    expect(kioskScreenFor(null, fresh)).toBe('welcome');
    expect(kioskScreenFor(state(null), fresh)).toBe('welcome');
    expect(kioskScreenFor(state(null, true), fresh)).toBe('welcome');
  });

  it('shows the visit while this page holds the patient’s unlocked session', () => {
    expect(kioskScreenFor(state(patient), fresh)).toBe('visit');
    expect(kioskScreenFor(state(patient), afterVisit)).toBe('visit');
  });

  it('clears the page once its visit is over, however it ended', () => {
    expect(kioskScreenFor(state(null), afterVisit)).toBe('clearing');
    expect(kioskScreenFor(null, afterVisit)).toBe('clearing');
    expect(kioskScreenFor(state({ ...patient, locked: true }), afterVisit)).toBe('clearing');
    expect(kioskScreenFor(state(patient), { sawVisit: true, finished: true })).toBe('clearing');
  });

  it('never shows a visit for a staff session', () => {
    expect(kioskScreenFor(state({ ...patient, role: 'nurse', patientScope: null }), fresh)).toBe('welcome');
  });
});
