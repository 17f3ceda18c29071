/**
 * The recorder's writer thread (started by ./recorder-thread.ts): its own connection to the
 * records database, so the fsync of each batch happens here and not on the station's event loop.
 * WAL lets this connection and the main one share the file; their 5 s busy timeout
 * (openRecordsDatabase) makes each wait for the other's short transactions instead of failing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openRecordsDatabase } from '../../records/database';
import { RecordStore } from '../../records/store';
import { writeBatch } from './recorder-batch';
import type { FromRecorderWorker, RecorderWorkerData, ToRecorderWorker } from './recorder-thread';

const port = parentPort;
if (!port) throw new Error('recorder-worker runs only as a worker thread');
const { dataDir, key } = workerData as RecorderWorkerData;
// Batches posted while the database opens wait in the port until the listener below exists.
const db = await openRecordsDatabase({ dataDir, keyProvider: { getDataKey: async () => Buffer.from(key) } });
const store = new RecordStore(db);
const reply = (message: FromRecorderWorker) => port.postMessage(message);

port.on('message', (message: ToRecorderWorker) => {
  if (message.type === 'write') {
    reply({ type: 'outcome', outcome: writeBatch(store, message.writes) });
    return;
  }
  db.close();
  reply({ type: 'closed' });
  port.close();
});
