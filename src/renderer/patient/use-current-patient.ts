/**
 * The station's current patient for the banner: asked when the screen shows and again on every
 * `patientChanged` signal. While an answer is awaited the previous patient is not shown (null):
 * after a change it may be someone else.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { StationApi } from '../../shared/contract';
import type { CurrentPatient } from '../../shared/contract-records';

export class CurrentPatientFeed {
  #patient: CurrentPatient | null = null;
  #asked = 0;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly api: Pick<StationApi, 'invoke' | 'on'>) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly current = (): CurrentPatient | null => this.#patient;

  /** Asks now and on every change signal until the returned stop, which forgets the answer. */
  start(): () => void {
    const off = this.api.on('patientChanged', () => this.#ask());
    this.#ask();
    return () => {
      off();
      // Answers still on their way are for a screen that no longer asks.
      this.#asked++;
      this.#set(null);
    };
  }

  #ask(): void {
    const mine = ++this.#asked;
    this.#set(null);
    this.api.invoke('getCurrentPatient', undefined).then(
      // Only the newest question's answer: an older one may describe the previous patient.
      (answer) => mine === this.#asked && this.#set(answer),
      // Refused or disconnected: the banner keeps saying it does not know, which is true.
      () => undefined,
    );
  }

  #set(patient: CurrentPatient | null): void {
    if (patient === this.#patient) return;
    this.#patient = patient;
    for (const listener of [...this.#listeners]) listener();
  }
}

/** `active`: the screen may show the patient now (signed in, unlocked); a locked screen asks again once unlocked. */
export function useCurrentPatient(api: StationApi, active: boolean): CurrentPatient | null {
  const feed = useMemo(() => new CurrentPatientFeed(api), [api]);
  useEffect(() => (active ? feed.start() : undefined), [feed, active]);
  return useSyncExternalStore(feed.subscribe, feed.current);
}
