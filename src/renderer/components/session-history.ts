/**
 * The session history a screen shows: the current encounter's readings as the records hold them
 * (asked page by page, so it survives a sign-in, an unlock or a reload) together with the live
 * readings that arrived since, which the records take up to a second to receive.
 */
import type { StationReading } from '../../shared/contract';
import type { Metric } from '../../shared/vitals';
import { measuredAtOf, type ReadingEntry } from '../station/station-model';

/** One reading however it reached the screen: live from the hub or read back from the records. */
export const readingKey = (reading: StationReading): string => `${reading.deviceId}|${reading.metric}|${Math.round(reading.receivedAt)}|${reading.value}|${reading.unit}`;

/** Recorded and live readings of one metric, each once, oldest first. */
export function mergeHistory(recorded: readonly StationReading[], live: readonly ReadingEntry[], metric: Metric): ReadingEntry[] {
  const byKey = new Map<string, ReadingEntry>();
  for (const reading of recorded) {
    if (reading.metric === metric) byKey.set(readingKey(reading), { reading, measuredAt: measuredAtOf(reading), continuous: false });
  }
  for (const entry of live) if (!byKey.has(readingKey(entry.reading))) byKey.set(readingKey(entry.reading), entry);
  return [...byKey.values()].sort((a, b) => a.measuredAt - b.measuredAt);
}
