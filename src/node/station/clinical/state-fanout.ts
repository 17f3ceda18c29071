/**
 * Delivers the clinical state events (`alarms`, `news2`) to every connected screen, beside the frame
 * batcher. Each screen has one slot per event holding the newest state, so a screen whose transport
 * is busy gets the latest state once it can take it: coalesced, never dropped. Unlike frames these
 * events are not paused for a hidden window: a minimised station must keep sounding its alarms.
 */
import type { EventPayload } from '../../../shared/contract';
import type { FrameSink, FrameSubscription } from '../frame-batcher';
import type { StateFeed } from './state-feed';

export type ClinicalEventName = 'alarms' | 'news2';
export type ClinicalFeeds = { [E in ClinicalEventName]: StateFeed<EventPayload<E>> };

export interface StateFanoutOptions {
  /** How soon a screen whose transport was busy is tried again. */
  retryMs?: number;
  /** Called when a sink throws; that screen stops receiving clinical events. */
  onSinkError?: (error: unknown) => void;
}

/** Alarms first: when a screen can take only part of the news, the alarm is what it must not miss. */
const DELIVERY_ORDER: readonly ClinicalEventName[] = ['alarms', 'news2'];

class ScreenSlots {
  readonly pending = new Map<ClinicalEventName, unknown>();
  /** Cancels the scheduled delivery, if one is scheduled. */
  cancel: (() => void) | null = null;
  constructor(readonly sink: FrameSink) {}
}

export class StateFanout {
  readonly #screens = new Set<ScreenSlots>();
  readonly #retryMs: number;
  readonly #unsubscribes: (() => void)[] = [];

  constructor(
    private readonly feeds: ClinicalFeeds,
    private readonly options: StateFanoutOptions = {},
  ) {
    this.#retryMs = options.retryMs ?? 50;
    for (const event of DELIVERY_ORDER) {
      this.#unsubscribes.push(
        feeds[event].subscribe((state) => {
          for (const screen of this.#screens) this.#queue(screen, event, state);
        }),
      );
    }
  }

  /** A new screen first gets the current state of every feed. */
  subscribe(sink: FrameSink): FrameSubscription {
    const screen = new ScreenSlots(sink);
    this.#screens.add(screen);
    for (const event of DELIVERY_ORDER) this.#queue(screen, event, this.feeds[event].current);
    return {
      // Deliberately not paused: see the file comment.
      pause: () => undefined,
      resume: () => undefined,
      close: () => this.#drop(screen),
    };
  }

  close(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    for (const screen of [...this.#screens]) this.#drop(screen);
  }

  #queue(screen: ScreenSlots, event: ClinicalEventName, state: unknown): void {
    screen.pending.set(event, state);
    // End of this turn: the alarm and the NEWS2 change one reading causes go out together.
    if (screen.cancel !== null) return;
    const immediate = setImmediate(() => this.#deliver(screen));
    screen.cancel = () => clearImmediate(immediate);
  }

  #deliver(screen: ScreenSlots): void {
    screen.cancel = null;
    if (!this.#screens.has(screen)) return;
    try {
      if (screen.sink.isReady && !screen.sink.isReady()) {
        const retry = setTimeout(() => this.#deliver(screen), this.#retryMs);
        screen.cancel = () => clearTimeout(retry);
        return;
      }
      for (const event of DELIVERY_ORDER) {
        if (!screen.pending.has(event)) continue;
        const state = screen.pending.get(event) as EventPayload<typeof event>;
        screen.pending.delete(event);
        screen.sink.send(event, state);
      }
    } catch (error) {
      this.#drop(screen);
      this.options.onSinkError?.(error);
    }
  }

  #drop(screen: ScreenSlots): void {
    screen.cancel?.();
    screen.cancel = null;
    this.#screens.delete(screen);
  }
}
