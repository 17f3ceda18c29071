/**
 * Child process of sync-kill.test.ts: pushes the outbox of the records database in DIR to the FHIR
 * server at BASE_URL until nothing is left to send, printing "pushed <answer>" after each push and
 * "done" at the end. The test kills it mid-batch.
 * Usage: sync-kill-child <dataDir> <baseUrl>
 */
import { setTimeout as delay } from 'node:timers/promises';
import { openRecordsDatabase } from '../records/database';
import { FileKeyProvider } from '../records/key-provider';
import { RecordStore } from '../records/store';
import { Outbox } from './outbox';
import { SyncPusher } from './push';
import { fetchTransactionClient } from './test-fetch-client';

const [dataDir, baseUrl] = process.argv.slice(2);
if (!dataDir || !baseUrl) throw new Error('usage: sync-kill-child <dataDir> <baseUrl>');
const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
const outbox = new Outbox(db);
const pusher = new SyncPusher(new RecordStore(db), outbox, fetchTransactionClient(baseUrl), {
  stationId: '0123456789abcdef0123456789abcdef',
  patientIdentifierSystem: null,
    careSetting: 'station',
  softwareVersion: '0.0.0-test',
  // Medplum refuses transactions with conditional creates of more than 8 entries.
  maxEntries: 8,
  volume: 'all-readings',
  // Short, so the next child soon claims again what a killed one left in flight.
  leaseMs: 500,
  now: Date.now,
  audit: () => undefined,
});
for (;;) {
  const report = await pusher.push();
  process.stdout.write(`pushed ${report.answer}\n`);
  if (report.answer !== null) continue;
  const due = outbox.nextDueAt();
  if (due === null) break;
  await delay(Math.max(0, due - Date.now()));
}
db.close();
process.stdout.write('done\n');
