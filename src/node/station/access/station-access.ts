/**
 * Who is at each screen. The station keeps one session per connected screen (an Electron window,
 * a web-mode page): signing in, locking and unlocking act on that screen only, and every guarded
 * contract method is authorised against it before its handler runs (contract-session.ts). The
 * Authenticator (identity/) does the checking; this module binds its sessions to screens, turns
 * them into the actors the clinical core records, and tells a screen when its session changed on
 * its own (locked by inactivity, ended by the kiosk).
 */
import type { AccessState, Credentials, KioskState, SignInOutcome } from '../../../shared/contract-access';
import type { Actor } from '../../../shared/clinical/actor';
import { can, type ProtectedAction } from '../../../shared/roles';
import { SessionError, type Authenticator, type Session, type SignInForResult, type SignInResult } from '../../identity/authenticator';
import type { UserDirectory } from '../../identity/users';
import { TokenBucket } from '../../consult/rate-limiter';

/** A refused invoke: not signed in, locked, or a role without the right. The screen gets the message. */
export class AccessDeniedError extends Error {
  override name = 'AccessDeniedError';
}

/** One screen's session, as the contract session and the access handlers use it. */
export interface ScreenAccess {
  state(): AccessState;
  /** The actor for `action`; throws AccessDeniedError otherwise. Counts as activity. */
  authorize(action: ProtectedAction): Actor;
  /** Whether this screen may receive the patient's data now (signed in, unlocked, allowed to view). */
  maySeePatient(): boolean;
  signIn(credentials: Credentials): Promise<SignInOutcome>;
  unlock(credentials: Credentials): Promise<SignInOutcome>;
  /**
   * Runs one credential check from this screen (sign-in, unlock, leaving the kiosk) within the
   * screen's attempt limits: one at a time, and a bounded number of refusals per minute; `busy` otherwise.
   */
  attempt<R extends SignInResult | SignInForResult>(check: () => Promise<R>): Promise<R | BusyRefusal>;
  lock(): AccessState;
  signOut(): AccessState;
  /** The person is using the screen; keeps an unlocked session from locking. */
  reportActivity(): void;
  /** The session's id, for the guarded records (ClinicalRecords checks it again per patient); throws when signed out. */
  sessionId(): string;
  /** Binds a session opened for this screen by the station itself (a kiosk visit); `name` when it has no account. */
  adopt(session: Session, name?: string): AccessState;
  /** The screen went away: its session ends with it. */
  close(): void;
}

export interface StationAccessOptions {
  authenticator: Authenticator;
  users: UserDirectory;
  /** The patient the station is serving now: a kiosk session may act for this one only. */
  currentPatientId: () => string;
  kiosk: () => KioskState;
  inactivityLockMs: number;
  /** How often sessions are checked for the inactivity lock, to tell their screens. */
  sweepIntervalMs?: number;
}

export const refusal = (result: Exclude<SignInResult, { ok: true }>): SignInOutcome =>
  result.reason === 'throttled' ? { ok: false, reason: 'throttled', retryAfterMs: Math.ceil(result.retryAfterMs) } : { ok: false, reason: result.reason };

type BusyRefusal = Extract<SignInResult, { reason: 'busy' }>;
const BUSY_REFUSAL: BusyRefusal = { ok: false, reason: 'busy' };

/**
 * Refused credential checks one screen may have: a person mistyping a few times gets through, a
 * script spraying names from one socket gets `busy` at once and costs the station nothing.
 */
export const SCREEN_ATTEMPTS = { burst: 10, perMinute: 6 };

export class StationAccess {
  readonly #options: StationAccessOptions;
  readonly #screens = new Set<Screen>();
  readonly #sweep: ReturnType<typeof setInterval>;

  constructor(options: StationAccessOptions) {
    this.#options = options;
    this.#sweep = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 1_000);
    this.#sweep.unref();
  }

