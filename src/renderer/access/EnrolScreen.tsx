/**
 * First run: the station has no account yet, so the person setting it up becomes its administrator.
 * The core creates the account (and refuses once any exists); its authenticator enrolment is shown
 * next, once.
 */
import { useState, type FormEvent } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../shared/contract-access';
import { FormProblem, SubmitRow } from './FormParts';
import { useStationAction } from './use-station-action';

/** What to fix before asking the core, or null when the new password may be sent. */
export function newPasswordProblem(password: string, repeated: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password !== repeated) return 'The two passwords differ. Type the same password twice.';
  return null;
}

export function EnrolScreen({ onEnrol }: { onEnrol(username: string, password: string): Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const { busy, problem, setProblem, run } = useStationAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const refusal = username.trim() === '' ? 'Choose a user name.' : newPasswordProblem(password, repeated);
    setProblem(refusal);
    if (refusal) return;
    await run(
      () => onEnrol(username.trim(), password),
      (reason) => `The administrator account was not created: ${reason}.`,
    );
  };

  return (
    <section className="access-card" data-screen="enrol" aria-labelledby="enrol-title">
      <h2 id="enrol-title" className="access-title">
        Set up this station
      </h2>
      <p>This station has no accounts yet. Create the administrator account: it manages the other users and the station, and sees no patient data.</p>
      <form className="access-form" noValidate onSubmit={(event) => void submit(event)} aria-busy={busy}>
        <label className="access-field">
          <span>User name</span>
          <input name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus value={username} onChange={(event) => setUsername(event.target.value)} />
        </label>
        <div className="access-field">
          <label htmlFor="enrol-password">Password</label>
          <input id="enrol-password" name="new-password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD_LENGTH} aria-describedby="enrol-password-hint" value={password} onChange={(event) => setPassword(event.target.value)} />
          <span id="enrol-password-hint" className="access-hint">
            At least {MIN_PASSWORD_LENGTH} characters.
          </span>
        </div>
        <label className="access-field">
          <span>Repeat password</span>
          <input name="repeat-password" type="password" autoComplete="new-password" required value={repeated} onChange={(event) => setRepeated(event.target.value)} />
        </label>
        <FormProblem problem={problem} role="enrol-error" />
        <SubmitRow action="enrol" busy={busy} label="Create the administrator account" busyLabel="Creating the account…" />
      </form>
    </section>
  );
}
