/**
 * The administrator's user management: every account, creating one (its authenticator enrolment
 * shown once, to hand over) and removing one after a confirmation. The core decides what may be
 * removed (not yourself, not the last administrator) and its refusal is shown as it says it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { StationApi } from '../../shared/contract';
import { MIN_PASSWORD_LENGTH, type CreatedUser, type SignedInUser, type UserSummary } from '../../shared/contract-access';
import { STATION_ROLES, type StationRole } from '../../shared/roles';
import { formatDateTime } from '../format/display-format';
import { failureText, isForbidden } from './failure-text';
import { ActionsColumnHeading, ChoiceField, FormProblem, SubmitRow } from './FormParts';
import { ROLE_NAMES } from './SessionControls';
import { TotpEnrolment } from './TotpEnrolment';
import { useStationAction } from './use-station-action';

export function UsersScreen({ api, me }: { api: StationApi; me: SignedInUser }) {
  const [users, setUsers] = useState<readonly UserSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  /** Bumped after every change, to list the accounts again. */
  const [listing, setListing] = useState(0);

  useEffect(() => {
    let live = true;
    api.invoke('listUsers', undefined).then(
      (list) => live && setUsers(list),
      (failure: unknown) => {
        // Locked meanwhile: the lock screen is on its way with the access event.
        if (live && !isForbidden(failure)) setError(`The user list could not be loaded: ${failureText(failure)}.`);
      },
    );
    return () => {
      live = false;
    };
  }, [api, listing]);
  const listAgain = () => setListing((count) => count + 1);

  const create = async (user: { username: string; role: StationRole; password: string }) => {
    setError(null);
    setCreated(await api.invoke('createUser', user));
    listAgain();
  };

  const remove = async (user: UserSummary) => {
    setError(null);
    try {
      await api.invoke('removeUser', { userId: user.id });
    } catch (failure) {
      setError(`${user.username} was not removed: ${failureText(failure)}.`);
    }
    listAgain();
  };

  return (
    <div className="users-screen">
      <section className="panel users-list" aria-labelledby="users-title">
        <h2 id="users-title" className="panel-heading">
          Users
        </h2>
        <FormProblem problem={error} role="users-error" />
        {users === null ? <p className="panel-empty">Loading the accounts…</p> : <UserTable users={users} me={me} onRemove={(user) => void remove(user)} />}
      </section>
      <section className="panel users-create" aria-labelledby="users-create-title">
        <h2 id="users-create-title" className="panel-heading">
          New account
        </h2>
        {created ? <CreatedAccount created={created} onDone={() => setCreated(null)} /> : <NewUserForm onCreate={create} />}
      </section>
    </div>
  );
}

function UserTable({ users, me, onRemove }: { users: readonly UserSummary[]; me: SignedInUser; onRemove(user: UserSummary): void }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <div className="table-scroll">
      <table className="clinical-table users-table">
        <thead>
          <tr>
            <th scope="col">User name</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <ActionsColumnHeading />
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} data-user={user.username}>
              <td>
                {user.username}
                {user.id === me.userId && <span className="users-you"> (you)</span>}
              </td>
              <td>{ROLE_NAMES[user.role]}</td>
              <td>{formatDateTime(user.createdAt)}</td>
              <td className="users-actions">
                {confirming === user.id ? (
                  <span className="users-confirm" role="group" aria-label={`Remove ${user.username}?`}>
                    <span>Remove {user.username}?</span>
                    <button
                      type="button"
                      className="access-button access-button-danger"
                      data-action="confirm-remove-user"
                      onClick={() => {
                        setConfirming(null);
                        onRemove(user);
                      }}
                    >
                      Yes, remove
                    </button>
                    <button type="button" className="access-button" data-action="cancel-remove-user" autoFocus onClick={() => setConfirming(null)}>
                      Keep
                    </button>
                  </span>
                ) : user.id === me.userId ? null : (
                  // The station refuses removing yourself; the screen does not offer it.
                  <button type="button" className="access-button" data-action="remove-user" aria-label={`Remove ${user.username}`} onClick={() => setConfirming(user.id)}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NewUserForm({ onCreate }: { onCreate(user: { username: string; role: StationRole; password: string }): Promise<void> }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<StationRole>('nurse');
  const [password, setPassword] = useState('');
  const { busy, problem, setProblem, run } = useStationAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const refusal = username.trim() === '' ? 'Enter the new user name.' : password.length < MIN_PASSWORD_LENGTH ? `The initial password needs at least ${MIN_PASSWORD_LENGTH} characters.` : null;
    setProblem(refusal);
    if (refusal) return;
    await run(
      () => onCreate({ username: username.trim(), role, password }),
      (reason) => `The account was not created: ${reason}.`,
    );
  };

  return (
    <form className="access-form" noValidate onSubmit={(event) => void submit(event)} aria-busy={busy}>
      <label className="access-field">
        <span>User name</span>
        <input name="new-username" autoComplete="off" autoCapitalize="none" spellCheck={false} required value={username} onChange={(event) => setUsername(event.target.value)} />
      </label>
      <ChoiceField label="Role" name="role" value={role} choices={STATION_ROLES} choiceNames={ROLE_NAMES} onChange={setRole} />
      <div className="access-field">
        <label htmlFor="initial-password">Initial password</label>
        <input id="initial-password" name="initial-password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} aria-describedby="initial-password-hint" value={password} onChange={(event) => setPassword(event.target.value)} />
        <span id="initial-password-hint" className="access-hint">
          At least {MIN_PASSWORD_LENGTH} characters. Tell it to the new user in person.
        </span>
      </div>
      <FormProblem problem={problem} role="create-user-error" />
      <SubmitRow action="create-user" busy={busy} label="Create account" busyLabel="Creating…" />
    </form>
  );
}

function CreatedAccount({ created, onDone }: { created: CreatedUser; onDone(): void }) {
  const { username, role } = created.user;
  if (created.totpEnrolmentUri === null) {
    return (
      <div className="users-created" role="status">
        <p>
          {ROLE_NAMES[role]} account {username} created. Kiosk accounts sign in without an authenticator code.
        </p>
        <button type="button" className="access-button access-button-primary" data-action="enrolment-done" onClick={onDone}>
          Done
        </button>
      </div>
    );
  }
  return <TotpEnrolment username={username} uri={created.totpEnrolmentUri} audience="administrator" doneLabel="Done: hide the key" onDone={onDone} />;
}
