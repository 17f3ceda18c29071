/**
 * Who did something clinically relevant; every manual entry, acknowledgement and limit change
 * names one. The roles are the station's sign-in roles (../roles.ts) and the clinical core asks the
 * same permission matrix, so there is one answer to "may this person do that" everywhere.
 */
import { can, STATION_ROLES, type ProtectedAction, type StationRole } from '../roles';

export const ROLES = STATION_ROLES;
export type Role = StationRole;

export interface Actor {
  id: string;
  name: string;
  role: Role;
}

/** Whether the actor's role grants `action` (roles.ts); the clinical core refuses a command otherwise. */
export function actorMay(actor: Actor, action: ProtectedAction): boolean {
  return can(actor.role, action);
}

/** "a nurse", "an administrator": refusals name the role in a sentence. */
export function roleWithArticle(role: Role): string {
  return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
}
