/**
 * The browser end of the consultation server's signalling socket (src/shared/consult/protocol.ts):
 * joins with the link token, keeps the seat token from `welcome` and rejoins with it, after a
 * dropped socket (with backoff) or on request (call recovery). Closes that mean "never again"
 * (visit ended, seat taken, bad token) end the client instead of retrying.
 */
import {
  CONSULT_CLOSE_CODES,
  ConsultServerMessageSchema,
  type ConsultClientMessage,
  type ConsultErrorCode,
  type ConsultServerMessage,
  MAX_RELAYED_MESSAGE_CHARS,
} from '../../shared/consult/protocol';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../shared/bounded-json';

export interface FinalClose {
  code: number;
  /** The server's last error before it closed, when it sent one. */
  error: { code: ConsultErrorCode; message: string } | null;
}

export interface SignallingClientOptions {
  url: string;
  /** The link or station token for the first join; later joins use the seat token. */
  token: string;
  onMessage(message: ConsultServerMessage): void;
  /** The socket dropped and a rejoin is scheduled. */
  onDisconnected(): void;
  /** The server refused this participant for good or the visit ended. */
  onFinalClose(close: FinalClose): void;
  onSeatToken?(seatToken: string): void;
  /** Defaults to the browser's WebSocket. */
  WebSocket?: typeof WebSocket;
  /** Waits before the n-th consecutive reconnect (n from 1). */
  reconnectDelayMs?: (attempt: number) => number;
}

export interface SignallingClient {
  /** Sends when joined; false otherwise (the caller's state explains why). */
  send(message: Exclude<ConsultClientMessage, { type: 'join' }>): boolean;
  /** Drops this socket and joins again right away with the seat token. */
  rejoin(): void;
  close(): void;
}

const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CONSULT_CLOSE_CODES.visitEnded,
  CONSULT_CLOSE_CODES.replaced,
  CONSULT_CLOSE_CODES.badJoin,
  CONSULT_CLOSE_CODES.badToken,
  CONSULT_CLOSE_CODES.seatTaken,
  CONSULT_CLOSE_CODES.visitGone,
]);

/** A server message from a socket frame, or null for anything this client does not understand (dropped, never half-applied). */
/** A message this client does not understand is dropped, never half-applied. */
function parseServerMessage(data: unknown): ConsultServerMessage | null {
  if (typeof data !== 'string') return null;
  // The relayed app payload is checked by a recursive schema: bound its depth first.
  const json = parseBoundedJson(data, { maxChars: MAX_RELAYED_MESSAGE_CHARS, maxDepth: MAX_JSON_DEPTH });
  if (!json.ok) return null;
  const message = ConsultServerMessageSchema.safeParse(json.value);
  return message.success ? message.data : null;
}

export type TokenCheck = { outcome: 'joinable' } | { outcome: 'refused'; close: FinalClose } | { outcome: 'unreachable' };

/**
 * Asks the server whether a join with `token` would be seated now (the `check` message), seating
 * nobody: the clinician's page asks before it turns the camera on for a visit that may be over.
 */
export function checkVisitToken(url: string, token: string, Socket: typeof WebSocket = WebSocket): Promise<TokenCheck> {
  return new Promise((resolve) => {
    const ws = new Socket(url);
    let error: FinalClose['error'] = null;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'check', token }));
    ws.onmessage = (event: MessageEvent) => {
      const message = parseServerMessage(event.data);
      if (message?.type === 'joinable') {
        resolve({ outcome: 'joinable' });
        ws.close(1000, 'checked');
      } else if (message?.type === 'error') {
        error = { code: message.code, message: message.message };
      }
    };
    // After `joinable` this settles nothing: a promise resolves once.
    ws.onclose = (event: CloseEvent) => resolve(FINAL_CLOSE_CODES.has(event.code) ? { outcome: 'refused', close: { code: event.code, error } } : { outcome: 'unreachable' });
  });
}

export const defaultReconnectDelayMs = (attempt: number): number => Math.min(8_000, 250 * 2 ** attempt);

export function createSignallingClient(options: SignallingClientOptions): SignallingClient {
  const Socket = options.WebSocket ?? WebSocket;
  const delay = options.reconnectDelayMs ?? defaultReconnectDelayMs;
  let seatToken: string | null = null;
  let current: WebSocket | null = null;
  let joined = false;
  let closed = false;
  let attempts = 0;
  let lastError: FinalClose['error'] = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    clearTimeout(retryTimer);
    joined = false;
    lastError = null;
    const ws = new Socket(options.url);
    current = ws;
    ws.onopen = () => {
      if (ws === current) ws.send(JSON.stringify({ type: 'join', token: seatToken ?? options.token }));
    };
    ws.onmessage = (event: MessageEvent) => {
      if (ws !== current) return;
      const message = parseServerMessage(event.data);
      if (!message) return;
      if (message.type === 'welcome') {
        joined = true;
        attempts = 0;
        seatToken = message.seatToken;
        options.onSeatToken?.(seatToken);
      } else if (message.type === 'error') {
        lastError = { code: message.code, message: message.message };
      }
      options.onMessage(message);
    };
    ws.onclose = (event: CloseEvent) => {
      if (ws !== current || closed) return;
      current = null;
      joined = false;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        closed = true;
        options.onFinalClose({ code: event.code, error: lastError });
        return;
      }
      attempts += 1;
      options.onDisconnected();
      retryTimer = setTimeout(open, delay(attempts));
    };
  };

  const drop = (ws: WebSocket | null) => {
    if (ws && (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING)) ws.close(1000, 'rejoining');
  };

  open();
  return {
    send(message) {
      if (!joined || !current || current.readyState !== current.OPEN) return false;
      current.send(JSON.stringify(message));
      return true;
    },
    rejoin() {
      if (closed) return;
      const previous = current;
      current = null;
      drop(previous);
      open();
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      const previous = current;
      current = null;
      drop(previous);
    },
  };
}
