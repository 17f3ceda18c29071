/**
 * The consultation server: signalling over WebSocket (signalling.ts), the visit and ICE endpoints,
 * and the clinician page's static files, on HTTP or HTTPS. Embedded by the station or run alone
 * (main.ts); several instances share visits through Redis.
 *
 * HTTP routes:
 *   POST /api/visits        (Authorization: Bearer <station key>)  → CreatedVisit
 *   GET  /api/visits/<id>   (Authorization: Bearer <station key>)  → VisitPresence
 *   GET  /api/ice-servers   (Authorization: Bearer <visit token>)  → IceConfig
 *   GET  /healthz                                                  → {"ok":true}
 *   GET  anything else      → a file from the static folder (index.html for "/")
 *   WebSocket /signal       → the protocol in src/shared/consult/protocol.ts
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  type CreatedVisit,
  type CreateVisitRequest,
  CreateVisitRequestSchema,
  type EndReason,
  ICE_SERVERS_PATH,
  MAX_SIGNAL_MESSAGE_BYTES,
  SIGNAL_PATH,
  VISITS_PATH,
  type VisitPresence,
} from '../../shared/consult/protocol';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../shared/bounded-json';
import { logError } from '../../shared/log-text';
import { buildContentSecurityPolicy, consultServerSources } from '../web/content-security-policy';
import { SECURITY_HEADERS } from '../web/security-headers';
import { readStaticFile } from '../web/static-files';
import { connectRedisBackend } from './redis-visit-store';
import { DEFAULT_LIMITS, SignallingService, type SignallingLimits } from './signalling';
import { iceConfigFor, validateIceSettings, type IceSettings } from './turn-credentials';
import { MemoryVisitBus, type VisitBus } from './visit-bus';
import { MemoryVisitStore, type VisitStore } from './visit-store';
import { VisitTokenSigner } from './visit-token';

export interface ConsultServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1; put a TLS proxy in front, or give `tls`, before listening on a public address. */
  host?: string;
  /** PEM certificate and key: the server speaks HTTPS and WSS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Behind a TLS-terminating proxy: believe its X-Forwarded-Proto. Off by default. */
  trustProxy?: boolean;
  /** The address clinicians use, when it differs from the listening one (a proxy, a DNS name). */
  publicUrl?: string;
  /** Page origins allowed to open the signalling socket besides the server's own (the station's screen). */
  allowedOrigins?: readonly string[];
  /**
   * Custom schemes the embedder registered as standard, secure schemes (Electron's "app"), whose
   * exact `scheme://host` origins may then be allowed; never file: or other opaque-origin schemes.
   */
  customSchemes?: readonly string[];
  /** HMAC key of visit tokens (≥ 32 bytes). Default: the shared one in Redis, else random per launch. */
  tokenSecret?: Buffer;
  /** Bearer key that lets a remote station create visits over HTTP; without it only createVisit() does. */
  stationKey?: string;
  /** Folder of the clinician web client; without it, only the API and the socket are served. */
  staticDir?: string;
  /** Path of the clinician page inside the static folder that visit links point at (default "/"). */
  clinicianPath?: string;
  ice?: IceSettings;
  /** redis:// URL: share visits with other instances. */
  redis?: string;
  /** Key and channel prefix in Redis (default "vb:consult:"). */
  redisPrefix?: string;
  limits?: Partial<SignallingLimits>;
  /** Wall clock (ms); tests move it to expire tokens. */
  now?: () => number;
  onLog?: (line: string) => void;
}

export interface ConsultServer {
  /** Where the server listens (or `publicUrl`), without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Creates a visit as the station would over POST /api/visits. */
  createVisit(request?: CreateVisitRequest): Promise<CreatedVisit>;
  endVisit(visitId: string, reason?: EndReason): Promise<boolean>;
  /** Whether the visit's admitted clinician is connected now (what the station checks before relaying for them). */
  clinicianConnected(visitId: string): Promise<boolean>;
  /** Lets pages of `origin` open the signalling socket (the station's screen, known after launch); throws for opaque or unregistered schemes. */
  allowOrigin(origin: string): void;
  readonly connectionCount: number;
  close(): Promise<void>;
}

const MAX_REQUEST_BODY_BYTES = 4 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Schemes whose pages never have an origin of their own (or any page could claim them). */
const OPAQUE_SCHEMES = new Set(['file', 'data', 'blob', 'javascript', 'about', 'filesystem', 'null']);

