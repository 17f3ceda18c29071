/**
 * The station's FHIR client, as small as the sync needs: post a transaction Bundle, search. It
 * does not retry (the sync worker decides, from the answer's status and Retry-After), except once
 * after a 401 when the authorization can get a fresh token.
 *
 *   const client = new FhirClient({ baseUrl, authorization, transport });
 *   const { status, body, retryAfterMs } = await client.transaction(bundle, { signal });
 *   const found = await client.search('Patient', { identifier: 'urn:oid:…|123' });
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { Authorization } from './access-token';
import type { HttpAnswer, HttpCall, Transport } from './https-transport';
import { checkedUrl } from './https-transport';

export interface FhirAnswer<T = unknown> {
  status: number;
  /** The parsed JSON body (a Bundle, an OperationOutcome...), or null when there was none or it was not JSON. */
  body: T | null;
  /** Retry-After (seconds or an HTTP date) in ms from now, or null when the server gave none. */
  retryAfterMs: number | null;
}

export interface FhirClientOptions {
  baseUrl: string;
  authorization: Authorization;
  transport: Transport;
  now?: () => number;
}

const FHIR_JSON = 'application/fhir+json';

/** RFC 9110 10.2.3: delay-seconds or an HTTP-date; null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function parsed(answer: HttpAnswer): unknown {
  if (answer.body.length === 0) return null;
  try {
    return JSON.parse(answer.body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

export class FhirClient {
  private readonly base: string;
  private readonly now: () => number;

  constructor(private readonly options: FhirClientOptions) {
    // Checked at once, so a plain-http server is refused when configured, not at the first push.
    this.base = checkedUrl(options.baseUrl).href.replace(/\/$/, '');
    this.now = options.now ?? Date.now;
  }

  transaction(bundle: Bundle, options: { signal?: AbortSignal } = {}): Promise<FhirAnswer<Bundle>> {
    return this.call<Bundle>(this.base, { method: 'POST', body: JSON.stringify(bundle), signal: options.signal });
  }

  search<T = Bundle>(type: string, params: Record<string, string>, options: { signal?: AbortSignal } = {}): Promise<FhirAnswer<T>> {
    if (!/^[A-Z][A-Za-z]+$/.test(type)) throw new Error(`not a FHIR resource type: ${JSON.stringify(type)}`);
    return this.call<T>(`${this.base}/${type}?${new URLSearchParams(params).toString()}`, { method: 'GET', signal: options.signal });
  }

  private async call<T>(url: string, call: HttpCall): Promise<FhirAnswer<T>> {
    let answer = await this.send(url, call);
    if (answer.status === 401 && this.options.authorization.refused()) answer = await this.send(url, call);
    return { status: answer.status, body: parsed(answer) as T | null, retryAfterMs: retryAfterMs(answer.headers['retry-after'], this.now()) };
  }

  private async send(url: string, call: HttpCall): Promise<HttpAnswer> {
    const authorization = await this.options.authorization.header(call.signal);
    const headers: Record<string, string> = { accept: FHIR_JSON, ...(call.body !== undefined ? { 'content-type': FHIR_JSON } : {}) };
    if (authorization) headers.authorization = authorization;
    return this.options.transport.send(url, { ...call, headers });
  }
}
