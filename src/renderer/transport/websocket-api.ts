/**
 * StationApi over web mode's WebSocket. Reconnects with backoff for as long as the page lives;
 * listeners survive reconnects (the station sends the device list again to every new connection).
 * Invokes made while (re)connecting wait for the connection; invokes in flight when it drops fail
 * with code `disconnected`, since the station may or may not have acted on them.
 */
import {
  ServerMessageSchema,
  StationCallError,
  type ClientMessage,
  type EventPayload,
  type InvokeError,
  type MethodInput,
  type MethodOutput,
  type StationApi,
  type StationEventName,
  type StationMethodName,
} from '../../shared/contract';

/** The part of the browser's WebSocket this client uses (tests pass the `ws` package's). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface WebSocketApiOptions {
  createSocket?: WebSocketFactory;
  /** Backoff between reconnect attempts, doubling from min to max. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** How long an invoke may wait for a connection and its answer. */
  invokeTimeoutMs?: number;
  /** The page's visibility, sent to the station as backpressure; the document by default, none outside a browser. */
  visibility?: VisibilitySource | null;
}

export interface VisibilitySource {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

export interface WebSocketStationApi extends StationApi {
  readonly connected: boolean;
  /** Called with true on every (re)connect and false on every drop. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  close(): void;
}

const OPEN = 1;

interface PendingInvoke {
  message: ClientMessage;
  sent: boolean;
  resolve(output: unknown): void;
  reject(error: StationCallError): void;
  timer: ReturnType<typeof setTimeout>;
}

export function createWebSocketApi(url: string, token: string, options: WebSocketApiOptions = {}): WebSocketStationApi {
  const createSocket = options.createSocket ?? ((address: string) => new WebSocket(address) as unknown as WebSocketLike);
  const minDelay = options.reconnectMinMs ?? 250;
  const maxDelay = options.reconnectMaxMs ?? 5_000;
  const invokeTimeout = options.invokeTimeoutMs ?? 15_000;
  const visibility = options.visibility === undefined ? (typeof document === 'undefined' ? null : document) : options.visibility;
  const address = new URL(url);
  if (token) address.searchParams.set('token', token);

  const listeners = new Map<string, Set<(payload: never) => void>>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  const pending = new Map<number, PendingInvoke>();
  let nextId = 1;
  let socket: WebSocketLike | null = null;
  let connected = false;
  let closed = false;
  let delay = minDelay;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  const settle = (id: number, outcome: { output: unknown } | { error: InvokeError }) => {
    const call = pending.get(id);
    if (!call) return;
    pending.delete(id);
    clearTimeout(call.timer);
    if ('error' in outcome) call.reject(new StationCallError(outcome.error));
    else call.resolve(outcome.output);
  };

  const sendPending = () => {
    if (!socket || socket.readyState !== OPEN) return;
    for (const call of pending.values()) {
      if (call.sent) continue;
      call.sent = true;
      socket.send(JSON.stringify(call.message));
    }
  };

  const sendFlow = () => {
    if (socket?.readyState === OPEN && visibility) socket.send(JSON.stringify({ type: 'flow', paused: visibility.hidden } satisfies ClientMessage));
  };

  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    for (const listener of [...connectionListeners]) listener(value);
  };

  const deliverEvent = (event: string, payload: unknown) => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        (listener as (payload: unknown) => void)(payload);
      } catch (error) {
        // One broken view must not stop the others from updating.
        console.error(`StationApi ${event} listener failed`, error);
      }
    }
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'event') deliverEvent(message.event, message.payload);
    else if (message.id !== null) settle(message.id, message.ok ? { output: message.output } : { error: message.error });
  };

  const connect = () => {
    reconnectTimer = null;
    if (closed) return;
    const current = createSocket(address.href);
    socket = current;
    current.onopen = () => {
      delay = minDelay;
      setConnected(true);
      sendFlow();
      sendPending();
    };
    current.onmessage = (event) => onMessage(event.data);
    current.onerror = () => undefined;
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      setConnected(false);
      for (const [id, call] of pending) if (call.sent) settle(id, { error: { code: 'disconnected', message: 'Lost the connection to the station' } });
      if (closed) return;
      reconnectTimer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, maxDelay);
    };
  };

  visibility?.addEventListener('visibilitychange', sendFlow);
  connect();

  return {
    get connected() {
      return connected;
    },
    invoke<M extends StationMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      if (closed) return Promise.reject(new StationCallError({ code: 'disconnected', message: 'The station connection is closed' }));
      const id = nextId++;
      return new Promise<MethodOutput<M>>((resolve, reject) => {
        pending.set(id, {
          message: { type: 'invoke', id, method, input },
          sent: false,
          resolve: resolve as (output: unknown) => void,
          reject,
          timer: setTimeout(() => settle(id, { error: { code: 'disconnected', message: `The station did not answer ${method} in time` } }), invokeTimeout),
        });
        sendPending();
      });
    },
    on<E extends StationEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      visibility?.removeEventListener('visibilitychange', sendFlow);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      for (const id of [...pending.keys()]) settle(id, { error: { code: 'disconnected', message: 'The station connection is closed' } });
      socket?.close(1000, 'page closing');
      socket = null;
      setConnected(false);
    },
  };
}
