/**
 * A piece of a PNG still of the patient video, as the clinician's page sends it on the data channel
 * and the station's screen hands it to the core (saveVisitSnapshot). Kept apart from
 * vitals-protocol.ts because contract.ts needs it and that module needs contract.ts.
 */
import { z } from 'zod';

/** Base64 characters of one chunk: well inside one data-channel or web-mode socket message. */
export const SNAPSHOT_CHUNK_CHARS = 48_000;
export const MAX_SNAPSHOT_CHUNKS = 256;
/** A still of the patient video: a 1920×1080 PNG of camera content is typically 2–4 MB. */
export const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;

/** One piece of a PNG still, base64; the same shape travels on to the station core (saveVisitSnapshot). */
export const SnapshotChunkSchema = z.object({
  snapshotId: z.string().min(1).max(64),
  /** Clinician clock when the still was taken. */
  takenAt: z.number().finite(),
  index: z.number().int().nonnegative().max(MAX_SNAPSHOT_CHUNKS - 1),
  count: z.number().int().positive().max(MAX_SNAPSHOT_CHUNKS),
  data: z.string().min(1).max(SNAPSHOT_CHUNK_CHARS),
});
export type SnapshotChunk = z.infer<typeof SnapshotChunkSchema>;
