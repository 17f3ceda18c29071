/**
 * The HL7 v2 (PCD-01) output's part of the station contract: the administrators' one status line
 * on the Records screen (engine, waiting, refused batches with the engine's reason) and its Retry.
 * contract-sync.ts spreads hl7Methods into syncMethods; method-access.ts lets those who manage the
 * FHIR sync call them. Counts, batch numbers and the engine's acknowledgment text only.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();

export const ParkedHl7BatchSchema = z.object({
  /** The batch's outbox number: its messages' control id (MSH-10). */
  seq: count,
  /** Which readings: "readings <first>-<last>" of the output's queue. */
  recordId: z.string().max(100),
  attempts: count,
  parkedAt: z.number(),
  /** The engine's answer: the ACK code, MSA-3 and the ERR segments' text (or the station's own reason). */
  reason: z.string().max(2000),
});
export type ParkedHl7Batch = z.infer<typeof ParkedHl7BatchSchema>;

export const MAX_PARKED_HL7_LISTED = 20;

export const Hl7StatusSchema = z.discriminatedUnion('state', [
  /** No engine in the settings (`hl7Output.host`). */
  z.object({ state: z.literal('not-configured') }),
  /** An engine is set but the output could not start (a CA file unreadable); `problem` says why. */
  z.object({ state: z.literal('not-running'), engine: z.string().max(300), problem: z.string().max(1000) }),
  z.object({
    state: z.literal('running'),
    /** host:port */
    engine: z.string().max(300),
    lastSentAt: z.number().nullable(),
    /** Batches waiting or in flight. */
    waiting: count,
    parked: count,
    parkedBatches: z.array(ParkedHl7BatchSchema).max(MAX_PARKED_HL7_LISTED),
    /** The last delivery problem (the engine unreachable, no ACK in time); null while all is well. */
    problem: z.string().max(1000).nullable(),
  }),
]);
export type Hl7Status = z.infer<typeof Hl7StatusSchema>;

export const hl7Methods = {
  /** The HL7 output's status line. */
  getHl7Status: { input: z.undefined(), output: Hl7StatusSchema },
  /** "Retry": every refused batch is sent again, the same message; answers how many. Audited (`sync.manage`, `hl7-retry:<n>`). */
  retryParkedHl7: { input: z.undefined(), output: z.object({ requeued: count }) },
} as const;
