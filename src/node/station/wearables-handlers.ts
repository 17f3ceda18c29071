/**
 * The station's side of a watch plugged in (issue 16): the detector's watch waits for the person's
 * answer (every screen hears `wearable`); "import" reads the watch and files its readings in the
 * current patient's records; "no" reads nothing. Both are audited: the answer as consent.record
 * (object wearable-import:<serial> or wearable-import-declined:<serial>), the import as
 * reading.record with the patient's id. Only the waiting watch can be imported, so no screen can
 * make the station read a folder of its choosing.
 */
import { MAX_WEARABLE_READINGS, type WearableReading, type WearableState } from '../../shared/contract-wearables';
import type { AuditLog } from '../audit/audit-log';
import type { RecordStore } from '../records/store';
import type { ConnectedWatch, WatchDetector } from '../wearables/watch-detector';
import { importWatch, WatchImportError } from '../wearables/watch-import';
import { watchOfDeviceId } from '../wearables/watch-identity';
import type { StationHandlers } from './contract-session';

export interface WearableHandlersOptions {
  detector: Pick<WatchDetector, 'on' | 'connected'>;
  store: RecordStore;
  audit: Pick<AuditLog, 'append'>;
  currentPatientId: () => string;
  announce(state: WearableState): void;
  now?: () => number;
}

/** A week of daily values per metric. */
const WEARABLE_READINGS_PER_METRIC = 7;

type WearableHandlerName = 'getWearableState' | 'importWearable' | 'declineWearable' | 'getWearableReadings';

export function createWearableHandlers(options: WearableHandlersOptions): Pick<StationHandlers, WearableHandlerName> {
  const now = options.now ?? Date.now;
  /** Drives whose watch got an answer: not asked again until it is unplugged. */
  const answered = new Set<string>();
  let lastImport: WearableState['lastImport'] = null;
  let problem: string | null = null;

  const waiting = (): ConnectedWatch | null => options.detector.connected().find((watch) => !answered.has(watch.drive)) ?? null;
  const state = (): WearableState => {
    const watch = waiting();
    return { watch: watch && { model: watch.identity.model, serialNumber: watch.identity.serialNumber }, lastImport, problem };
  };
  const announce = () => options.announce(state());
  options.detector.on('connected', announce);
  options.detector.on('disconnected', (watch) => {
    answered.delete(watch.drive);
    announce();
  });
  options.detector.on('problem', ({ message }) => {
    problem = `A Garmin drive was connected but could not be identified: ${message}`;
    announce();
  });

  const waitingWith = (serialNumber: string): ConnectedWatch => {
    const watch = waiting();
    if (!watch || watch.identity.serialNumber !== serialNumber) throw new Error('no watch with that serial number is waiting to be imported');
    return watch;
  };

  return {
    getWearableState: () => state(),
    importWearable: async ({ serialNumber }, { actor }) => {
      const watch = waitingWith(serialNumber);
      const patientId = options.currentPatientId();
      answered.add(watch.drive);
      options.audit.append({ actor: actor.id, role: actor.role, action: 'consent.record', object: `wearable-import:${serialNumber}` });
      try {
        const result = await importWatch(watch.garmin, options.store, patientId, now());
        options.audit.append({ actor: actor.id, role: actor.role, action: 'reading.record', object: patientId });
        lastImport = { serialNumber, imported: result.imported, alreadyImported: result.alreadyImported, refused: result.refused };
        problem = null;
      } catch (error) {
        if (!(error instanceof WatchImportError)) throw error;
        lastImport = null;
        problem = error.message;
      }
      announce();
      return state();
    },
    declineWearable: ({ serialNumber }, { actor }) => {
      const watch = waitingWith(serialNumber);
      answered.add(watch.drive);
      options.audit.append({ actor: actor.id, role: actor.role, action: 'consent.record', object: `wearable-import-declined:${serialNumber}` });
      announce();
      return state();
    },
    getWearableReadings: () => {
      // The newest few of each metric: a day of heart rate every minute must not hide last week's sleep.
      const rows = options.store.db
        .prepare(
          `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY metric ORDER BY device_time DESC, id DESC) AS n FROM readings WHERE patient_id = ? AND source = 'wearable')
           WHERE n <= ? ORDER BY metric, device_time DESC, id DESC LIMIT ?`,
        )
        .all(options.currentPatientId(), WEARABLE_READINGS_PER_METRIC, MAX_WEARABLE_READINGS) as Record<string, unknown>[];
      return {
        readings: rows.map(
          (row): WearableReading => ({
            id: row.id as number,
            metric: row.metric as WearableReading['metric'],
            value: row.value as number,
            unit: row.unit as WearableReading['unit'],
            deviceTime: row.device_time as string,
            takenAt: Date.parse(row.device_time as string),
            model: watchOfDeviceId(row.device_id as string)?.model ?? null,
          }),
        ),
      };
    },
  };
}
