/**
 * The contract handlers for sign-in and user management. Sign-in, lock and unlock act on the
 * calling screen's own session (ScreenAccess); creating and removing accounts is the
 * administrator's, and each change is audited under the administrator's id.
 */
import type { accessMethods, UserSummary } from '../../../shared/contract-access';
import type { AuditLog } from '../../audit/audit-log';
import type { Authenticator } from '../../identity/authenticator';
import { UserInputError, type UserAccount, type UserDirectory } from '../../identity/users';
import type { StationHandlers } from '../contract-session';

export type AccessHandlers = Pick<StationHandlers, keyof typeof accessMethods>;

export interface AccessHandlerOptions {
  users: UserDirectory;
  authenticator: Authenticator;
  audit: AuditLog;
}

const summary = ({ id, username, role, createdAt }: UserAccount): UserSummary => ({ id, username, role, createdAt });

export function createAccessHandlers({ users, authenticator, audit }: AccessHandlerOptions): AccessHandlers {
  // Two screens enrolling at the same first run must not both become administrators.
  let enrolment: Promise<unknown> = Promise.resolve();
  const enrol = async (input: { username: string; password: string }) => {
    if (users.count() > 0) throw new UserInputError('This station already has its administrator: ask them to create your account');
    const created = await users.create({ ...input, role: 'administrator' });
    audit.append({ actor: created.user.id, role: 'administrator', action: 'user.manage', object: created.user.id });
    return { user: summary(created.user), totpEnrolmentUri: created.totpEnrolmentUri };
  };

  return {
    getAccessState: (_input, { screen }) => screen.state(),
    enrolAdministrator: (input) => {
      const result = enrolment.then(() => enrol(input));
      enrolment = result.catch(() => undefined);
      return result;
    },
    signIn: (credentials, { screen }) => screen.signIn(credentials),
    unlockSession: (credentials, { screen }) => screen.unlock(credentials),
    lockSession: (_input, { screen }) => screen.lock(),
    signOut: (_input, { screen }) => screen.signOut(),
    reportActivity: (_input, { screen }) => {
      screen.reportActivity();
      return undefined;
    },
    listUsers: () => users.list().map((user) => summary(user)),
    createUser: async (input, { actor }) => {
      const created = await users.create(input);
      audit.append({ actor: actor.id, role: actor.role, action: 'user.manage', object: created.user.id });
      return { user: summary(created.user), totpEnrolmentUri: created.totpEnrolmentUri };
    },
    removeUser: ({ userId }, { actor }) => {
      const user = users.require(userId);
      if (user.id === actor.id) throw new UserInputError('You cannot remove your own account while signed in with it');
      if (user.role === 'administrator' && users.count('administrator') === 1) throw new UserInputError('The last administrator cannot be removed');
      users.remove(user.id);
      authenticator.signOutUser(user.id);
      audit.append({ actor: actor.id, role: actor.role, action: 'user.manage', object: user.id });
      return undefined;
    },
  };
}
