/**
 * What staff and `sync --status` are told about the sync: the server, the last success, how many
 * items wait, are in flight or are parked, and why each parked item was refused. Ids, counts and
 * the server's issue codes only: an OperationOutcome's diagnostics may quote the refused values
 * (patient data), so they are never shown here; the whole outcome stays in the encrypted outbox.
 */
import { parseSummaryRecordId } from '../records/minute-summaries';
import type { Outbox, ParkedItem } from './outbox';
import type { PushReport } from './push';

export interface ParkedStatus {
  seq: number;
  kind: string;
  recordId: string;
  attempts: number;
  parkedAt: number;
  /** The server's issues as `severity code [at expression]`, e.g. `error invalid at Observation.valueQuantity`. */
  reason: string;
}

export interface SyncStatus {
  /** The FHIR base URL; null when the records stay on the station. */
  server: string | null;
  lastSuccessAt: number | null;
  waiting: number;
  inFlight: number;
  parked: number;
  parkedItems: ParkedStatus[];
}

/** At most this many parked items are listed (the count says how many there are). */
const PARKED_LISTED = 100;
const ISSUES_LISTED = 3;

export function syncStatus(outbox: Pick<Outbox, 'counts' | 'parked'>, server: string | null): SyncStatus {
  const counts = outbox.counts();
  const parkedItems = outbox.parked(PARKED_LISTED).map(({ outcome, ...item }) => ({ ...item, recordId: shownRecordId(item), reason: parkedReason(outcome) }));
  return { server, lastSuccessAt: counts.lastSentAt, waiting: counts.waiting, inFlight: counts.inFlight, parked: counts.parked, parkedItems };
}

/**
 * A minute summary's record id names the patient, visit and device (JSON, as long as a device id);
 * staff see its metric and minute instead, e.g. `spo2 2025-01-15T09:01Z`, short and without ids.
 */
function shownRecordId(item: Pick<ParkedItem, 'kind' | 'recordId'>): string {
  if (item.kind !== 'reading-summary') return item.recordId;
  const { metric, minuteStart } = parseSummaryRecordId(item.recordId);
  return `${metric} ${new Date(minuteStart).toISOString().slice(0, 16)}Z`;
}

interface Issue {
  severity?: unknown;
  code?: unknown;
  expression?: unknown;
}

/** The issues of an OperationOutcome (JSON text) without their diagnostics or details text. */
export function parkedReason(outcome: string): string {
  let issues: Issue[] = [];
  try {
    const parsed = JSON.parse(outcome) as { issue?: unknown };
    if (Array.isArray(parsed.issue)) issues = parsed.issue as Issue[];
  } catch {
    return 'unreadable OperationOutcome';
  }
  const words = (value: unknown) => (typeof value === 'string' && /^[\w.\-[\]()]{1,200}$/.test(value) ? value : null);
  const lines = issues.slice(0, ISSUES_LISTED).map((issue) => {
    const where = Array.isArray(issue.expression) ? issue.expression.map(words).filter((text) => text !== null) : [];
    return [words(issue.severity) ?? 'error', words(issue.code) ?? 'unknown', ...(where.length > 0 ? ['at', where.join(', ')] : [])].join(' ');
  });
  if (lines.length === 0) return 'OperationOutcome without issues';
  return lines.join('; ') + (issues.length > ISSUES_LISTED ? `; and ${issues.length - ISSUES_LISTED} more` : '');
}

/** One line saying why a push failed, for staff and the CLI. */
export function failureReason(answer: Exclude<PushReport['answer'], null>): string {
  if (answer === 'key-refused') return "the server refused the station's key (register the JWKS from sync-key)";
  if (answer === 'network') return 'the server could not be reached';
  if (answer === 'timeout') return 'the server did not answer in time';
  return `the server answered HTTP ${answer}`;
}

const when = (time: number | null) => (time === null ? 'never' : new Date(time).toISOString());

export function formatSyncStatus(status: SyncStatus): string {
  const lines = [
    `server: ${status.server ?? 'none (settings fhirServer.baseUrl is not set)'}`,
    `last success: ${when(status.lastSuccessAt)}`,
    `waiting: ${status.waiting}, in flight: ${status.inFlight}, parked: ${status.parked}`,
    ...status.parkedItems.map((item) => `parked #${item.seq} ${item.kind} ${item.recordId} (attempts ${item.attempts}, ${when(item.parkedAt)}): ${item.reason}`),
  ];
  if (status.parked > status.parkedItems.length) lines.push(`... and ${status.parked - status.parkedItems.length} more parked`);
  return `${lines.join('\n')}\n`;
}
