/**
 * The FHIR sync part of the station contract: the administrators' Sync panel (server, last
 * success, items waiting, items parked with the server's reason, Retry and Send now) and the
 * nurses' one-line status. contract.ts spreads syncMethods into stationMethods; method-access.ts
 * says who may call them. Ids, counts and the server's issue codes only: never a record's content
 * or a secret.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();
const time = z.number().nullable();
/** The sync's own words (e.g. "the server could not be reached"), or null while all is well. */
const problem = z.string().max(1000).nullable();

export const ParkedSyncItemSchema = z.object({
  /** The outbox row's number. */
  seq: count,
  kind: z.string().max(40),
  recordId: z.string().max(100),
  attempts: count,
  parkedAt: z.number(),
  /** The server's OperationOutcome issues as `severity code [at expression]` (never its diagnostics, which may quote patient data). */
  reason: z.string().max(2000),
});
export type ParkedSyncItem = z.infer<typeof ParkedSyncItemSchema>;

/** At most this many parked items are listed; `parked` says how many there are. */
export const MAX_PARKED_LISTED = 100;

export const SyncPanelSchema = z.discriminatedUnion('state', [
  /** No FHIR server in the settings (`fhirServer.baseUrl`): the records stay on the station. */
  z.object({ state: z.literal('not-configured') }),
  /** A server is set but the sync could not start (a key missing, a bearer token not set); `problem` says why. */
  z.object({ state: z.literal('not-running'), server: z.string().max(2000), problem: z.string().max(1000) }),
  z.object({
    state: z.literal('running'),
    server: z.string().max(2000),
    lastSuccessAt: time,
    waiting: count,
    inFlight: count,
    parked: count,
    parkedItems: z.array(ParkedSyncItemSchema).max(MAX_PARKED_LISTED),
    problem,
  }),
]);
export type SyncPanel = z.infer<typeof SyncPanelSchema>;

/** What a nurse is told: enough for one line, no server address, no record ids. */
export const SyncSummarySchema = z.object({
  state: z.enum(['not-configured', 'not-running', 'running']),
  lastSuccessAt: time,
  /** Waiting and in flight: not on the server yet. */
  waiting: count,
  parked: count,
  problem,
});
export type SyncSummary = z.infer<typeof SyncSummarySchema>;

export const syncMethods = {
  /** The administrators' Sync panel. */
  getSyncStatus: { input: z.undefined(), output: SyncPanelSchema },
  /** The nurses' one-line status. */
  getSyncSummary: { input: z.undefined(), output: SyncSummarySchema },
  /** "Retry": every parked item waits again, due now; answers how many. Audited (`sync.manage`, `retry:<n>`). */
  retryParkedSync: { input: z.undefined(), output: z.object({ requeued: count }) },
  /** "Send now": waiting items are due at once, whatever their backoff said; answers how many. Audited (`sync.manage`, `send-now:<n>`). */
  sendSyncNow: { input: z.undefined(), output: z.object({ due: count }) },
} as const;
