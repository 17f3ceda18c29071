/**
 * Web mode's server: the built renderer over HTTP and the contract over a WebSocket, on 127.0.0.1
 * only. Every request must carry the per-launch token in its `token` query parameter (the page's
 * own scripts and styles may show the page's secret path instead) and name this server in its Host
 * header (no DNS rebinding); a WebSocket upgrade must also come from the page's own Origin.
 *
 * No cookie: browsers send cookies to every port of 127.0.0.1, so a cookie standing in for the
 * token would reach any other local service the browser visits. The page lives under a random
 * per-launch path instead (`/s/<secret>/`), and its relative asset addresses carry that path to
 * this server only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ClientMessageSchema, WEB_SOCKET_PATH, type ServerMessage } from '../../shared/contract';
import { KIOSK_CLEAR_QUERY } from '../../shared/contract-kiosk';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../shared/bounded-json';
import { openContractSession, type ContractHost, type ContractSessionOptions } from '../station/contract-session';
import { ConnectionLimits, DEFAULT_REQUEST_LIMITS, type RequestLimits } from './connection-limits';
import { buildContentSecurityPolicy } from './content-security-policy';
import { SECURITY_HEADERS } from './security-headers';
import { readStaticFile } from './static-files';

export interface WebHostOptions {
  host: ContractHost;
  /** Folder of the built renderer (index.html and its assets). */
  rendererDir: string;
  /** 0 (the default) lets the system pick a free port. */
  port?: number;
  /** Fixed token for tests; a fresh random one per launch otherwise. */
  token?: string;
  /** Extra connect-src origins for the page (the consultation server's HTTP and WebSocket origins). */
  connectSources?: readonly string[];
  onFault?: ContractSessionOptions['onFault'];
  /** Per-connection request limits; defaults suit a screen. */
  requestLimits?: RequestLimits;
}

