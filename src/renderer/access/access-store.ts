/**
 * This screen's sign-in state, as the station core tells it: asked for at start and after every
 * reconnect (a new connection is a new screen on the core, so nobody is signed in at it), and kept
 * current by the `access` event (an inactivity lock, an account removed elsewhere). The sign-in,
 * lock and enrolment commands go through here so their answers update the same state.
 *
 * Answers and events are applied in the order they arrive: the core sends an event before the
 * answer of the command that caused it, on one ordered channel, so the last one in is the newest.
 */
import type { StationApi } from '../../shared/contract';
import type { AccessState, CreatedUser, Credentials, SignInOutcome } from '../../shared/contract-access';
import { failureText } from './failure-text';

export interface AccessView {
  /** Null until the core answered, and again while the connection is down (the core ended the session with it). */
  state: AccessState | null;
  /** Why there is no state, while retrying; null while simply waiting for the first answer. */
  problem: string | null;
  /**
   * The administrator this screen just enrolled, with their authenticator enrolment: shown once,
   * until they confirm it, even though the core no longer needs an enrolment meanwhile.
   */
  enrolment: CreatedUser | null;
}

/** The web-mode socket's reconnects; Electron's IPC has none. */
export interface ConnectionEvents {
  onConnectionChange(listener: (connected: boolean) => void): () => void;
}

export interface AccessTimers {
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

const browserTimers: AccessTimers = {
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;
export const CONNECTION_LOST = 'Lost the connection to the station; reconnecting. Sign in again once it is back.';

export class AccessStore {
  #view: AccessView = { state: null, problem: null, enrolment: null };
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribes: (() => void)[] = [];
  #loading = false;
  #retryTimer: unknown = null;
  #retryMs = RETRY_MIN_MS;
  #stopped = false;

  constructor(
    private readonly api: StationApi,
    private readonly connection: ConnectionEvents | null,
    private readonly timers: AccessTimers = browserTimers,
  ) {}

  /** Listens first, then asks, so a change in between is not missed. */
  start(): void {
    this.#stopped = false;
    this.#unsubscribes.push(this.api.on('access', (state) => this.#set({ state, problem: null })));
    if (this.connection) {
      this.#unsubscribes.push(
        this.connection.onConnectionChange((connected) => {
          if (connected) this.#reload();
          else this.#set({ state: null, problem: CONNECTION_LOST });
        }),
      );
    }
    this.#reload();
  }

  stop(): void {
    this.#stopped = true;
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    this.#cancelRetry();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getView = (): AccessView => this.#view;

  /** First run: creates the administrator and keeps their authenticator enrolment for showing once. */
  async enrolAdministrator(username: string, password: string): Promise<void> {
    const created = await this.api.invoke('enrolAdministrator', { username, password });
    this.#set({ enrolment: created });
  }

  /** The administrator has added the code to their app: on to sign-in. */
  finishEnrolment(): void {
    this.#set({ enrolment: null });
    this.#reload();
  }

  signIn(credentials: Credentials): Promise<SignInOutcome> {
    return this.#signInLike('signIn', credentials);
  }

  unlock(credentials: Credentials): Promise<SignInOutcome> {
    return this.#signInLike('unlockSession', credentials);
  }

  async lock(): Promise<void> {
    this.#set({ state: await this.api.invoke('lockSession', undefined) });
  }

  async signOut(): Promise<void> {
    this.#set({ state: await this.api.invoke('signOut', undefined) });
  }

  /** The person is using the screen. A refusal (locked meanwhile) needs nothing here: the `access` event brings the lock. */
  reportActivity(): void {
    this.api.invoke('reportActivity', undefined).catch(() => undefined);
  }

  async #signInLike(method: 'signIn' | 'unlockSession', credentials: Credentials): Promise<SignInOutcome> {
    const outcome = await this.api.invoke(method, credentials);
    if (outcome.ok) this.#set({ state: outcome.state, problem: null });
    return outcome;
  }

  #reload(): void {
    this.#cancelRetry();
    if (this.#loading || this.#stopped) return;
    this.#loading = true;
    this.api.invoke('getAccessState', undefined).then(
      (state) => {
        this.#loading = false;
        if (this.#stopped) return;
        this.#retryMs = RETRY_MIN_MS;
        this.#set({ state, problem: null });
      },
      (error: unknown) => {
        this.#loading = false;
        if (this.#stopped) return;
        this.#set({ problem: `The station did not say who is signed in (${failureText(error)}); retrying.` });
        const delay = this.#retryMs;
        this.#retryMs = Math.min(delay * 2, RETRY_MAX_MS);
        this.#retryTimer = this.timers.setTimer(() => {
          this.#retryTimer = null;
          this.#reload();
        }, delay);
      },
    );
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== null) this.timers.clearTimer(this.#retryTimer);
    this.#retryTimer = null;
  }

  #set(change: Partial<AccessView>): void {
    this.#view = { ...this.#view, ...change };
    for (const listener of [...this.#listeners]) listener();
  }
}
