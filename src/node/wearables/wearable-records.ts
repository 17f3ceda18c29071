/**
 * Files a watch's readings in the records, each at most once: readings at or before the watch's
 * watermark (the newest time imported from it before) are not looked at again, and a reading's key
 * is unique within its watch (migration 18, wearable_readings_once), so even a reading the
 * watermark lets through twice is refused. One transaction: an import is filed whole or not at all.
 *
 * Wearable readings have no visit (they were taken at home, before it) and go into the records
 * only, never through the live pipeline: they cannot raise an alarm or feed NEWS2.
 */
import { toCanonicalUnit } from '../../shared/clinical/units';
import type { RecordStore, StoredReading } from '../records/store';
import type { WearableReading } from './fit-readings';
import { watchDeviceId, type WatchIdentity } from './watch-identity';

export interface WearableImportResult {
  imported: number;
  /** Already in the records (at or before the watermark, or the same key). */
  alreadyImported: number;
  /** Outside the physically possible range: a decoding fault, never a reading. */
  refused: number;
  /** The watch's watermark after the import (ms since epoch), null when nothing was ever imported. */
  importedUntil: number | null;
}

export function watchWatermark(store: RecordStore, watch: WatchIdentity): number | null {
  const row = store.db.prepare('SELECT imported_until FROM wearable_watches WHERE id = ?').get(watchDeviceId(watch)) as { imported_until: number | null } | undefined;
  return row?.imported_until ?? null;
}

export function fileWearableReadings(store: RecordStore, patientId: string, watch: WatchIdentity, readings: readonly WearableReading[], now: number): WearableImportResult {
  const watchId = watchDeviceId(watch);
  const db = store.db;
  return db.transaction(() => {
    db.prepare(
      `INSERT INTO wearable_watches (id, manufacturer, model, serial_number, last_import_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET last_import_at = excluded.last_import_at`,
    ).run(watchId, watch.manufacturer, watch.model, watch.serialNumber, now);
    const before = watchWatermark(store, watch);
    const known = db.prepare('SELECT 1 FROM wearable_readings WHERE watch_id = ? AND reading_key = ?').pluck();
    const remember = db.prepare('INSERT INTO wearable_readings (reading_id, watch_id, reading_key) VALUES (?, ?, ?)');
    const result: WearableImportResult = { imported: 0, alreadyImported: 0, refused: 0, importedUntil: before };
    for (const reading of readings) {
      if ((before !== null && reading.at <= before) || known.get(watchId, reading.key) !== undefined) {
        result.alreadyImported += 1;
        continue;
      }
      if (!toCanonicalUnit(reading.metric, reading.value, reading.unit).ok) {
        result.refused += 1;
        continue;
      }
      const stored: StoredReading = store.recordReading(patientId, null, {
        deviceId: watchId,
        metric: reading.metric,
        value: reading.value,
        unit: reading.unit,
        deviceTime: reading.deviceTime,
        receivedAt: now,
        source: 'wearable',
      });
      remember.run(stored.id, watchId, reading.key);
      result.imported += 1;
      result.importedUntil = Math.max(result.importedUntil ?? reading.at, reading.at);
    }
    db.prepare('UPDATE wearable_watches SET imported_until = ? WHERE id = ?').run(result.importedUntil, watchId);
    return result;
  })();
}