  /** A screen connected; `notify` hears its access state whenever it changes. */
  openScreen(notify: (state: AccessState) => void): ScreenAccess {
    const screen = new Screen(this.#options, notify, () => this.#screens.delete(screen));
    this.#screens.add(screen);
    return screen;
  }

  /** Tells every screen whose session changed on its own (an inactivity lock, a removed account). */
  sweep(): void {
    for (const screen of this.#screens) screen.notifyIfChanged();
  }

  /** Ends every screen's session, e.g. when a kiosk visit is finished or the station leaves kiosk mode. */
  signOutEveryScreen(): void {
    for (const screen of this.#screens) screen.signOut();
  }

  close(): void {
    clearInterval(this.#sweep);
    for (const screen of [...this.#screens]) screen.close();
  }
}

class Screen implements ScreenAccess {
  #session: Session | null = null;
  #username = '';
  #lastNotified: string;
  #checking = false;
  readonly #attempts = new TokenBucket({ burst: SCREEN_ATTEMPTS.burst, perSecond: SCREEN_ATTEMPTS.perMinute / 60, now: Date.now });

  constructor(
    private readonly options: StationAccessOptions,
    private readonly notify: (state: AccessState) => void,
    private readonly onClose: () => void,
  ) {
    this.#lastNotified = JSON.stringify(this.state());
  }

  state(): AccessState {
    const { authenticator, users, inactivityLockMs, kiosk } = this.options;
    const session = this.#liveSession();
    return {
      needsEnrolment: users.count() === 0,
      user: session && {
        userId: session.userId,
        username: this.#username,
        role: session.role,
        locked: authenticator.isLocked(session.id),
        patientScope: session.patientScope,
      },
      inactivityLockMs,
      kiosk: kiosk(),
    };
  }

  authorize(action: ProtectedAction): Actor {
    const session = this.#liveSession();
    if (!session) throw new AccessDeniedError('Sign in first');
    try {
      const authorised = this.options.authenticator.authorize(session.id, action, this.options.currentPatientId());
      return { id: authorised.userId, name: this.#username, role: authorised.role };
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      this.notifyIfChanged();
      throw new AccessDeniedError(
        error.reason === 'locked' ? 'The screen is locked: sign in again to unlock it' : error.reason === 'forbidden' ? `Your role (${session.role}) may not do that` : error.message,
      );
    }
  }

  maySeePatient(): boolean {
    const session = this.#liveSession();
    if (!session || !can(session.role, 'patient.view') || this.options.authenticator.isLocked(session.id)) return false;
    return session.patientScope === null || session.patientScope === this.options.currentPatientId();
  }

  async signIn(credentials: Credentials): Promise<SignInOutcome> {
    const result = await this.attempt(() => this.options.authenticator.signIn(credentials));
    if (!result.ok) return refusal(result);
    this.#end();
    return { ok: true, state: this.adopt(result.session) };
  }

  async unlock(credentials: Credentials): Promise<SignInOutcome> {
    const session = this.#requireSession();
    const result = await this.attempt(() => this.options.authenticator.unlock(session.id, credentials));
    if (!result.ok) return refusal(result);
    return { ok: true, state: this.#changed() };
  }

  async attempt<R extends SignInResult | SignInForResult>(check: () => Promise<R>): Promise<R | BusyRefusal> {
    if (this.#checking || this.#attempts.msUntil(1) > 0) return BUSY_REFUSAL;
    this.#checking = true;
    try {
      const result = await check();
      // Only refusals spend the screen's allowance: staff signing in and out all shift never meet it.
      if (!result.ok) this.#attempts.take();
      return result;
    } finally {
      this.#checking = false;
    }
  }

  lock(): AccessState {
    this.options.authenticator.lock(this.#requireSession().id);
    return this.#changed();
  }

  signOut(): AccessState {
    this.#end();
    return this.#changed();
  }

  reportActivity(): void {
    const session = this.#requireSession();
    if (!this.options.authenticator.isLocked(session.id)) this.options.authenticator.touch(session.id);
  }

  sessionId(): string {
    return this.#requireSession().id;
  }

  adopt(session: Session, name?: string): AccessState {
    this.#end();
    this.#session = session;
    this.#username = name ?? this.options.users.get(session.userId)?.username ?? '';
    return this.#changed();
  }

  close(): void {
    this.#end();
    this.onClose();
  }

  notifyIfChanged(): void {
    const state = JSON.stringify(this.state());
    if (state === this.#lastNotified) return;
    this.#lastNotified = state;
    this.notify(JSON.parse(state) as AccessState);
  }

  #changed(): AccessState {
    this.notifyIfChanged();
    return this.state();
  }

  #requireSession(): Session {
    const session = this.#liveSession();
    if (!session) throw new AccessDeniedError('Not signed in at this screen');
    return session;
  }

  /** The screen's session unless the Authenticator ended it meanwhile (sign-out elsewhere, account removed). */
  #liveSession(): Session | null {
    if (!this.#session) return null;
    try {
      this.options.authenticator.isLocked(this.#session.id);
      return this.#session;
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      this.#session = null;
      return null;
    }
  }

  #end(): void {
    if (this.#session) this.options.authenticator.signOut(this.#session.id);
    this.#session = null;
    this.#username = '';
  }
}