/**
 * The origin of a page allowed to open the signalling socket: an http(s) URL's origin, or exactly
 * `scheme://host` of a custom scheme the embedder registered as standard (Electron's app://station),
 * when that scheme is in `customSchemes`. The opaque "null" origin is never allowed.
 */
function pageOrigin(value: string, customSchemes: ReadonlySet<string>): string {
  const refused = () => new Error(`Only http(s) origins and the embedder's own schemes can be allowed, not "${value.slice(0, 200)}"`);
  const custom = /^([a-z][a-z0-9+.-]*):\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*)$/i.exec(value);
  if (custom && !/^https?$/i.test(custom[1]!)) {
    const scheme = custom[1]!.toLowerCase();
    if (!customSchemes.has(scheme) || OPAQUE_SCHEMES.has(scheme)) throw refused();
    return `${scheme}://${custom[2]!.toLowerCase()}`;
  }
  const parsed = URL.canParse(value) ? new URL(value) : null;
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') throw refused();
  return parsed.origin;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(request: IncomingMessage): string | null {
  const match = /^Bearer ([\x21-\x7e]{1,2000})$/.exec(request.headers.authorization ?? '');
  return match?.[1] ?? null;
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) throw new HttpError(415, 'Send JSON (Content-Type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BODY_BYTES) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const json = parseBoundedJson(text, { maxChars: MAX_REQUEST_BODY_BYTES, maxDepth: MAX_JSON_DEPTH });
  if (!json.ok) throw new HttpError(400, `The request body is not valid JSON (${json.error})`);
  return json.value;
}

/**
 * Connections the kernel may hold before the server accepts them (capped by net.core.somaxconn).
 * Node's default, 511, overflows when the clients of a crashed instance all reconnect to this one
 * at once (or 2,500 visits' 5,000 sockets open together): each connection past it loses its SYN
 * and waits a second or more to retry, some are reset.
 */
export const LISTEN_BACKLOG = 4096;

