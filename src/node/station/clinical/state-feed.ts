/**
 * The latest value of a piece of clinical state and who wants to hear when it changes. "Changes"
 * means what a screen would show differs: recomputing an identical state (a tick with nothing new,
 * a pleth chunk) notifies no one, so screens get news on change, not per sample.
 */
export class StateFeed<T> {
  #current: T;
  #fingerprint: string;
  readonly #listeners = new Set<(state: T) => void>();

  constructor(initial: T) {
    this.#current = initial;
    this.#fingerprint = JSON.stringify(initial);
  }

  get current(): T {
    return this.#current;
  }

  /** Returns whether the state changed (and listeners were told). */
  set(next: T): boolean {
    const fingerprint = JSON.stringify(next);
    if (fingerprint === this.#fingerprint) return false;
    this.#current = next;
    this.#fingerprint = fingerprint;
    for (const listener of [...this.#listeners]) listener(next);
    return true;
  }

  subscribe(listener: (state: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
