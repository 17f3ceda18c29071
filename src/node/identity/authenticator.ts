/**
 * Sign-in and sessions. Password (scrypt) plus, for every role but kiosk, a one-time TOTP code
 * that cannot be replayed; failed attempts throttle the account with exponentially growing waits;
 * a session locks after inactivity or on demand and unlocks only with the same credentials; a
 * kiosk session is bound to the one patient the station is serving.
 *
 * Refusals never say which factor was wrong, and never record what was typed: a password typed
 * into the user-name field must not end up in the audit trail.
 */
import { randomBytes } from 'node:crypto';
import { can, isPatientScoped, requiresSecondFactor, type ProtectedAction, type StationRole } from '../../shared/roles';
import type { AuditLog } from '../audit/audit-log';
import { hashPassword, verifyPassword } from './password';
import { BUSY, PasswordCheckGate, type PasswordCheckLimits } from './password-check-gate';
import { RefusalAudit } from './refusal-audit';
import { checkTotp } from './totp';
import type { UserAccount, UserDirectory } from './users';

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly role: StationRole;
  /** The only patient a kiosk session may see; null for staff. */
  readonly patientScope: string | null;
  readonly signedInAt: number;
}

export interface Credentials {
  username: string;
  password: string;
  /** Required for every role but kiosk. */
  totp?: string;
}

export type SignInResult =
  | { ok: true; session: Session }
  | { ok: false; reason: 'invalid-credentials' }
  | { ok: false; reason: 'throttled'; retryAfterMs: number }
  | { ok: false; reason: 'patient-required' }
  /** Not checked: the station is checking as many passwords as it can; nothing counts against the name. */
  | { ok: false; reason: 'busy' };

/** A sign-in for one act: also refused when the account's role may not do it. */
export type SignInForResult = SignInResult | { ok: false; reason: 'not-permitted' };

/** The user id a kiosk visit's session acts under: the visit's patient, since nobody signed in. */
export const kioskActorId = (patientId: string): string => `kiosk:${patientId}`;

export interface ThrottlePolicy {
  /** Failures allowed before waits begin. */
  freeAttempts: number;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A streak of failures is forgotten this long after its wait ended (or after a failure that
   * started none), for accounts and unknown names alike: what is remembered about a name, and for
   * how long, must not tell whether it exists.
   */
  forgetAfterMs?: number;
}

export interface AuthenticatorOptions {
  now?: () => number;
  inactivityLockMs?: number;
  throttle?: ThrottlePolicy;
  passwordChecks?: PasswordCheckLimits;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { freeAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 60 * 60_000 };
/** Five minutes: long enough for a measurement round, short enough for a shared ward station. */
export const DEFAULT_INACTIVITY_LOCK_MS = 5 * 60_000;

/** Why a session cannot be used right now. */
export class SessionError extends Error {
  override name = 'SessionError';
  constructor(readonly reason: 'unknown-session' | 'locked' | 'forbidden' | 'other-patient') {
    super(
      {
        'unknown-session': 'not signed in',
        locked: 'the session is locked; sign in again to unlock it',
        forbidden: 'this role may not do that',
        'other-patient': 'this kiosk session only shows its own patient',
      }[reason],
    );
  }
}

interface LiveSession extends Session {
  lastActivity: number;
  locked: boolean;
  /** How long without activity before it locks. */
  lockAfterMs: number;
}

type CredentialCheck = { ok: true; user: UserAccount } | Exclude<SignInResult, { ok: true }>;

interface FailureState {
  failedAttempts: number;
  /** Until when attempts are refused unheard; for a failure that started no wait, its own time. */
  throttledUntil: number;
}

const NO_FAILURES: FailureState = { failedAttempts: 0, throttledUntil: 0 };

export class Authenticator {
  private readonly sessions = new Map<string, LiveSession>();
  /**
   * Failures of names that are not accounts, oldest update first. Bounded by time, not count:
   * evicting by count would forget an unknown name's throttle while an account's stays, which
   * tells the two apart. New entries need a password check each, which the gate rate-limits.
   */
  private readonly unknownNameFailures = new Map<string, FailureState>();
  /** The attempt last queued per normalised user name (checkCredentials). */
  private readonly attemptsInProgress = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private readonly inactivityLockMs: number;
  private readonly throttle: Required<ThrottlePolicy>;
  private readonly passwordChecks: PasswordCheckGate;
  /** Refusals are written at most twice a minute per person; the station's relay refusals share this one aggregator and its timer. */
  readonly refusals: RefusalAudit;
  /** Verified against when the user name is unknown, so timing does not reveal which names exist. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly users: UserDirectory,
    private readonly audit: AuditLog,
    options: AuthenticatorOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.inactivityLockMs = options.inactivityLockMs ?? DEFAULT_INACTIVITY_LOCK_MS;
    this.throttle = { forgetAfterMs: DEFAULT_THROTTLE.forgetAfterMs!, ...(options.throttle ?? DEFAULT_THROTTLE) };
    this.passwordChecks = new PasswordCheckGate(options.passwordChecks);
    this.refusals = new RefusalAudit(audit, this.now);
    this.decoyHash = hashPassword(randomBytes(24).toString('base64'), users.scryptCost);
  }

  /** `patientId` is the station's current patient; a kiosk sign-in without one is refused. */
  async signIn(credentials: Credentials, patientId: string | null = null): Promise<SignInResult> {
    const checked = await this.checkCredentials(credentials);
    if (!checked.ok) return checked;
    const { user } = checked;
    if (isPatientScoped(user.role) && patientId === null) return { ok: false, reason: 'patient-required' };
    return { ok: true, session: this.openSession(user.id, user.role, isPatientScoped(user.role) ? patientId : null, this.inactivityLockMs) };
  }

