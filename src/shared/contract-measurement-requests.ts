/**
 * The measurement requests part of the station contract (issue 14): the screen hosting a video
 * visit tells the core each request the remote clinician made and what became of it at the
 * station, so the records keep them for the visit summary. contract.ts spreads
 * measurementRequestMethods into stationMethods, so every transport validates them alike.
 */
import { z } from 'zod';

export const MEASUREMENT_REQUEST_EVENTS = ['requested', 'started', 'declined', 'failed'] as const;

export const measurementRequestMethods = {
  /**
   * `requested`: the clinician asked for a measurement on `deviceId` (relayed for them, as their
   * note and acknowledgements are); `started` / `declined` / `failed`: what the person at this
   * screen did with it, or why it could not be done (`reason`).
   */
  recordMeasurementRequest: {
    input: z
      .object({
        visitId: z.string().min(1).max(100),
        requestId: z.string().min(1).max(100),
        deviceId: z.string().min(1).max(200),
        event: z.enum(MEASUREMENT_REQUEST_EVENTS),
        reason: z.string().max(500).optional(),
      })
      .strict(),
    output: z.undefined(),
  },
} as const;
