/**
 * Child process of durability.test.ts: records readings into the records database in DIR as fast
 * as it can and prints "ack <n>" once reading n is committed, until it is killed.
 * Usage: durability-writer <dataDir> <firstReceivedAt>
 */
import { openRecordsDatabase } from './database';
import { FileKeyProvider } from './key-provider';
import { RecordStore } from './store';

const [dataDir, first] = process.argv.slice(2);
if (!dataDir || !first) throw new Error('usage: durability-writer <dataDir> <firstReceivedAt>');
const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
const store = new RecordStore(db);
const patientId = store.listPatientIds()[0] ?? store.createPatient({ givenName: 'Durable', familyName: 'Test', birthDate: null, gender: 'unknown', identifier: null }).id;
process.stdout.write('ready\n');
for (let n = Number(first); ; n++) {
  store.recordReading(patientId, null, { deviceId: 'durability', metric: 'spo2', value: 90 + (n % 10), unit: '%', deviceTime: null, receivedAt: n });
  // Writes to a pipe are synchronous on Linux: once this returns, the parent can read the ack.
  process.stdout.write(`ack ${n}\n`);
  // Let the event loop breathe so the kill can land between, inside or after commits.
  await new Promise((resolve) => setImmediate(resolve));
}
