/**
 * Test helper: the TransactionClient the sync tests use against the test FHIR server (plain fetch,
 * no authentication), until the sync runs through h-fhirserver's FhirClient.
 */
import type { TransactionClient } from './push';

export function fetchTransactionClient(baseUrl: string): TransactionClient {
  return {
    async transaction(bundle, { signal }) {
      const response = await fetch(baseUrl, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle), signal });
      const retryAfter = response.headers.get('retry-after');
      return { status: response.status, body: await response.json().catch(() => null), retryAfterMs: retryAfter === null ? null : Number(retryAfter) * 1_000 };
    },
  };
}
