/**
 * A StationApi for renderer unit tests whose every method answers as the test scripts it (a value,
 * a refusal, or a promise the test settles later), with events and connection changes pushed by
 * hand. Unscripted methods fail as an unknown method would, so a test never passes on a default.
 */
import { StationCallError, type EventPayload, type InvokeErrorCode, type MethodInput, type MethodOutput, type StationApi, type StationEventName, type StationMethodName } from '../../shared/contract';
import type { AccessState, SignedInUser } from '../../shared/contract-access';
import type { StationRole } from '../../shared/roles';
import type { ConnectionEvents } from './access-store';

type Listener = (payload: never) => void;
type Answer = (input: unknown) => unknown;

export class ScriptedStationApi implements StationApi, ConnectionEvents {
  readonly calls: { method: StationMethodName; input: unknown }[] = [];
  readonly #answers = new Map<StationMethodName, Answer>();
  readonly #listeners = new Map<StationEventName, Set<Listener>>();
  readonly #connectionListeners = new Set<(connected: boolean) => void>();

  answer<M extends StationMethodName>(method: M, answer: (input: MethodInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>): this {
    this.#answers.set(method, answer as Answer);
    return this;
  }

  refuse(method: StationMethodName, code: InvokeErrorCode = 'forbidden', message = 'Sign in first'): this {
    this.#answers.set(method, () => {
      throw new StationCallError({ code, message });
    });
    return this;
  }

  async invoke<M extends StationMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push({ method, input });
    const answer = this.#answers.get(method);
    if (!answer) throw new StationCallError({ code: 'unknown-method', message: `${method} is not scripted` });
    return (await answer(input)) as MethodOutput<M>;
  }

  callsOf(method: StationMethodName): unknown[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.input);
  }

  on<E extends StationEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.#listeners.set(event, set);
    return () => set.delete(listener as Listener);
  }

  emit<E extends StationEventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (payload: EventPayload<E>) => void)(payload);
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.#connectionListeners.add(listener);
    return () => this.#connectionListeners.delete(listener);
  }

  setConnected(connected: boolean): void {
    for (const listener of [...this.#connectionListeners]) listener(connected);
  }
}

/** A promise the test settles when it wants: an answer still in flight. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the callbacks of already settled promises run (a few microtask turns; no timers, so fake timers stay still). */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await Promise.resolve();
}

const NO_KIOSK = { enabled: false, visitOpen: false };

/** An access state as the core sends it: signed out on an enrolled station, unless told otherwise. */
export function accessState(change: Partial<AccessState> = {}): AccessState {
  return { needsEnrolment: false, user: null, inactivityLockMs: 300_000, kiosk: NO_KIOSK, ...change };
}

export function signedIn(role: StationRole, change: Partial<SignedInUser> = {}): AccessState {
  return accessState({ user: { userId: `${role}-1`, username: `${role}1`, role, locked: false, patientScope: null, ...change } });
}
