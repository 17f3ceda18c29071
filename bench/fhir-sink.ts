/**
 * A FHIR endpoint that only takes transactions of conditional creates and keeps nothing but their
 * identifiers: what bench:sync flushes a week's backlog to, to measure the station's side. The
 * test FHIR server (Medplum's in-memory repository) searches everything it holds for each
 * conditional create, so a week (~20,000 resources) would take it hours, and its time, not the
 * station's, would be measured. Each entry must be a POST with a resource and `ifNoneExist` on an
 * identifier (or, for a Provenance, a tag); a resend of one already held is answered 200 and not
 * counted twice. Anything else is refused with 400, which the station parks and the bench reports.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';

export interface FhirSink {
  baseUrl: string;
  /** Distinct identifiers held, per resource type. */
  counts(): Record<string, number>;
  stop(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(body));
}

const refusal = (diagnostics: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics }] });

export async function startFhirSink(): Promise<FhirSink> {
  const held = new Map<string, Set<string>>();
  const take = (entry: BundleEntry): string | null => {
    const type = entry.resource?.resourceType;
    const key = entry.request?.ifNoneExist ?? '';
    if (entry.request?.method !== 'POST' || !type || !/^(identifier|_tag)=/.test(key)) return null;
    const ofType = held.get(type) ?? new Set<string>();
    held.set(type, ofType);
    const known = ofType.has(key);
    ofType.add(key);
    return known ? '200 OK' : '201 Created';
  };
  const server = createServer((request, response) => {
    void bodyOf(request).then((text) => {
      if (request.method !== 'POST') return answer(response, 405, refusal('only transactions are taken'));
      let bundle: Bundle;
      try {
        bundle = JSON.parse(text) as Bundle;
      } catch {
        return answer(response, 400, refusal('not JSON'));
      }
      if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') return answer(response, 400, refusal('not a transaction Bundle'));
      const statuses = (bundle.entry ?? []).map(take);
      if (statuses.includes(null)) return answer(response, 400, refusal('every entry must be a conditional create on an identifier or a tag'));
      answer(response, 200, { resourceType: 'Bundle', type: 'transaction-response', entry: statuses.map((status) => ({ response: { status } })) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/fhir`,
    counts: () => Object.fromEntries([...held].map(([type, keys]) => [type, keys.size])),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
