/**
 * A screen whose person is fixed and allowed whatever their role allows, with no sign-in: for hosts
 * that have no people at a screen at all (benchmarks, transport tests). The station itself never
 * uses it; its screens get sessions from StationAccess.
 */
import type { AccessState } from '../../../shared/contract-access';
import type { Actor } from '../../../shared/clinical/actor';
import { can, type ProtectedAction } from '../../../shared/roles';
import { AccessDeniedError, type ScreenAccess } from './station-access';

export function fixedActorScreen(actor: Actor): ScreenAccess {
  const state: AccessState = {
    needsEnrolment: false,
    user: { userId: actor.id, username: actor.name, role: actor.role, locked: false, patientScope: null },
    inactivityLockMs: 300_000,
    kiosk: { enabled: false, visitOpen: false },
  };
  const refuse = (): never => {
    throw new AccessDeniedError('This screen has no sign-in');
  };
  return {
    state: () => state,
    authorize(action: ProtectedAction) {
      if (!can(actor.role, action)) throw new AccessDeniedError(`Your role (${actor.role}) may not do that`);
      return actor;
    },
    maySeePatient: () => can(actor.role, 'patient.view'),
    signIn: refuse,
    unlock: refuse,
    attempt: refuse,
    lock: refuse,
    signOut: refuse,
    reportActivity: () => undefined,
    sessionId: refuse,
    adopt: refuse,
    close: () => undefined,
  };
}
