/**
 * Wearables in the contract (issue 16): a watch plugged in waits for the person's answer, nothing
 * of it read before they agree; the import files its readings in the records; the history screen
 * lists them with their age. contract.ts spreads these in; method-access.ts says who may call them.
 */
import { z } from 'zod';
import { METRICS, UCUM_UNITS } from './vitals';

const count = z.number().int().nonnegative();

export const WearableStateSchema = z.object({
  /** A watch plugged in, waiting for the person's yes or no; null when none waits. */
  watch: z.object({ model: z.string().max(100).nullable(), serialNumber: z.string().max(20) }).nullable(),
  /** What the last import of this session filed (for the screen's confirmation). */
  lastImport: z.object({ serialNumber: z.string().max(20), imported: count, alreadyImported: count, refused: count }).nullable(),
  /** Why the last import filed nothing (a damaged file, named), or why a watch could not be identified. */
  problem: z.string().max(500).nullable(),
});
export type WearableState = z.infer<typeof WearableStateSchema>;

export const MAX_WEARABLE_READINGS = 500;

export const WearableReadingSchema = z.object({
  id: count,
  metric: z.enum(METRICS),
  value: z.number().finite(),
  unit: z.enum(UCUM_UNITS),
  /** The watch's time with its UTC offset. */
  deviceTime: z.string().max(40),
  /** The same instant, ms since epoch, for the age shown. */
  takenAt: z.number(),
  model: z.string().max(100).nullable(),
});
export type WearableReading = z.infer<typeof WearableReadingSchema>;

const SerialSchema = z.strictObject({ serialNumber: z.string().min(1).max(20) });

export const wearableMethods = {
  getWearableState: { input: z.undefined(), output: WearableStateSchema },
  /** The person agreed: import the waiting watch into the current patient's records; audited. */
  importWearable: { input: SerialSchema, output: WearableStateSchema },
  /** The person said no: nothing is read; the prompt goes until the watch is plugged in again. Audited. */
  declineWearable: { input: SerialSchema, output: WearableStateSchema },
  /** The current patient's wearable readings, newest first (at most MAX_WEARABLE_READINGS). */
  getWearableReadings: { input: z.undefined(), output: z.object({ readings: z.array(WearableReadingSchema).max(MAX_WEARABLE_READINGS) }) },
} as const;

export const wearableEvents = {
  wearable: WearableStateSchema,
} as const;
