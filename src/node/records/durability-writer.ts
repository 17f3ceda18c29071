/**
 * Child process of durability.test.ts: records readings into the records database in DIR through
 * the station recorder, whose worker thread writes them, as fast as it can, and prints "ack <n>"
 * once the recorder reports reading n committed (flush resolved), until it is killed.
 * Usage: durability-writer <dataDir> <firstReceivedAt>
 */
import { stationReading } from '../../shared/contract';
import { RecorderThread } from '../station/persistence/recorder-thread';
import { StationRecorder } from '../station/persistence/station-recorder';
import { openRecordsDatabase } from './database';
import { FileKeyProvider } from './key-provider';
import { RememberedKey } from './remembered-key';
import { RecordStore } from './store';

const [dataDir, first] = process.argv.slice(2);
if (!dataDir || !first) throw new Error('usage: durability-writer <dataDir> <firstReceivedAt>');
const key = new RememberedKey(new FileKeyProvider(dataDir));
const db = await openRecordsDatabase({ dataDir, keyProvider: key });
const store = new RecordStore(db);
const patientId = store.listPatientIds()[0] ?? store.createPatient({ givenName: 'Durable', familyName: 'Test', birthDate: null, gender: 'unknown', identifier: null }).id;
const encounter = { patientId, visitId: store.startVisit(patientId, 'durability').id };
const log = (line: string) => process.stderr.write(`${line}\n`);
// Only flush() writes here, so every batch is one the loop below waits for.
const recorder = new StationRecorder({ writer: new RecorderThread({ dataDir, key: key.key, log }), encounter, log, flushIntervalMs: 3_600_000 });
process.stdout.write('ready\n');
for (let n = Number(first); ; ) {
  // One to four readings a batch, so kills land before, inside and after the worker's commits.
  const batch: number[] = [];
  for (const end = n + 1 + (n % 4); n < end; n++) {
    recorder.recordReading(stationReading({ source: 'pulse-oximeter', deviceId: 'durability', metric: 'spo2', value: 90 + (n % 10), unit: '%', deviceTime: null, receivedAt: n, seq: n }));
    batch.push(n);
  }
  await recorder.flush();
  // Writes to a pipe are synchronous on Linux: once this returns, the parent can read the ack.
  for (const acked of batch) process.stdout.write(`ack ${acked}\n`);
}
