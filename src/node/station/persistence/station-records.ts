/**
 * The station's encrypted records as createStation uses them: opens the database in the data
 * folder with the injected key provider, prunes by the retention policy at start and daily, opens
 * the launch's encounter, and records what the hub emits until close() — which writes what is
 * queued, ends the encounter's visit and closes the database cleanly.
 */
import { AuditLog } from '../../audit/audit-log';
import { Authenticator } from '../../identity/authenticator';
import { UserDirectory } from '../../identity/users';
import { ClinicalRecords } from '../../records/clinical-records';
import { openRecordsDatabase, type RecordsDb } from '../../records/database';
import type { DataKeyProvider } from '../../records/key-provider';
import { DEFAULT_RETENTION, RecordStore, type RetentionPolicy } from '../../records/store';
import type { HubEvents } from '../../hub/hub';
import { CurrentEncounter } from './encounter';
import { StationRecorder, type StationRecorderOptions } from './station-recorder';

const DAY_MS = 86_400_000;
/** Who acts at the station's own screen until sign-in exists (contract-session's local screen actor). */
const STATION_SCREEN_ID = 'local-station-screen';

/** The parts of the hub the records listen to. */
export interface RecordedHub {
  on<E extends 'reading' | 'waveform'>(event: E, listener: (payload: HubEvents[E]) => void): () => void;
}

export interface StationRecordsOptions {
  dataDir: string;
  keyProvider: DataKeyProvider;
  log: (line: string) => void;
  retention?: RetentionPolicy;
  recorder?: Pick<StationRecorderOptions, 'flushIntervalMs' | 'flushAtPending' | 'segmentMs'>;
}

export interface StationRecords {
  readonly db: RecordsDb;
  readonly store: RecordStore;
  readonly audit: AuditLog;
  /** The guarded front door for signed-in use (sign-in screens come later). */
  readonly clinical: ClinicalRecords;
  readonly encounter: CurrentEncounter;
  readonly recorder: StationRecorder;
  /**
   * The video visit's consent, filed under the current encounter and audited (the hook for the
   * visit methods' onConsent). The station screen records it until sign-in names a person.
   */
  recordVisitConsent(consent: { consentId: string; statementVersion: string }): void;
  /** A still of the patient video taken during the visit, filed as an attachment of the encounter; returns its id. */
  keepVisitSnapshot(png: Uint8Array): string;
  /** Records every reading and waveform chunk the hub emits from now on; returns the detach. */
  attach(hub: RecordedHub): () => void;
  close(): void;
}

export async function openStationRecords(options: StationRecordsOptions): Promise<StationRecords> {
  const { log } = options;
  const db = await openRecordsDatabase({ dataDir: options.dataDir, keyProvider: options.keyProvider });
  try {
    const store = new RecordStore(db);
    const audit = new AuditLog(db);
    const clinical = new ClinicalRecords(store, new Authenticator(new UserDirectory(db), audit), audit);
    const retention = options.retention ?? DEFAULT_RETENTION;
    const prune = () => {
      try {
        const pruned = clinical.applyRetention(retention);
        log(`records: retention pruned ${pruned.readings} reading(s), ${pruned.waveformSegments} waveform segment(s), ${pruned.attachments} attachment(s)`);
      } catch (error) {
        log(`records: retention pruning failed, will try again tomorrow: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    prune();
    const daily = setInterval(prune, DAY_MS);
    daily.unref();

    const encounter = CurrentEncounter.start(store, audit);
    const recorder = new StationRecorder({ store, encounter, log, ...options.recorder });
    const detachments: (() => void)[] = [];
    let closed = false;
    return {
      db,
      store,
      audit,
      clinical,
      encounter,
      recorder,
      recordVisitConsent({ statementVersion }) {
        db.transaction(() => {
          const id = store.recordConsent(encounter.patientId, encounter.visitId, { scope: `video-visit/${statementVersion}`, granted: true }, STATION_SCREEN_ID);
          audit.append({ actor: STATION_SCREEN_ID, role: 'kiosk', action: 'consent.record', object: id });
        }).immediate();
      },
      keepVisitSnapshot(png) {
        return db
          .transaction(() => {
            const id = store.addAttachment(encounter.patientId, encounter.visitId, { kind: 'visit-snapshot', mediaType: 'image/png', content: Buffer.from(png) }, STATION_SCREEN_ID);
            audit.append({ actor: STATION_SCREEN_ID, role: 'kiosk', action: 'attachment.capture', object: id });
            return id;
          })
          .immediate();
      },
      attach(hub) {
        const detach = [hub.on('reading', (reading) => recorder.recordReading(reading)), hub.on('waveform', (batch) => recorder.recordWaveform(batch))];
        const detachAll = () => detach.forEach((off) => off());
        detachments.push(detachAll);
        return detachAll;
      },
      close() {
        if (closed) return;
        closed = true;
        clearInterval(daily);
        for (const detach of detachments.splice(0)) detach();
        recorder.close();
        try {
          encounter.end();
        } finally {
          db.close();
        }
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
