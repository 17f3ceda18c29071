/**
 * The patient whose record a verb is about to let leave the station (a file, the terminal), read
 * with its audit entry in one transaction: actor `cli`, action `record.export`, the verb's object.
 */
import { openAuditLog } from '../../audit/audit-log';
import type { RecordsDb } from '../../records/database';
import { FileKeyProvider } from '../../records/key-provider';
import type { PatientRecord, RecordStore } from '../../records/store';
import { UsageError } from '../verb';

export async function auditedExportPatient(db: RecordsDb, dataDir: string, store: RecordStore, patientId: string, object: string): Promise<PatientRecord> {
  const audit = await openAuditLog(db, { dataDir, keyProvider: new FileKeyProvider(dataDir).auditKeyProvider() });
  const patient = db.transaction(() => {
    const found = store.getPatient(patientId);
    if (found) audit.append({ actor: 'cli', role: 'system', action: 'record.export', object });
    return found;
    // Immediate: the station may be appending to the same chain from its own process.
  }).immediate();
  if (!patient) throw new UsageError(`no patient has the id ${patientId}`);
  audit.checkpoint();
  return patient;
}
