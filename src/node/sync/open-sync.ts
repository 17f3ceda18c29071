/**
 * The sync's parts over an open records database, as the settings describe them: the FhirClient
 * (./fhir-connection.ts), the outbox, the audit log and the SyncPusher. Shared by the `sync` verb
 * and the station's sync thread (./sync-worker.ts); null when no FHIR server is set.
 */
import { openAuditLog, stationId, type AuditLog } from '../audit/audit-log';
import { STATION_SOFTWARE_VERSION, type FhirSettings } from '../fhir/export-settings';
import type { RecordsDb } from '../records/database';
import type { StationKeyProvider } from '../records/key-provider';
import { RecordStore } from '../records/store';
import type { StationSettings } from '../settings/schema';
import { openFhirConnection } from './fhir-connection';
import { Outbox } from './outbox';
import { SyncPusher } from './push';

export interface SyncSettings {
  fhirServer: StationSettings['fhirServer'];
  patientIdentifierSystem: string | null;
  careSetting: FhirSettings['careSetting'];
  /** `display.locale`: the dates of a visit summary's PDF follow it (null: the runtime's). */
  locale: string | null;
}

export interface OpenSyncOptions extends SyncSettings {
  db: RecordsDb;
  dataDir: string;
  keyProvider: StationKeyProvider;
  env: NodeJS.ProcessEnv;
  /** Who the audit log says pushed: 'cli' or 'station'. */
  actor: string;
}

export interface OpenSync {
  pusher: SyncPusher;
  outbox: Outbox;
  audit: AuditLog;
}

export async function openSync(options: OpenSyncOptions): Promise<OpenSync | null> {
  const { db, dataDir, keyProvider, fhirServer } = options;
  const client = await openFhirConnection({ settings: fhirServer, dataDir, keyProvider, env: options.env });
  if (client === null) return null;
  const audit = await openAuditLog(db, { dataDir, keyProvider: keyProvider.auditKeyProvider() });
  const outbox = new Outbox(db);
  const pusher = new SyncPusher(new RecordStore(db), outbox, client, {
    stationId: stationId(db),
    patientIdentifierSystem: options.patientIdentifierSystem,
    careSetting: options.careSetting,
    softwareVersion: STATION_SOFTWARE_VERSION,
    locale: options.locale ?? undefined,
    maxEntries: fhirServer.maxEntries,
    volume: fhirServer.volume,
    // Longer than a request may take, so a live claim is never taken over.
    leaseMs: 2 * fhirServer.requestTimeoutSeconds * 1_000,
    now: Date.now,
    audit: (object) => audit.append({ actor: options.actor, role: 'system', action: 'sync.push', object }),
  });
  return { pusher, outbox, audit };
}
