/**
 * The live-vitals part of the station contract: a still of the patient video that the clinician
 * took during a visit, handed to the station core chunk by chunk (the same chunks as on the data
 * channel, each within the web-mode socket's message limit). contract.ts spreads
 * consultVitalsMethods into stationMethods, so every transport validates them alike.
 */
import { z } from 'zod';
import { SnapshotChunkSchema } from './consult/snapshot-chunk';

export const SavedSnapshotSchema = z.discriminatedUnion('complete', [
  z.object({ complete: z.literal(false), received: z.number().int().nonnegative(), count: z.number().int().positive() }),
  z.object({
    complete: z.literal(true),
    /** The attachment the station filed it as, in its encrypted records. */
    attachmentId: z.string().max(100),
    bytes: z.number().int().positive(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }),
]);
export type SavedSnapshot = z.infer<typeof SavedSnapshotSchema>;

export const consultVitalsMethods = {
  /** A chunk as the clinician sent it, with the visit it was taken in (the screen's own visit, admitted). */
  saveVisitSnapshot: { input: SnapshotChunkSchema.extend({ visitId: z.string().min(1).max(100) }).strict(), output: SavedSnapshotSchema },
} as const;
