/**
 * A real FHIR R4 server for tests: Medplum's FhirRouter and in-memory repository (4.5.x) served
 * over HTTP on 127.0.0.1 at an ephemeral port, writes validated with `@medplum/core` first (400 +
 * OperationOutcome otherwise), optionally behind a static bearer token or a SMART Backend Services
 * token endpoint, with faults a test can switch on.
 *
 *   const server = await startFhirTestServer({ auth: { smart: { clientId, jwks } } });
 *   server.baseUrl            // http://127.0.0.1:PORT/fhir: POST a transaction/batch Bundle here; create, read, search below it
 *   server.tokenUrl           // http://127.0.0.1:PORT/auth/token (client_credentials + private_key_jwt)
 *   await server.resources('Observation')   // everything stored of one type
 *   server.faults.respond(2, 503, { 'Retry-After': '1' })   // the next 2 FHIR requests answer 503
 *   server.faults.hang(1, 5_000)            // the next FHIR request waits 5 s, then is handled as usual
 *   await server.faults.down(); await server.faults.up()   // connections refused, then served again on the same port
 *   server.requests           // method, path and status of every request answered so far
 *   await server.stop()
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getStatus, isOperationOutcome } from '@medplum/core';
import type { Bundle, OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { FhirRouter } from '@medplum/fhir-router';
import type { FhirRequest, HttpMethod } from '@medplum/fhir-router';
import { parseBoundedJson } from '../../src/shared/bounded-json';
import { bundleValidationOutcome, indexFhirDefinitions, ValidatingRepository, type ServerRule } from './fhir-repository';
import { createServerAuth } from './test-server-auth';
import type { FhirTestServerAuth, ServerAuth } from './test-server-auth';

export type { FhirTestServerAuth } from './test-server-auth';
export type { ServerRule } from './fhir-repository';
/** Call in a beforeAll with a generous time limit: the first server of a process would otherwise index inside a test. */
export { indexFhirDefinitions } from './fhir-repository';

export interface FhirTestServerOptions {
  auth?: FhirTestServerAuth;
  /** The server's clock in ms (access-token and assertion expiry); Date.now by default. */
  now?: () => number;
  /** A rule of this server's own beyond FHIR validity; a resource it finds issues in is refused like an invalid one (400). */
  rule?: ServerRule;
}

/** Which endpoint a fault applies to: the FHIR API (default) or the token endpoint. */
export type FaultEndpoint = 'fhir' | 'token';

export interface FhirTestFaults {
  /** The next `count` requests to `endpoint` are answered with `status` (an OperationOutcome body) and `headers`, unhandled. */
  respond(count: number, status: number, headers?: Record<string, string>, endpoint?: FaultEndpoint): void;
  /**
   * The next `count` requests to `endpoint` wait `ms` before being handled as usual (a client that
   * gave up meanwhile never learns the outcome). Resolves once all `count` have arrived and are waiting.
   */
  hang(count: number, ms: number, endpoint?: FaultEndpoint): Promise<void>;
  /** Stops listening and drops open connections: connections are refused until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
}

export interface AnsweredRequest {
  method: string;
  path: string;
  status: number;
}

export interface FhirTestServer {
  baseUrl: string;
  tokenUrl: string;
  faults: FhirTestFaults;
  /** Every request answered so far, oldest first (what tests count: token requests, retries). */
  readonly requests: readonly AnsweredRequest[];
  resources(type: string): Promise<Resource[]>;
  stop(): Promise<void>;
}