  /**
   * A sign-in that is only accepted from an account whose role may do `action` (an administrator
   * taking a station out of kiosk mode): other accounts are refused and audited, and get no session.
   */
  async signInFor(action: ProtectedAction, credentials: Credentials): Promise<SignInForResult> {
    const checked = await this.checkCredentials(credentials);
    if (!checked.ok) return checked;
    const { user } = checked;
    if (!can(user.role, action)) {
      this.refusals.refused(user.id, user.role);
      return { ok: false, reason: 'not-permitted' };
    }
    return { ok: true, session: this.openSession(user.id, user.role, null, this.inactivityLockMs) };
  }

  /**
   * The session of a patient's visit at a kiosk: opened by the station itself, without credentials,
   * because an administrator set the kiosk up and it serves whoever sits down; it may act for
   * `patientId` only and locks (ending the visit) after `inactivityLockMs` without use.
   */
  openKioskSession(patientId: string, inactivityLockMs: number = this.inactivityLockMs): Session {
    return this.openSession(kioskActorId(patientId), 'kiosk', patientId, inactivityLockMs);
  }

  /**
   * The gate for every protected action: the session must exist, be unlocked and active, and its
   * role must be allowed the action; a kiosk session also only for its own patient. Counts as
   * activity. Throws a SessionError otherwise.
   */
  authorize(sessionId: string, action: ProtectedAction, patientId: string | null = null): Session {
    const session = this.activeSession(sessionId);
    if (!can(session.role, action)) throw new SessionError('forbidden');
    if (session.patientScope !== null && patientId !== session.patientScope) throw new SessionError('other-patient');
    session.lastActivity = this.now();
    return publicView(session);
  }

  lock(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) throw new SessionError('unknown-session');
    this.lockSession(session);
  }

  /** Only the session's own user can unlock it, with the full sign-in (password and a fresh code). */
  async unlock(sessionId: string, credentials: Credentials): Promise<SignInResult> {
    const session = this.sessions.get(sessionId);
    if (!session) throw new SessionError('unknown-session');
    const owner = this.users.get(session.userId);
    if (!owner) {
      this.refusals.refused(session.userId, session.role);
      return { ok: false, reason: 'invalid-credentials' };
    }
    const checked = await this.checkCredentials(credentials, owner);
    if (!checked.ok) return checked;
    session.locked = false;
    session.lastActivity = this.now();
    this.audit.append({ actor: session.userId, role: session.role, action: 'session.unlock', object: null });
    return { ok: true, session: publicView(session) };
  }

  signOut(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.sessions.delete(sessionId);
    this.audit.append({ actor: session.userId, role: session.role, action: 'session.sign-out', object: null });
  }

  /** Counts as activity when the session is in use (unlocked); a locked one stays locked. */
  touch(sessionId: string): void {
    const session = this.activeSession(sessionId);
    session.lastActivity = this.now();
  }

  /** Ends every session of a user whose account is being removed. */
  signOutUser(userId: string): void {
    for (const session of [...this.sessions.values()]) if (session.userId === userId) this.signOut(session.id);
  }

  isLocked(sessionId: string): boolean {
    const session = this.sessions.get(sessionId);
    if (!session) throw new SessionError('unknown-session');
    this.lockIfIdle(session);
    return session.locked;
  }

  private openSession(userId: string, role: StationRole, patientScope: string | null, lockAfterMs: number): Session {
    const session: LiveSession = {
      id: randomBytes(32).toString('base64url'),
      userId,
      role,
      patientScope,
      signedInAt: this.now(),
      lastActivity: this.now(),
      locked: false,
      lockAfterMs,
    };
    this.sessions.set(session.id, session);
    this.audit.append({ actor: userId, role, action: 'session.sign-in', object: patientScope });
    return publicView(session);
  }

