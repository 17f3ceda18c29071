/**
 * The station's sync thread (started by ./sync-thread.ts): its own connection to the records
 * database, so building each Bundle, parsing the server's answer and settling the outbox happen
 * here and not on the station's event loop. Pushes until told to stop, reporting each push.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openRecordsDatabase } from '../records/database';
import type { DataKeyProvider, StationKeyProvider } from '../records/key-provider';
import { openSync } from './open-sync';
import { pushUntilStopped, SyncWakeUp } from './sync-loop';
import type { FromSyncWorker, SyncWorkerData, ToSyncWorker } from './sync-thread';

const port = parentPort;
if (!port) throw new Error('sync-worker runs only as a worker thread');
const data = workerData as SyncWorkerData;
const reply = (message: FromSyncWorker) => port.postMessage(message);
const stop = new AbortController();
const wakeUp = new SyncWakeUp();
port.on('message', (message: ToSyncWorker) => {
  if (message.type === 'stop') stop.abort();
  if (message.type === 'wake') wakeUp.wake();
});

const fixed = (key: Uint8Array): DataKeyProvider => ({ getDataKey: async () => Buffer.from(key) });
const keyProvider: StationKeyProvider = { ...fixed(data.keys.data), auditKeyProvider: () => fixed(data.keys.audit), syncKeyProvider: () => fixed(data.keys.sync) };
const db = await openRecordsDatabase({ dataDir: data.dataDir, keyProvider });
try {
  const sync = await openSync({ db, dataDir: data.dataDir, keyProvider, env: data.env, fhirServer: data.fhirServer, patientIdentifierSystem: data.patientIdentifierSystem, careSetting: data.careSetting, locale: data.locale, actor: 'station' });
  if (sync) {
    try {
      await pushUntilStopped({ ...sync, signal: stop.signal, now: Date.now, idlePollMs: data.idlePollMs, wakeUp, onReport: (report) => reply({ type: 'report', report }) });
    } finally {
      sync.audit.checkpoint();
    }
  }
} catch (error) {
  reply({ type: 'failed', reason: error instanceof Error ? error.message : String(error) });
} finally {
  db.close();
  // The thread ends here; the station learns it from the worker's exit.
  port.close();
}
