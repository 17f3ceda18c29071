/**
 * Who is signed in, with Lock and Sign out (the header, while the screen is unlocked), and the lock
 * screen that covers everything clinical until the same person signs in again or signs out.
 */
import { useState } from 'react';
import type { SignedInUser } from '../../shared/contract-access';
import type { StationRole } from '../../shared/roles';
import { lockDelayText } from './access-gate';
import type { AccessStore } from './access-store';
import { failureText } from './failure-text';
import { SignInForm } from './SignInForm';

export const ROLE_NAMES: Record<StationRole, string> = {
  nurse: 'Nurse',
  physician: 'Physician',
  administrator: 'Administrator',
  kiosk: 'Kiosk',
};

/** Runs a session command, keeping its failure (e.g. the station unreachable) for showing. */
function useSessionCommand(): [string | null, (command: () => Promise<void>) => void] {
  const [error, setError] = useState<string | null>(null);
  const run = (command: () => Promise<void>) => {
    setError(null);
    command().catch((failure: unknown) => setError(`That did not work: ${failureText(failure)}`));
  };
  return [error, run];
}

export function SignedInBar({ user, access }: { user: SignedInUser; access: AccessStore }) {
  const [error, run] = useSessionCommand();
  return (
    <div className="signed-in-bar">
      <p className="signed-in-user" data-role="signed-in-user">
        <span className="signed-in-name">{user.username}</span> <span className="signed-in-role">{ROLE_NAMES[user.role]}</span>
      </p>
      <button type="button" className="nav-button" data-action="lock" onClick={() => run(() => access.lock())}>
        Lock
      </button>
      <button type="button" className="nav-button" data-action="sign-out" onClick={() => run(() => access.signOut())}>
        Sign out
      </button>
      {error && (
        <p className="access-error signed-in-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function LockScreen({ user, inactivityLockMs, access }: { user: SignedInUser; inactivityLockMs: number; access: AccessStore }) {
  const [error, run] = useSessionCommand();
  return (
    <main className="access-screen" aria-label="Locked">
      <section className="access-card" data-screen="locked" aria-labelledby="locked-title">
        <h2 id="locked-title" className="access-title">
          Screen locked
        </h2>
        <p>
          In use by <strong data-role="locked-user">{user.username}</strong> ({ROLE_NAMES[user.role].toLowerCase()}). To unlock, sign in again with your password and a
          new authenticator code. Someone else: sign out first.
        </p>
        <p className="access-hint">This screen locks itself after {lockDelayText(inactivityLockMs)} without use. Alarms show and sound while it is locked.</p>
        <SignInForm
          fixedUsername={user.username}
          submitLabel="Unlock"
          submitAction="unlock"
          onSubmit={(credentials) => access.unlock(credentials)}
          actions={
            <button type="button" className="access-button" data-action="sign-out" onClick={() => run(() => access.signOut())}>
              Sign out (switch user)
            </button>
          }
        />
        {error && (
          <p className="access-error" role="alert">
            {error}
          </p>
        )}
      </section>
    </main>
  );
}
