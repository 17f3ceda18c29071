/**
 * The sign-in form: user name (or a fixed one, when unlocking), password and authenticator code.
 * Used for signing in and unlocking; a refusal says what to do next and never which detail was
 * wrong, a throttled one counts down. Enter submits; the form is busy while the core checks
 * (scrypt takes a noticeable moment).
 */
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Credentials, SignInOutcome } from '../../shared/contract-access';
import { failureText } from './failure-text';
import { credentialsFrom, problemOf, problemText, secondsLeft, type SignInProblem } from './sign-in-words';
import { useSecondTicks } from './use-access';

export interface SignInFormProps {
  /** The user name when it is fixed (unlocking: only the locked session's user may); null asks for it. */
  fixedUsername: string | null;
  submitLabel: string;
  /** The `data-action` of the submit button (page hook). */
  submitAction: string;
  onSubmit(credentials: Credentials): Promise<SignInOutcome>;
  /** The `data-screen` of the form (page hook), when the form is the screen itself. */
  screen?: string;
  /** Further buttons beside the submit button (e.g. "Sign out" on the lock screen). */
  actions?: ReactNode;
}

export function SignInForm({ fixedUsername, submitLabel, submitAction, onSubmit, screen, actions }: SignInFormProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<SignInProblem | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const passwordRef = useRef<HTMLInputElement>(null);
  const ids = useId();
  useSecondTicks(problem?.kind === 'throttled' && secondsLeft(problem.until, now) > 0, setNow);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const checked = credentialsFrom({ username: fixedUsername ?? username, password, code });
    if (!checked.ok) {
      setProblem({ kind: 'message', text: checked.text });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const outcome = await onSubmit(checked.credentials);
      if (outcome.ok) return;
      const at = Date.now();
      setNow(at);
      setProblem(problemOf(outcome, at));
      // A code is used once and the password was wrong or throttled: both are typed afresh.
      setPassword('');
      setCode('');
      passwordRef.current?.focus();
    } catch (error) {
      setProblem({ kind: 'message', text: `The station could not check your sign-in (${failureText(error)}). Try again.` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="access-form" data-screen={screen} noValidate onSubmit={(event) => void submit(event)} aria-busy={busy} aria-describedby={problem ? `${ids}-error` : undefined}>
      {fixedUsername === null ? (
        <label className="access-field">
          <span>User name</span>
          <input name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus value={username} onChange={(event) => setUsername(event.target.value)} />
        </label>
      ) : (
        // Password managers pair the password with this user name; the person sees it in the heading.
        <input name="username" autoComplete="username" value={fixedUsername} readOnly hidden />
      )}
      <label className="access-field">
        <span>Password</span>
        <input ref={passwordRef} name="password" type="password" autoComplete="current-password" required autoFocus={fixedUsername !== null} value={password} onChange={(event) => setPassword(event.target.value)} />
      </label>
      <div className="access-field">
        <label htmlFor={`${ids}-code`}>Authenticator code</label>
        <input
          id={`${ids}-code`}
          name="one-time-code"
          autoComplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9 ]*"
          maxLength={7}
          required
          aria-describedby={`${ids}-code-hint`}
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <span id={`${ids}-code-hint`} className="access-hint">
          The 6 digits your authenticator app shows now.
        </span>
      </div>
      {problem && (
        <p id={`${ids}-error`} className="access-error" role="alert" data-role="sign-in-error">
          {problemText(problem, now)}
        </p>
      )}
      <div className="access-actions">
        <button type="submit" className="access-button access-button-primary" data-action={submitAction} disabled={busy}>
          {busy ? 'Checking…' : submitLabel}
        </button>
        {actions}
      </div>
    </form>
  );
}