/** Rejects with the server error (e.g. EADDRINUSE) instead of leaving it unhandled. */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function createConsultServer(options: ConsultServerOptions = {}): Promise<ConsultServer> {
  const log = options.onLog ?? (() => undefined);
  const now = options.now ?? Date.now;
  const ice = options.ice ?? {};
  validateIceSettings(ice);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const instanceId = randomBytes(6).toString('base64url');

  let store: VisitStore;
  let bus: VisitBus;
  let tokenSecret: Buffer;
  let closeBackend = async () => undefined as void;
  if (options.redis) {
    const backend = await connectRedisBackend({
      url: options.redis,
      prefix: options.redisPrefix ?? 'vb:consult:',
      instanceId,
      tokenSecret: options.tokenSecret,
      onFault: (message) => log(message),
    });
    ({ store, bus, tokenSecret } = backend);
    closeBackend = () => backend.close();
  } else {
    store = new MemoryVisitStore(now);
    bus = new MemoryVisitBus();
    tokenSecret = options.tokenSecret ?? randomBytes(32);
  }
  const signer = new VisitTokenSigner(tokenSecret);
  const signalling = new SignallingService({ instanceId, store, bus, signer, ice, limits, now, onFault: (message) => log(message) });

  const httpServer = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }) : createHttpServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNAL_MESSAGE_BYTES });
  const host = options.host ?? '127.0.0.1';
  try {
    await listen(httpServer, options.port ?? 0, host);
  } catch (error) {
    await signalling.close();
    await closeBackend();
    throw error;
  }
  const port = (httpServer.address() as AddressInfo).port;
  const listeningUrl = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const url = (options.publicUrl ?? listeningUrl).replace(/\/+$/, '');
  const customSchemes = new Set((options.customSchemes ?? []).map((scheme) => scheme.toLowerCase()));
  const allowedOrigin = (origin: string) => pageOrigin(origin, customSchemes);
  const allowedOrigins = new Set([allowedOrigin(url), ...(options.allowedOrigins ?? []).map(allowedOrigin)]);

  /** The origin this request reached, as the browser sees it. */
  const requestOrigin = (request: IncomingMessage): string | null => {
    const forwarded = String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim();
    const scheme = options.trustProxy && (forwarded === 'https' || forwarded === 'http') ? forwarded : options.tls ? 'https' : 'http';
    const hostHeader = request.headers.host;
    if (!hostHeader || !/^[\w.-]+(:\d+)?$|^\[[\d:a-fA-F]+\](:\d+)?$/.test(hostHeader)) return null;
    return `${scheme}://${hostHeader}`;
  };

  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(body));
  };

  const requireStationKey = (request: IncomingMessage): void => {
    const key = bearer(request);
    if (!options.stationKey || !key || !sameSecret(key, options.stationKey)) throw new HttpError(401, 'A station key is required');
  };

  const createVisit = (request: CreateVisitRequest = {}, linkBase: string = url) => signalling.createVisit(request, new URL(options.clinicianPath ?? '/', `${linkBase}/`));

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const origin = requestOrigin(request);
    if (!origin) throw new HttpError(400, 'Bad Host header');
    const path = new URL(request.url ?? '/', origin).pathname;
    const hsts: Record<string, string> = origin.startsWith('https:') ? { 'Strict-Transport-Security': 'max-age=31536000' } : {};
    if (path === '/healthz') return send(response, 200, { ok: true }, hsts);
    if (path === VISITS_PATH) {
      if (request.method !== 'POST') throw new HttpError(405, 'Use POST');
      requireStationKey(request);
      const body = CreateVisitRequestSchema.safeParse(await readJsonBody(request));
      if (!body.success) throw new HttpError(400, `Bad visit request: ${body.error.issues[0]?.message ?? 'invalid'}`);
      return send(response, 201, await createVisit(body.data, options.publicUrl ? url : origin), hsts);
    }
    if (path.startsWith(`${VISITS_PATH}/`)) {
      if (request.method !== 'GET') throw new HttpError(405, 'Use GET');
      requireStationKey(request);
      // Visit ids are base64url, so the path segment is the id as it is (nothing to decode).
      const presence: VisitPresence = { clinicianConnected: await signalling.clinicianConnected(path.slice(VISITS_PATH.length + 1)) };
      return send(response, 200, presence, hsts);
    }
    if (path === ICE_SERVERS_PATH) {
      if (request.method !== 'GET') throw new HttpError(405, 'Use GET');
      const check = signer.verify(bearer(request) ?? '', now());
      if (!check.ok) throw new HttpError(401, `Visit token refused (${check.reason})`);
      const visit = await store.get(check.claims.visitId);
      if (!visit || visit.ended) throw new HttpError(410, 'This visit has ended');
      // TURN credentials only after admission, as on the socket (SignallingService#iceFor).
      if (check.claims.role === 'clinician' && !visit.admitted) throw new HttpError(403, 'The clinician has not been admitted yet');
      return send(response, 200, iceConfigFor(ice, `${check.claims.visitId}.${check.claims.role}`, now()), hsts);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new HttpError(405, 'Method not allowed');
    const file = options.staticDir ? await readStaticFile(options.staticDir, path) : null;
    if (!file) throw new HttpError(404, 'Not found');
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      ...hsts,
      'Content-Type': file.contentType,
      'Content-Security-Policy': buildContentSecurityPolicy(consultServerSources(origin)),
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  };

  httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
    route(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) log(`request failed: ${logError(error)}`);
      if (response.headersSent) return response.destroy();
      send(response, status, { error: error instanceof HttpError ? error.message : 'Internal error' });
      // An unread oversized body would otherwise keep the connection busy.
      if (!request.complete) request.resume();
    });
  });

  httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const origin = requestOrigin(request);
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (!origin || new URL(request.url ?? '/', origin).pathname !== SIGNAL_PATH) return refuse('404 Not Found');
    // Browsers always send Origin; a client without one is not a page another site could script.
    const pageOrigin = request.headers.origin;
    if (pageOrigin !== undefined && pageOrigin !== origin && !allowedOrigins.has(pageOrigin)) return refuse('403 Forbidden');
    sockets.handleUpgrade(request, socket, head, (ws) => signalling.accept(ws));
  });
  httpServer.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    createVisit: (request) => createVisit(request),
    endVisit: (visitId, reason = 'ended-by-station') => signalling.endVisit(visitId, reason),
    clinicianConnected: (visitId) => signalling.clinicianConnected(visitId),
    allowOrigin: (origin) => void allowedOrigins.add(allowedOrigin(origin)),
    get connectionCount() {
      return signalling.connectionCount;
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await signalling.close();
        sockets.close();
        httpServer.closeAllConnections();
        await stopped;
        await store.close();
        await bus.close();
        await closeBackend();
      })();
      return closing;
    },
  };
}
