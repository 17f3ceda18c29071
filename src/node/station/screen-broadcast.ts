/**
 * Small station-wide events for every connected screen, beside the frame batcher and the clinical
 * fanout: `patientChanged` (ask for the current patient again) and `monitorSettings`. Neither
 * carries patient data, so neither waits for a hidden window to be shown again.
 */
import type { EventPayload, StationEventName } from '../../shared/contract';
import type { FrameSink, FrameSubscription } from './frame-batcher';

export type BroadcastEventName = Extract<StationEventName, 'patientChanged' | 'monitorSettings' | 'wearable'>;

export class ScreenBroadcast {
  readonly #sinks = new Set<FrameSink>();

  constructor(private readonly onSinkError: (error: unknown) => void) {}

  subscribe(sink: FrameSink): FrameSubscription {
    this.#sinks.add(sink);
    return {
      pause: () => undefined,
      resume: () => undefined,
      close: () => this.#sinks.delete(sink),
    };
  }

  /** A screen whose sink throws is dropped (and reported); the others still get the event. */
  send<E extends BroadcastEventName>(event: E, payload: EventPayload<E>): void {
    for (const sink of [...this.#sinks]) {
      try {
        sink.send(event, payload);
      } catch (error) {
        this.#sinks.delete(sink);
        this.onSinkError(error);
      }
    }
  }

  close(): void {
    this.#sinks.clear();
  }
}
