/**
 * The FHIR sync part of the station contract: the administrators' Sync panel (server, last
 * success, items waiting, items parked with the server's reason, Retry and Send now), the
 * nurses' one-line status, and the request to send a visit's pleth. contract.ts spreads syncMethods into stationMethods; method-access.ts
 * says who may call them. Ids, counts and the server's issue codes only: never a record's content
 * or a secret.
 */
import { z } from 'zod';
import { hl7Methods } from './contract-hl7';

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

const id = z.string().min(1).max(100);

/** A visit of a patient and its pleth as the station keeps it (segments of at most 10 s), for asking to send it. */
export const PlethVisitSchema = z.object({
  visitId: id,
  startedAt: z.number(),
  endedAt: time,
  /** Pleth segments recorded in the visit (those without a raw scale included). */
  segments: count,
  /** Of them, queued for the server by an earlier request (sent or not). */
  queued: count,
});
export type PlethVisit = z.infer<typeof PlethVisitSchema>;

/** What one request to send a visit's pleth did. */
export const PlethQueueResultSchema = z.object({
  /** Segments newly queued, one FHIR Observation each. */
  queued: count,
  /** Segments an earlier request had queued: not queued twice. */
  alreadyQueued: count,
  /** Segments recorded before the station kept the device's raw scale: kept, not sent (their numbers have no stated meaning). */
  unscaled: count,
});
export type PlethQueueResult = z.infer<typeof PlethQueueResultSchema>;

export const syncMethods = {
  /** The administrators' Sync panel. */
  getSyncStatus: { input: z.undefined(), output: SyncPanelSchema },
  /** The nurses' one-line status. */
  getSyncSummary: { input: z.undefined(), output: SyncSummarySchema },
  /** "Retry": every parked item waits again, due now; answers how many. Audited (`sync.manage`, `retry:<n>`). */
  retryParkedSync: { input: z.undefined(), output: z.object({ requeued: count }) },
  /** "Send now": waiting items are due at once, whatever their backoff said; answers how many. Audited (`sync.manage`, `send-now:<n>`). */
  sendSyncNow: { input: z.undefined(), output: z.object({ due: count }) },
  /** A patient's visits with how much pleth each holds and how much of it is queued, oldest first. */
  listPlethVisits: { input: z.strictObject({ patientId: id }), output: z.array(PlethVisitSchema).max(100_000) },
  /**
   * Queues the pleth of one visit for the FHIR server, one Observation per 10 s segment (the pleth
   * is never sent otherwise); a second request queues nothing twice. Refused without a running
   * sync. Audited (`record.export`, `pleth:<visitId>:<queued>`).
   */
  sendEncounterPleth: { input: z.strictObject({ visitId: id }), output: PlethQueueResultSchema },
  /** The HL7 v2 output's status line and Retry, beside the FHIR sync (./contract-hl7.ts). */
  ...hl7Methods,
} as const;