export interface WebHost {
  /** The page's address, token included. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const LISTEN_ADDRESS = '127.0.0.1';
/** A socket holding more than this unsent is slow: its frames coalesce until it catches up. */
const SLOW_SOCKET_BYTES = 1 << 20;
/** Client messages are small invokes; anything larger is hostile. */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
/**
 * A socket holding more than this unsent is not reading its answers: it is closed rather than
 * buffered for without bound (frames stop growing the buffer at SLOW_SOCKET_BYTES; answers do not).
 */
export const MAX_UNSENT_BYTES = 16 << 20;

const sameSecret = (given: string | null | undefined, expected: Buffer): boolean => {
  if (!given) return false;
  const bytes = Buffer.from(given);
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
};

/** The id of a rejected message, when it has a usable one, so the caller's pending invoke can settle. */
const requestIdOf = (message: unknown): number | null => {
  const id = (message as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
};

const parseClientJson = (data: RawData) => parseBoundedJson(data.toString(), { maxChars: MAX_CLIENT_MESSAGE_BYTES, maxDepth: MAX_JSON_DEPTH });

/** Fetch-metadata that only a browser loading this page's own assets sends. */
function isSameOriginSubresource(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  const dest = request.headers['sec-fetch-dest'];
  return site === 'same-origin' && typeof dest === 'string' && !['document', 'iframe', 'frame', 'embed', 'object', 'websocket'].includes(dest);
}

const PAGE_PATH_ROOT = '/s/';

/** `/s/<secret>/rest` as the secret and `/rest`; null for any other path. */
function splitPagePath(pathname: string): { secret: string; rest: string } | null {
  if (!pathname.startsWith(PAGE_PATH_ROOT)) return null;
  const end = pathname.indexOf('/', PAGE_PATH_ROOT.length);
  return end === -1 ? null : { secret: pathname.slice(PAGE_PATH_ROOT.length, end), rest: pathname.slice(end) };
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const secret = Buffer.from(token);
  const pageSecret = randomBytes(24).toString('base64url');
  const pageSecretBytes = Buffer.from(pageSecret);
  const pagePath = `${PAGE_PATH_ROOT}${pageSecret}/`;
  const server = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LISTEN_ADDRESS, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${LISTEN_ADDRESS}:${port}`;
  const csp = buildContentSecurityPolicy([`ws://${LISTEN_ADDRESS}:${port}`, ...(options.connectSources ?? [])]);

  /**
   * What the request asks for, when it is addressed to this server and carries the token, else
   * null: its URL with the page path taken off, and whether it came under the page path. The page
   * path only stands in for the token on the page's own sub-resources (scripts, styles, images the
   * browser marks as same-origin, non-document fetches): a document, a socket or any client that
   * is not a browser must show the token itself.
   */
  const authorise = (request: IncomingMessage, acceptPagePath: boolean): { url: URL; underPagePath: boolean } | null => {
    if (request.headers.host !== `${LISTEN_ADDRESS}:${port}`) return null;
    let url: URL;
    try {
      url = new URL(request.url ?? '/', origin);
    } catch {
      return null;
    }
    const page = splitPagePath(url.pathname);
    const underPagePath = page !== null && sameSecret(page.secret, pageSecretBytes);
    if (page && !underPagePath) return null;
    if (page) url.pathname = page.rest;
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null) return sameSecret(queryToken, secret) ? { url, underPagePath } : null;
    if (!acceptPagePath || !underPagePath || !isSameOriginSubresource(request)) return null;
    return { url, underPagePath };
  };

  const refuse = (response: ServerResponse, status: number, message: string) => {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    response.end(message);
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const authorised = authorise(request, true);
      if (!authorised) return refuse(response, 403, 'Forbidden: open the station with the address it printed at launch.\n');
      const { url, underPagePath } = authorised;
      if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'Method not allowed\n');
      const file = await readStaticFile(options.rendererDir, url.pathname);
      if (!file) return refuse(response, 404, 'Not found\n');
      const headers: Record<string, string> = {
        'Content-Type': file.contentType,
        'Content-Security-Policy': csp,
        ...SECURITY_HEADERS,
      };
      const isDocument = file.contentType.startsWith('text/html');
      if (isDocument && !underPagePath) {
        // The page outside its path would find none of its assets: send it to its place.
        response.writeHead(303, { ...SECURITY_HEADERS, Location: `${pagePath.slice(0, -1)}${url.pathname}${url.search}` });
        response.end();
        return;
      }
      // A kiosk page reloading after a visit: the browser drops what the visit stored.
      if (isDocument && url.searchParams.has(KIOSK_CLEAR_QUERY)) headers['Clear-Site-Data'] = '"cache", "storage"';
      response.writeHead(200, headers);
      response.end(request.method === 'HEAD' ? undefined : file.body);
    })().catch((error: unknown) => {
      options.onFault?.('web request failed', error);
      if (!response.headersSent) refuse(response, 500, 'Internal error\n');
      else response.destroy();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const authorised = authorise(request, false);
    if (!authorised || authorised.url.pathname !== WEB_SOCKET_PATH || request.headers.origin !== origin) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveContract(ws));
  });

  const serveContract = (ws: WebSocket) => {
    const send = (message: ServerMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(message));
      if (ws.bufferedAmount > MAX_UNSENT_BYTES) ws.terminate();
    };
    const limits = new ConnectionLimits(ws, options.requestLimits ?? DEFAULT_REQUEST_LIMITS);
    const session = openContractSession(
      options.host,
      { sendEvent: (event, payload) => send({ type: 'event', event, payload }), isReady: () => ws.bufferedAmount < SLOW_SOCKET_BYTES },
      { onFault: options.onFault },
    );
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!limits.admit()) return refuseAsBusy(data, isBinary);
      // Whatever one screen's message does, only that screen's connection pays for it.
      void handleClientMessage(data, isBinary)
        .catch((error: unknown) => {
          options.onFault?.('web socket message failed', error);
          ws.close(1011, 'message failed');
        })
        .finally(() => limits.done());
    });
    const refuseAsBusy = (data: RawData, isBinary: boolean) => {
      const json = isBinary ? null : parseClientJson(data);
      const id = json?.ok ? requestIdOf(json.value) : null;
      send({ type: 'result', id, ok: false, error: { code: 'busy', message: 'Too many requests on this connection: wait for the answers before sending more' } });
    };
    const handleClientMessage = async (data: RawData, isBinary: boolean) => {
      const json = isBinary ? null : parseClientJson(data);
      const parsed = json?.ok ? json.value : undefined;
      const message = ClientMessageSchema.safeParse(parsed);
      if (!message.success) {
        const why = json && !json.ok ? `: ${json.error}` : '';
        send({ type: 'result', id: requestIdOf(parsed), ok: false, error: { code: 'bad-request', message: `Malformed message${why}: expected a contract invoke or flow message as JSON text` } });
        return;
      }
      if (message.data.type === 'flow') {
        if (message.data.paused) session.pause();
        else session.resume();
        return;
      }
      const { id, method, input } = message.data;
      const result = await session.invoke(method, input);
      send(result.ok ? { type: 'result', id, ok: true, output: result.output } : { type: 'result', id, ok: false, error: result.error });
    };
    ws.on('close', () => {
      limits.close();
      session.close();
    });
    ws.on('error', () => ws.terminate());
  };

  return {
    url: `${origin}${pagePath}?token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.close(1001, 'station stopping');
      sockets.close();
      await new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      for (const client of sockets.clients) client.terminate();
    },
  };
}