const FHIR_BASE_PATH = '/fhir';
const TOKEN_PATH = '/auth/token';
/** A transaction of 500 observations is about 0.5 MB; anything near this is a client bug. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MAX_JSON_DEPTH = 64;
const FHIR_JSON = 'application/fhir+json';

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Fault = { kind: 'respond'; status: number; headers: Record<string, string> } | { kind: 'hang'; ms: number; arrived: () => void };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function outcome(code: OperationOutcomeIssue['code'], text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown, contentType: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, ...headers });
  response.end(JSON.stringify(body));
}

function queryOf(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}

export async function startFhirTestServer(options: FhirTestServerOptions = {}): Promise<FhirTestServer> {
  indexFhirDefinitions();
  const now = options.now ?? Date.now;
  const router = new FhirRouter();
  const repository = new ValidatingRepository(options.rule);
  const faultQueues: Record<FaultEndpoint, Fault[]> = { fhir: [], token: [] };
  const requests: AnsweredRequest[] = [];
  const sockets = new Set<Socket>();
  const hangs = new Set<{ timer: NodeJS.Timeout; release: () => void }>();
  let port = 0;

  /** Resolves true after `ms`, or false at once when the server goes down or stops meanwhile (the request is then dropped). */
  const wait = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const finish = (elapsed: boolean): void => {
        clearTimeout(hang.timer);
        hangs.delete(hang);
        resolve(elapsed);
      };
      const hang = { timer: setTimeout(() => finish(true), ms), release: () => finish(false) };
      hangs.add(hang);
    });

  async function handleFhir(request: IncomingMessage, url: URL, text: string): Promise<Answer> {
    if (!auth.allows(request.headers.authorization)) {
      return { status: 401, body: outcome('login', 'missing or invalid access token'), headers: { 'www-authenticate': 'Bearer' } };
    }
    const method = (request.method ?? 'GET') as HttpMethod;
    let body: unknown;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const parsed = parseBoundedJson(text, { maxChars: MAX_BODY_BYTES, maxDepth: MAX_JSON_DEPTH });
      if (!parsed.ok) return { status: 400, body: outcome('invalid', parsed.error) };
      body = parsed.value;
    }
    const path = url.pathname.slice(FHIR_BASE_PATH.length) || '/';
    if (path === '/' && method === 'POST') {
      const invalid = bundleValidationOutcome(body as Bundle, options.rule);
      if (invalid) return { status: 400, body: invalid };
    }
    const fhirRequest: FhirRequest = {
      method,
      url: `${path}${url.search}`,
      pathname: '',
      body,
      params: {},
      query: queryOf(url.searchParams),
      headers: request.headers,
      config: { transactions: true },
    };
    const [result, resource] = await router.handleRequest(fhirRequest, repository);
    const status = getStatus(result);
    const headers: Record<string, string> = {};
    if (status === 201 && resource && 'id' in resource) headers.location = `${FHIR_BASE_PATH}/${resource.resourceType}/${resource.id}`;
    return { status, body: resource ?? result, headers };
  }

  async function handleToken(request: IncomingMessage, text: string): Promise<Answer> {
    if (request.method !== 'POST') return { status: 405, body: { error: 'invalid_request', error_description: 'POST only' } };
    return auth.token(new URLSearchParams(text));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const endpoint: FaultEndpoint | null =
      url.pathname === TOKEN_PATH ? 'token' : url.pathname === FHIR_BASE_PATH || url.pathname.startsWith(`${FHIR_BASE_PATH}/`) ? 'fhir' : null;
    let status = 404;
    try {
      if (endpoint === null) {
        send(response, 404, outcome('not-found', 'no such endpoint'), FHIR_JSON);
        return;
      }
      // The whole request arrives before any fault, as at a real server that stalls or fails while working on it.
      const text = await readBody(request);
      const fault = faultQueues[endpoint].shift();
      if (fault?.kind === 'respond') {
        status = fault.status;
        send(response, status, outcome('transient', `injected fault ${status}`), FHIR_JSON, fault.headers);
        return;
      }
      if (fault?.kind === 'hang') {
        const waiting = wait(fault.ms);
        fault.arrived();
        if (!(await waiting)) return;
      }
      const answer: Answer = endpoint === 'token' ? await handleToken(request, text) : await handleFhir(request, url, text);
      status = answer.status;
      const contentType = endpoint === 'token' ? 'application/json' : FHIR_JSON;
      send(response, status, answer.body, contentType, answer.headers);
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      const body = isOperationOutcome((error as { outcome?: unknown }).outcome) ? (error as { outcome: OperationOutcome }).outcome : outcome('exception', (error as Error).message);
      if (!response.headersSent) send(response, status, body, FHIR_JSON);
    } finally {
      requests.push({ method: request.method ?? '', path: url.pathname, status });
    }
  }

  const server: Server = createServer((request, response) => void handle(request, response));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });

  const close = (): Promise<void> =>
    new Promise((resolve) => {
      for (const hang of hangs) hang.release();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });

  await listen();
  const origin = `http://127.0.0.1:${port}`;
  const tokenUrl = `${origin}${TOKEN_PATH}`;
  const auth: ServerAuth = createServerAuth(options.auth ?? 'none', tokenUrl, now);

  return {
    baseUrl: `${origin}${FHIR_BASE_PATH}`,
    tokenUrl,
    requests,
    faults: {
      respond: (count, status, headers = {}, endpoint = 'fhir') => {
        for (let i = 0; i < count; i++) faultQueues[endpoint].push({ kind: 'respond', status, headers });
      },
      hang: (count, ms, endpoint = 'fhir') =>
        Promise.all(Array.from({ length: count }, () => new Promise<void>((arrived) => faultQueues[endpoint].push({ kind: 'hang', ms, arrived })))).then(() => undefined),
      down: close,
      up: listen,
    },
    async resources(type: string): Promise<Resource[]> {
      const bundle = await repository.search({ resourceType: type as Resource['resourceType'], count: Number.MAX_SAFE_INTEGER });
      return (bundle.entry ?? []).flatMap((entry) => (entry.resource ? [entry.resource] : []));
    },
    stop: close,
  };
}
