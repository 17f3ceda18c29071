/**
 * The station's encrypted records as createStation uses them: opens the database in the data
 * folder with the injected key provider, prunes by the retention policy at start and daily, opens
 * the launch's encounter (or resumes the previous launch's), and records what the hub emits until
 * close() — which writes what is queued, ends the encounter's visit and closes the database cleanly.
 */
import { openAuditLog, type AuditLog } from '../../audit/audit-log';
import { Authenticator, type AuthenticatorOptions } from '../../identity/authenticator';
import { UserDirectory } from '../../identity/users';
import type { Actor } from '../../../shared/clinical/actor';
import type { FhirSettings } from '../../fhir/export-settings';
import { ClinicalRecords } from '../../records/clinical-records';
import { openRecordsDatabase, type RecordsDb } from '../../records/database';
import type { StationKeyProvider } from '../../records/key-provider';
import { RememberedKey } from '../../records/remembered-key';
import { DEFAULT_RETENTION, RecordStore, VIDEO_VISIT_CONSENT_SCOPE, type RetentionPolicy } from '../../records/store';
import { logError } from '../../../shared/log-text';
import type { HubEvents } from '../../hub/hub';
import { CurrentEncounter } from './encounter';
import { RecorderThread } from './recorder-thread';
import { StationRecorder, type StationRecorderOptions } from './station-recorder';

const DAY_MS = 86_400_000;
/** How often the audit head is signed into the anchor file (and at close): a tail cut off later than that is detected. */
const AUDIT_CHECKPOINT_MS = 60_000;

/** The parts of the hub the records listen to. */
export interface RecordedHub {
  on<E extends 'reading' | 'waveform'>(event: E, listener: (payload: HubEvents[E]) => void): () => void;
}

export interface StationRecordsOptions {
  dataDir: string;
  keyProvider: StationKeyProvider;
  log: (line: string) => void;
  retention?: RetentionPolicy;
  /** What the FHIR records say beyond the data (settings `records`). */
  fhir?: FhirSettings;
  /** How long an unused session stays unlocked (settings). */
  inactivityLockMs?: number;
  recorder?: Pick<StationRecorderOptions, 'flushIntervalMs' | 'flushAtPending' | 'segmentMs'>;
  /** Carry on with the previous launch's patient and visit (a staff-mode station), instead of a new anonymous patient (a kiosk). */
  resumeEncounter?: boolean;
}

export interface StationRecords {
  readonly db: RecordsDb;
  readonly store: RecordStore;
  readonly audit: AuditLog;
  readonly users: UserDirectory;
  /** Sign-in and sessions, shared by the screens (StationAccess) and the guarded records. */
  readonly authenticator: Authenticator;
  /** The guarded front door for signed-in use. */
  readonly clinical: ClinicalRecords;
  readonly encounter: CurrentEncounter;
  readonly recorder: StationRecorder;
  /** The video visit's consent, filed under the current encounter and audited under the person who recorded it. */
  recordVisitConsent(consent: { consentId: string; statementVersion: string }, recordedBy: Actor): void;
  /** A still of the patient video taken during the visit, filed as an attachment of the encounter; returns its id. */
  keepVisitSnapshot(png: Uint8Array, relayedBy: Actor): string;
  /** Records every reading and waveform chunk the hub emits from now on; returns the detach. */
  attach(hub: RecordedHub): () => void;
  /** Waits for the recorder's last batch to be committed, then ends the visit and closes the database. */
  close(): Promise<void>;
}

export async function openStationRecords(options: StationRecordsOptions): Promise<StationRecords> {
  const { log } = options;
  // Remembered for the recorder's worker thread, which opens its own connection.
  const key = new RememberedKey(options.keyProvider);
  const db = await openRecordsDatabase({ dataDir: options.dataDir, keyProvider: key });
  try {
    const store = new RecordStore(db);
    // This launch's alarm engine starts empty: what the last one left open has ended.
    store.endOpenAlarms(Date.now());
    const audit = await openAuditLog(db, { dataDir: options.dataDir, keyProvider: options.keyProvider.auditKeyProvider() });
    const users = new UserDirectory(db);
    const authenticatorOptions: AuthenticatorOptions = options.inactivityLockMs === undefined ? {} : { inactivityLockMs: options.inactivityLockMs };
    const authenticator = new Authenticator(users, audit, authenticatorOptions);
    const clinical = new ClinicalRecords(store, authenticator, audit, Date.now, options.fhir);
    const retention = options.retention ?? DEFAULT_RETENTION;
    const prune = () => {
      try {
        const pruned = clinical.applyRetention(retention);
        log(`records: retention pruned ${pruned.readings} reading(s), ${pruned.news2Records} NEWS2 record(s), ${pruned.waveformSegments} waveform segment(s), ${pruned.attachments} attachment(s)`);
      } catch (error) {
        log(`records: retention pruning failed, will try again tomorrow: ${logError(error)}`);
      }
    };
    prune();
    const daily = setInterval(prune, DAY_MS);
    daily.unref();
    const checkpoint = () => {
      try {
        audit.checkpoint();
      } catch (error) {
        log(`records: the audit checkpoint could not be written, will try again: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const checkpoints = setInterval(checkpoint, AUDIT_CHECKPOINT_MS);
    checkpoints.unref();

    const encounter = CurrentEncounter.start(store, audit, { resume: options.resumeEncounter ?? false });
    const recorder = new StationRecorder({ writer: new RecorderThread({ dataDir: options.dataDir, key: key.key, log }), encounter, log, ...options.recorder });
    const detachments: (() => void)[] = [];
    let closing: Promise<void> | undefined;
    return {
      db,
      store,
      audit,
      users,
      authenticator,
      clinical,
      encounter,
      recorder,
      recordVisitConsent({ statementVersion }, recordedBy) {
        db.transaction(() => {
          const id = store.recordConsent(encounter.patientId, encounter.visitId, { scope: `${VIDEO_VISIT_CONSENT_SCOPE}/${statementVersion}`, granted: true }, recordedBy.id);
          audit.append({ actor: recordedBy.id, role: recordedBy.role, action: 'consent.record', object: id });
        }).immediate();
      },
      keepVisitSnapshot(png, relayedBy) {
        return db
          .transaction(() => {
            const id = store.addAttachment(encounter.patientId, encounter.visitId, { kind: 'visit-snapshot', mediaType: 'image/png', content: Buffer.from(png) }, relayedBy.id);
            audit.append({ actor: relayedBy.id, role: relayedBy.role, action: 'attachment.capture', object: id });
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
        closing ??= (async () => {
          clearInterval(daily);
          authenticator.close();
          clearInterval(checkpoints);
          for (const detach of detachments.splice(0)) detach();
          try {
            await recorder.close();
            encounter.end();
          } finally {
            checkpoint();
            db.close();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
