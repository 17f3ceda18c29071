/**
 * An in-memory StationApi for renderer unit tests and the screen harness: tests push events and
 * decide how invokes answer, standing in for the core without pretending to be one.
 */
import type { EventPayload, MethodInput, MethodOutput, Snapshot, StationApi, StationEventName, StationMethodName } from '../../../src/shared/contract';

type Listener = (payload: never) => void;

export class FakeStationApi implements StationApi {
  readonly calls: { method: StationMethodName; input: unknown }[] = [];
  private readonly listeners = new Map<StationEventName, Set<Listener>>();
  /** Set to make requestMeasurement fail with this message. */
  measurementFailure: string | null = null;

  constructor(public snapshot: Snapshot) {}

  async invoke<M extends StationMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push({ method, input });
    if (method === 'getSnapshot') return structuredClone(this.snapshot) as MethodOutput<M>;
    if (this.measurementFailure !== null) throw new Error(this.measurementFailure);
    return undefined as MethodOutput<M>;
  }

  on<E extends StationEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener);
  }

  emit<E extends StationEventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (payload: EventPayload<E>) => void)(payload);
  }

  listenerCount(event: StationEventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
