/**
 * The renderer's only door to the station: `window.vitalbridge`, exactly the StationApi of the
 * contract (invoke and on). No ipcRenderer, no channel names, no Node objects cross the bridge;
 * the main process validates every invoke and every event against the contract's schemas.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  IPC_CHANNELS,
  isStationEvent,
  isStationMethod,
  StationCallError,
  type EventPayload,
  type InvokeResult,
  type MethodInput,
  type MethodOutput,
  type StationApi,
  type StationEventName,
  type StationMethodName,
} from '../shared/contract';

const listeners = new Map<StationEventName, Set<(payload: never) => void>>();

ipcRenderer.on(IPC_CHANNELS.event, (_event, name: unknown, payload: unknown) => {
  if (!isStationEvent(name)) return;
  for (const listener of [...(listeners.get(name) ?? [])]) {
    try {
      (listener as (payload: unknown) => void)(payload);
    } catch (error) {
      // One broken view must not stop the others from updating.
      console.error(`StationApi ${name} listener failed`, error);
    }
  }
});

const vitalbridge: StationApi = {
  async invoke<M extends StationMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    if (!isStationMethod(method)) throw new StationCallError({ code: 'unknown-method', message: 'Unknown method' });
    const result = (await ipcRenderer.invoke(IPC_CHANNELS.invoke, method, input)) as InvokeResult;
    if (result.ok) return result.output as MethodOutput<M>;
    // contextBridge passes an Error's message, not its own fields: keep the code readable in it.
    throw new StationCallError({ code: result.error.code, message: `${result.error.code}: ${result.error.message}` });
  },
  on<E extends StationEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!isStationEvent(event) || typeof listener !== 'function') throw new TypeError('vitalbridge.on(event, listener): unknown event or no listener');
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('vitalbridge', vitalbridge);
