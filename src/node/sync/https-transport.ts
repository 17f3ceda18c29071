/**
 * HTTP for the FHIR sync: HTTPS verified against the system's CA store (Node's bundled roots plus
 * the operating system's, as `tls.getCACertificates('system')` where Node has it) and an optional
 * extra CA file (a clinic's own CA); plain http:// only to loopback (a local test server or a
 * proxy on the station itself), because anything else would send patient data and tokens in the
 * clear. Every request has a deadline (AbortSignal) and a bounded answer.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import * as tls from 'node:tls';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface Transport {
  send(url: string, call: HttpCall): Promise<HttpAnswer>;
}

export interface TransportOptions {
  /** PEM file of CAs trusted besides the system's. */
  extraCaFile?: string | null;
  /** Largest answer accepted; a transaction response of 500 entries is well under 4 MiB. */
  maxResponseBytes?: number;
  /** Deadline of one request when the caller's signal has none sooner. */
  timeoutMs?: number;
}

export class TransportError extends Error {
  override name = 'TransportError';
}

const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** The URL when it may carry FHIR traffic (https, or http to loopback); a TransportError naming the reason otherwise. */
export function checkedUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TransportError(`not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  if (url.protocol === 'http:') throw new TransportError(`plain http:// is refused except to this machine (loopback); use https:// for ${url.host}`);
  throw new TransportError(`unsupported protocol ${url.protocol}`);
}

function systemCertificates(): string[] {
  const withSystem = tls as typeof tls & { getCACertificates?: (type: 'system' | 'default') => string[] };
  // Node 22.15+/23.5+ reads the OS store; older Node has only its bundled roots (tls.rootCertificates).
  return withSystem.getCACertificates ? [...tls.rootCertificates, ...withSystem.getCACertificates('system')] : [...tls.rootCertificates];
}

export function createTransport(options: TransportOptions = {}): Transport {
  const ca = [...systemCertificates(), ...(options.extraCaFile ? [readFileSync(options.extraCaFile, 'utf8')] : [])];
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    send(text, call) {
      const url = checkedUrl(text);
      const signal = call.signal ? AbortSignal.any([call.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
      const headers: Record<string, string | number> = { ...call.headers };
      if (call.body !== undefined) headers['content-length'] = Buffer.byteLength(call.body);
      const requestOptions = { method: call.method, headers, signal, ca };
      return new Promise<HttpAnswer>((resolve, reject) => {
        const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, requestOptions, (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              // Settled here: whatever the torn-down connection reports afterwards is ignored.
              reject(new TransportError(`answer from ${url.host} exceeds ${maxBytes} bytes`));
              request.destroy();
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(call.body);
      });
    },
  };
}
