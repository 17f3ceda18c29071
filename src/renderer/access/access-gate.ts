/**
 * What the screen shows for an access state: one answer, used by the AccessGate component and by
 * everything that must follow it (the stores' patient data, activity reports), so they cannot
 * disagree about whether someone is signed in.
 */
import type { SignedInUser } from '../../shared/contract-access';
import { can } from '../../shared/roles';
import type { AccessView } from './access-store';

export type AccessGate =
  | { screen: 'connecting'; problem: string | null }
  | { screen: 'totp-enrolment'; username: string; uri: string }
  | { screen: 'enrol' }
  | { screen: 'sign-in' }
  | { screen: 'locked'; user: SignedInUser; inactivityLockMs: number }
  | { screen: 'signed-in'; user: SignedInUser; inactivityLockMs: number };

export function gateFor(view: AccessView): AccessGate {
  // The one-time enrolment outlives the state change it caused (the core needs no enrolment any more).
  const enrolment = view.enrolment;
  if (enrolment?.totpEnrolmentUri) return { screen: 'totp-enrolment', username: enrolment.user.username, uri: enrolment.totpEnrolmentUri };
  const { state } = view;
  if (!state) return { screen: 'connecting', problem: view.problem };
  if (state.needsEnrolment) return { screen: 'enrol' };
  if (!state.user) return { screen: 'sign-in' };
  return { screen: state.user.locked ? 'locked' : 'signed-in', user: state.user, inactivityLockMs: state.inactivityLockMs };
}

/** The person at the screen is signed in, unlocked, and their role sees patient data. */
export function seesPatientData(gate: AccessGate): boolean {
  return gate.screen === 'signed-in' && can(gate.user.role, 'patient.view');
}

/** "5 minutes", "1 minute", "90 seconds": how long without use before the screen locks. */
export function lockDelayText(inactivityLockMs: number): string {
  const seconds = Math.round(inactivityLockMs / 1_000);
  if (seconds % 60 !== 0) return `${seconds} seconds`;
  const minutes = seconds / 60;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
