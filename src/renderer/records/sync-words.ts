/** What the Sync panel and the nurses' one-line status say about the FHIR sync, in words. */
import type { PlethQueueResult, PlethVisit, SyncSummary } from '../../shared/contract-sync';

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

const segments = (count: number) => `${count.toLocaleString()} ${count === 1 ? 'segment' : 'segments'}`;

/** A visit's pleth in the list: how much there is and how much of it is queued already. */
export function plethVisitLine(visit: Pick<PlethVisit, 'segments' | 'queued'>): string {
  if (visit.segments === 0) return 'No pleth recorded';
  const queued = visit.queued === 0 ? 'none queued' : visit.queued === visit.segments ? 'all queued' : `${visit.queued.toLocaleString()} queued`;
  return `${segments(visit.segments)} of up to 10 s, ${queued}`;
}

/** The result line of one request to send a visit's pleth. */
export function plethResultLine(result: PlethQueueResult): string {
  const parts = [
    result.queued > 0 ? `${segments(result.queued)} queued for the FHIR server.` : 'Nothing new to queue.',
    ...(result.alreadyQueued > 0 ? [`${segments(result.alreadyQueued)} had been queued before and ${result.alreadyQueued === 1 ? 'is' : 'are'} not sent twice.`] : []),
    ...(result.unscaled > 0 ? [`${segments(result.unscaled)} recorded before the device's scale was kept cannot be sent.`] : []),
  ];
  return parts.join(' ');
}
