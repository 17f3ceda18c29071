/**
 * What a refused sign-in (or unlock) says: never which detail was wrong, always what to do next.
 * A throttled refusal counts down to the moment the core will listen again.
 */
import type { Credentials, SignInOutcome, SignInRefusal } from '../../shared/contract-access';

/** A refusal as the form keeps it: a throttle has a deadline on this page's clock. */
export type SignInProblem = { kind: 'refused'; reason: Exclude<SignInRefusal, 'throttled'> } | { kind: 'throttled'; until: number } | { kind: 'message'; text: string };

const REFUSALS: Record<Exclude<SignInRefusal, 'throttled'>, string> = {
  'invalid-credentials': 'The user name, password or authenticator code is not right. Check them and try again.',
  'patient-required': 'Kiosk accounts are used by the kiosk itself. Sign in with your own staff account.',
  'not-administrator': 'Only an administrator can do this. Ask an administrator to sign in here.',
  busy: 'The station is busy checking other sign-ins. Nothing was counted against you: try again in a few seconds.',
};

export function problemOf(outcome: Extract<SignInOutcome, { ok: false }>, now: number): SignInProblem {
  if (outcome.reason === 'throttled') return { kind: 'throttled', until: now + (outcome.retryAfterMs ?? 0) };
  return { kind: 'refused', reason: outcome.reason };
}

/** Whole seconds left until `until`, rounded up so "0 s" is never shown while still refused. */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1_000));
}

export function problemText(problem: SignInProblem, now: number): string {
  if (problem.kind === 'message') return problem.text;
  if (problem.kind === 'refused') return REFUSALS[problem.reason];
  const seconds = secondsLeft(problem.until, now);
  return seconds > 0 ? `Too many failed attempts for this account. Try again in ${seconds} s.` : 'You can try again now.';
}

export interface CredentialFields {
  username: string;
  password: string;
  code: string;
}

/**
 * The fields as the contract takes them, or what to fix first. Authenticator apps show the code as
 * "123 456", so spaces are dropped.
 */
export function credentialsFrom(fields: CredentialFields): { ok: true; credentials: Credentials } | { ok: false; text: string } {
  const username = fields.username.trim();
  const totp = fields.code.replace(/\s+/g, '');
  if (!username) return { ok: false, text: 'Enter your user name.' };
  if (!fields.password) return { ok: false, text: 'Enter your password.' };
  if (!/^\d{6}$/.test(totp)) return { ok: false, text: 'Enter the 6-digit code your authenticator app shows now.' };
  return { ok: true, credentials: { username, password: fields.password, totp } };
}