  private activeSession(sessionId: string): LiveSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new SessionError('unknown-session');
    this.lockIfIdle(session);
    if (session.locked) throw new SessionError('locked');
    return session;
  }

  private lockIfIdle(session: LiveSession): void {
    if (!session.locked && this.now() - session.lastActivity >= session.lockAfterMs) this.lockSession(session);
  }

  private lockSession(session: LiveSession): void {
    if (session.locked) return;
    session.locked = true;
    this.audit.append({ actor: session.userId, role: session.role, action: 'session.lock', object: null });
  }

  /** Writes the counts of refusals not yet in the audit trail; the station is stopping. */
  close(): void {
    this.refusals.close();
  }

  /**
   * Attempts for one user name are checked one after another: run side by side, each would read
   * the failure count before any of them recorded its failure, and a burst of guesses would count
   * as one. An unlock (`owner`: the locked session's user) is an attempt at the owner's name,
   * whatever name it gives.
   */
  private checkCredentials(credentials: Credentials, owner: UserAccount | null = null): Promise<CredentialCheck> {
    // The code is judged by when it was typed, not by when a busy station got to it.
    const receivedAt = this.now();
    const name = owner ? normalisedName(owner.username) : normalisedName(credentials.username);
    const attempt = (this.attemptsInProgress.get(name) ?? Promise.resolve()).then(() => this.checkCredentialsNow(credentials, receivedAt, owner));
    const settled = attempt.then(
      () => undefined,
      () => undefined,
    );
    this.attemptsInProgress.set(name, settled);
    void settled.then(() => {
      if (this.attemptsInProgress.get(name) === settled) this.attemptsInProgress.delete(name);
    });
    return attempt;
  }

  private async checkCredentialsNow(credentials: Credentials, receivedAt: number, owner: UserAccount | null): Promise<CredentialCheck> {
    const named = typeof credentials.username === 'string' ? this.users.findByUsername(credentials.username) : null;
    // Re-read: the owner's failures may have changed while this attempt waited its turn.
    const user = owner ? this.users.get(owner.id) : named;
    const state = this.remembered(user ?? this.unknownNameFailures.get(normalisedName(credentials.username)) ?? NO_FAILURES);
    if (state.throttledUntil > this.now()) {
      this.refusals.refused(user?.id ?? 'unidentified', user?.role ?? 'unidentified');
      return { ok: false, reason: 'throttled', retryAfterMs: state.throttledUntil - this.now() };
    }
    // Someone else's details at a locked screen are refused unchecked, so the attempt neither uses
    // up that person's code nor clears their failures; it counts against the session's owner.
    if (owner && named?.id !== owner.id) return this.refuse(user, credentials.username, state);
    const password = typeof credentials.password === 'string' ? credentials.password : '';
    const decoyHash = await this.decoyHash;
    const passwordOk = await this.passwordChecks.run(() => verifyPassword(password, user?.passwordHash ?? decoyHash));
    if (passwordOk === BUSY) return { ok: false, reason: 'busy' };
    let totpStep: number | null = null;
    let ok = user !== null && passwordOk;
    if (ok && user && requiresSecondFactor(user.role)) {
      const totp = user.totpSecret ? checkTotp(user.totpSecret, String(credentials.totp ?? ''), receivedAt, user.lastTotpStep) : null;
      ok = totp?.ok === true;
      if (totp?.ok) totpStep = totp.step;
    }
    // The step is consumed atomically: of two sign-ins racing with one code, only one gets in.
    if (ok && user && this.users.recordSuccess(user.id, totpStep)) return { ok: true, user };
    return this.refuse(user, credentials.username, state);
  }

  /** A failed attempt: counted against the name (throttling it after the free ones) and audited. */
  private refuse(user: UserAccount | null, typedName: unknown, state: FailureState): Exclude<SignInResult, { ok: true }> {
    const failedAttempts = state.failedAttempts + 1;
    const excess = failedAttempts - this.throttle.freeAttempts;
    const throttledUntil = this.now() + (excess > 0 ? Math.min(this.throttle.baseDelayMs * 2 ** (excess - 1), this.throttle.maxDelayMs) : 0);
    if (user) this.users.recordFailure(user.id, failedAttempts, throttledUntil);
    else this.rememberUnknownName(normalisedName(typedName), { failedAttempts, throttledUntil });
    this.refusals.refused(user?.id ?? 'unidentified', user?.role ?? 'unidentified');
    // The failure that starts a wait says so at once, rather than letting the next attempt find out.
    if (throttledUntil > this.now()) return { ok: false, reason: 'throttled', retryAfterMs: throttledUntil - this.now() };
    return { ok: false, reason: 'invalid-credentials' };
  }

  /** The failures still counted: a streak is forgotten `forgetAfterMs` after its wait ended. */
  private remembered(state: FailureState): FailureState {
    return state.throttledUntil + this.throttle.forgetAfterMs <= this.now() ? NO_FAILURES : state;
  }

  /** How many names that are not accounts have failures held: what a flood of made-up names costs in memory. */
  get unknownNamesRemembered(): number {
    return this.unknownNameFailures.size;
  }

  private rememberUnknownName(name: string, state: FailureState): void {
    // Re-inserted, so the map stays in order of last update and forgotten entries leave from its front.
    this.unknownNameFailures.delete(name);
    this.unknownNameFailures.set(name, state);
    // An entry behind a live one is at most one maximal wait from being forgotten itself.
    for (const [oldest, failures] of this.unknownNameFailures) {
      if (this.remembered(failures) !== NO_FAILURES) break;
      this.unknownNameFailures.delete(oldest);
    }
  }
}

const normalisedName = (name: unknown): string => (typeof name === 'string' ? name.trim().toLowerCase() : '');

function publicView({ id, userId, role, patientScope, signedInAt }: LiveSession): Session {
  return { id, userId, role, patientScope, signedInAt };
}
