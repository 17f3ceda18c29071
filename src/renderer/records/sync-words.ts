/** What the Sync panel and the nurses' one-line status say about the FHIR sync, in words. */
import type { SyncSummary } from '../../shared/contract-sync';

const items = (count: number) => `${count.toLocaleString()} ${count === 1 ? 'item' : 'items'}`;

/** `when` formats the last success (the screen's date-time format). */
export function syncStatusLine(summary: SyncSummary, when: (epochMs: number) => string): string {
  if (summary.state === 'not-configured') return 'FHIR sync: not set up; the records stay on this station.';
  if (summary.state === 'not-running') return `FHIR sync: not running (${summary.problem ?? 'no reason given'}); tell an administrator.`;
  const last = summary.lastSuccessAt === null ? 'nothing sent yet' : `last sent ${when(summary.lastSuccessAt)}`;
  if (summary.parked > 0) return `FHIR sync: the server refused ${items(summary.parked)}; tell an administrator. ${items(summary.waiting)} waiting, ${last}.`;
  if (summary.problem !== null) return `FHIR sync: ${summary.problem}; ${items(summary.waiting)} waiting, ${last}.`;
  if (summary.waiting > 0) return `FHIR sync: ${items(summary.waiting)} waiting to be sent, ${last}.`;
  return summary.lastSuccessAt === null ? 'FHIR sync: nothing to send yet.' : `FHIR sync: everything sent, ${last}.`;
}

/** The settings that name a server, for the panel's "how to set it up". */
export const SYNC_SETUP_HINT =
  'To send the records to a FHIR server, set fhirServer.baseUrl (https://, or http:// to this machine only) and fhirServer.auth (smart with clientId and tokenUrl, bearer with VITALBRIDGE_FHIR_TOKEN, or none) in settings.json in the data folder, register the station key printed by the sync-key command with the server, and restart the station.';
