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
  | { ok: false; reason: 'patient-required' };

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
}

export interface AuthenticatorOptions {
  now?: () => number;
  inactivityLockMs?: number;
  throttle?: ThrottlePolicy;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { freeAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000 };
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

/** Bounds the memory spent remembering failures for user names that do not exist. */
const MAX_UNKNOWN_NAMES_TRACKED = 1_000;

export class Authenticator {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly unknownNameFailures = new Map<string, { failedAttempts: number; throttledUntil: number }>();
  /** The attempt last queued per normalised user name (checkCredentials). */
  private readonly attemptsInProgress = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private readonly inactivityLockMs: number;
  private readonly throttle: ThrottlePolicy;
  /** Verified against when the user name is unknown, so timing does not reveal which names exist. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly users: UserDirectory,
    private readonly audit: AuditLog,
    options: AuthenticatorOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.inactivityLockMs = options.inactivityLockMs ?? DEFAULT_INACTIVITY_LOCK_MS;
    this.throttle = options.throttle ?? DEFAULT_THROTTLE;
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
      this.audit.append({ actor: user.id, role: user.role, action: 'session.sign-in-refused', object: null });
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
    // Someone else's details are refused before they are checked: an unlock attempt must neither use
    // up that person's code nor clear their failed attempts.
    const owner = this.users.get(session.userId);
    if (!owner || normalisedName(credentials.username) !== normalisedName(owner.username)) {
      this.audit.append({ actor: session.userId, role: session.role, action: 'session.sign-in-refused', object: null });
      return { ok: false, reason: 'invalid-credentials' };
    }
    const checked = await this.checkCredentials(credentials);
    if (!checked.ok) return checked;
    if (checked.user.id !== session.userId) return { ok: false, reason: 'invalid-credentials' };
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

  /**
   * Attempts for one user name are checked one after another: run side by side, each would read
   * the failure count before any of them recorded its failure, and a burst of guesses would count
   * as one.
   */
  private checkCredentials(credentials: Credentials): Promise<CredentialCheck> {
    const name = normalisedName(credentials.username);
    const attempt = (this.attemptsInProgress.get(name) ?? Promise.resolve()).then(() => this.checkCredentialsNow(credentials));
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

  private async checkCredentialsNow(credentials: Credentials): Promise<CredentialCheck> {
    const user = typeof credentials.username === 'string' ? this.users.findByUsername(credentials.username) : null;
    const state = user ?? this.unknownNameFailures.get(normalisedName(credentials.username)) ?? { failedAttempts: 0, throttledUntil: 0 };
    if (state.throttledUntil > this.now()) {
      this.audit.append({ actor: user?.id ?? 'unidentified', role: user?.role ?? 'unidentified', action: 'session.sign-in-refused', object: null });
      return { ok: false, reason: 'throttled', retryAfterMs: state.throttledUntil - this.now() };
    }
    const password = typeof credentials.password === 'string' ? credentials.password : '';
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    let totpStep: number | null = null;
    let ok = user !== null && passwordOk;
    if (ok && user && requiresSecondFactor(user.role)) {
      const totp = user.totpSecret ? checkTotp(user.totpSecret, String(credentials.totp ?? ''), this.now(), user.lastTotpStep) : null;
      ok = totp?.ok === true;
      if (totp?.ok) totpStep = totp.step;
    }
    // The step is consumed atomically: of two sign-ins racing with one code, only one gets in.
    if (ok && user && this.users.recordSuccess(user.id, totpStep)) return { ok: true, user };
    const throttledUntil = this.recordFailure(user, credentials.username, state.failedAttempts + 1);
    // The failure that starts a wait says so at once, rather than letting the next attempt find out.
    if (throttledUntil > this.now()) return { ok: false, reason: 'throttled', retryAfterMs: throttledUntil - this.now() };
    return { ok: false, reason: 'invalid-credentials' };
  }

  /** Returns until when the name is now throttled (0: not). */
  private recordFailure(user: UserAccount | null, typedName: unknown, failedAttempts: number): number {
    const excess = failedAttempts - this.throttle.freeAttempts;
    const throttledUntil = excess > 0 ? this.now() + Math.min(this.throttle.baseDelayMs * 2 ** (excess - 1), this.throttle.maxDelayMs) : 0;
    if (user) this.users.recordFailure(user.id, failedAttempts, throttledUntil);
    else {
      if (this.unknownNameFailures.size >= MAX_UNKNOWN_NAMES_TRACKED) this.unknownNameFailures.delete(this.unknownNameFailures.keys().next().value as string);
      this.unknownNameFailures.set(normalisedName(typedName), { failedAttempts, throttledUntil });
    }
    this.audit.append({ actor: user?.id ?? 'unidentified', role: user?.role ?? 'unidentified', action: 'session.sign-in-refused', object: null });
    return throttledUntil;
  }
}

const normalisedName = (name: unknown): string => (typeof name === 'string' ? name.trim().toLowerCase() : '');

function publicView({ id, userId, role, patientScope, signedInAt }: LiveSession): Session {
  return { id, userId, role, patientScope, signedInAt };
}
