/**
 * `hl7 --patient ID [--since TIME] [--alarms]`: prints the PCD-01 ORU^R01 messages (src/node/hl7/) a
 * patient's readings make, as the HL7 output would send them: batches of the settings'
 * `hl7Output.batchReadings`, the settings' identifier system; with --alarms, then the PCD-04
 * ORU^R40 reports of the patient's alarms (alarm-reports.ts). Every message passes its structural
 * check (pcd01-check.ts, pcd04-check.ts) before it is printed; one that fails stops the verb
 * (exit 1) with its problems. Read a page of readings at a time, so a long record is never held whole.
 */
import { stationId } from '../../audit/audit-log';
import { StationIds } from '../../fhir/stable-ids';
import type { Hl7Message } from '@medplum/core';
import { storedAlarmReports } from '../../hl7/alarm-reports';
import { checkPcd01 } from '../../hl7/pcd01-check';
import { pcd01Message } from '../../hl7/pcd01-message';
import { checkPcd04 } from '../../hl7/pcd04-check';
import { pcd04Message } from '../../hl7/pcd04-message';
import { openRecordsDatabase } from '../../records/database';
import { FileKeyProvider } from '../../records/key-provider';
import { RecordStore, type StoredReading } from '../../records/store';
import { confSettingsStorage } from '../../settings/json-storage';
import { loadSettings } from '../../settings/settings';
import { auditedExportPatient } from './export-audit';
import { EXIT_FAILURE, EXIT_OK, UsageError, parseVerbArgs, type Verb } from '../verb';

export const hl7Verb: Verb = {
  name: 'hl7',
  summary: "print the HL7 v2 PCD-01 messages of a patient's readings (and PCD-04 of their alarms)",
  help: `Usage: npm run -s cli -- hl7 --patient ID [--since TIME] [--alarms] [--data-dir DIR]

Prints the ORU^R01 messages (IHE PCD-01, HL7 v2.6) the HL7 output would send for the patient's
readings received at or after TIME (all of them without --since), in batches of the settings'
hl7Output.batchReadings readings, oldest first. One segment a line (HL7 separates segments with
CR; here they end with a newline), a blank line after each message. The control ids (MSH-10) are
PREVIEW-1, PREVIEW-2...: the output gives each batch its outbox number when it forms it.

  --patient ID   the patient's record id (as the records screen and audit log show it)
  --since TIME   an ISO 8601 date or date and time, e.g. 2026-12-07 or 2026-12-07T09:30:00Z
  --alarms       then also the ORU^R40 reports (IHE PCD-04) of the patient's alarms raised at
                 or after TIME: each one's start, its acknowledgement and its end, oldest first
                 (the output itself sends them only with hl7Output.alarms)

Every message is checked (segment order, required fields, MDC code and UCUM unit pairs, OBX-4;
for PCD-04 the five alert facets and their values) before it is printed. The messages hold the patient's name and identifiers: printing them is
audited as "cli" (record.export, object hl7:<patient id>).

Exit status: 0 printed, 2 bad arguments or no such patient, 1 the records cannot be opened or a
message fails the check (its problems on stderr).
`,
  async run(args, ctx) {
    const { values, positionals } = parseVerbArgs(args, { patient: { type: 'string' }, since: { type: 'string' }, alarms: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (!values.patient) throw new UsageError('--patient ID is required');
    const since = values.since === undefined ? 0 : Date.parse(values.since);
    if (Number.isNaN(since)) throw new UsageError(`--since must be an ISO 8601 date or time, not ${values.since}`);

    const settings = loadSettings(confSettingsStorage(ctx.dataDir), (line) => ctx.stderr(`hl7: ${line}\n`));
    const db = await openRecordsDatabase({ dataDir: ctx.dataDir, keyProvider: new FileKeyProvider(ctx.dataDir) });
    try {
      const store = new RecordStore(db);
      const patientId = values.patient;
      const patient = await auditedExportPatient(db, ctx.dataDir, store, patientId, `hl7:${patientId}`);
      const options = { ids: new StationIds(stationId(db)), patientIdentifierSystem: settings.records.patientIdentifierSystem };
      // (received_at, id) > (since, -1): every reading received at or after `since`.
      let after: Pick<StoredReading, 'receivedAt' | 'id'> = { receivedAt: since, id: -1 };
      let count = 0;
      /** Checks and prints one message; false when it fails its check (reported on stderr). */
      const print = (message: Hl7Message, check: (text: string) => string[], name: string): boolean => {
        const text = message.toString();
        const problems = check(text);
        if (problems.length > 0) {
          ctx.stderr(`hl7: message ${count + 1} fails the ${name} check:\n${problems.map((problem) => `  ${problem}\n`).join('')}`);
          return false;
        }
        ctx.stdout(`${text.split('\r').join('\n')}\n\n`);
        count++;
        return true;
      };
      for (;;) {
        if (ctx.signal.aborted) return EXIT_FAILURE;
        const readings = store.readingsPage(patientId, after, settings.hl7Output.batchReadings);
        if (readings.length === 0) break;
        after = readings.at(-1)!;
        const message = pcd01Message({ controlId: `PREVIEW-${count + 1}`, formedAt: after.receivedAt, patient, readings }, options);
        if (message !== null && !print(message, checkPcd01, 'PCD-01')) return EXIT_FAILURE;
      }
      for (const report of values.alarms ? storedAlarmReports(db, patient, since) : []) {
        if (ctx.signal.aborted) return EXIT_FAILURE;
        const message = pcd04Message({ controlId: `PREVIEW-${count + 1}`, formedAt: report.event.at, ...report }, options);
        if (message !== null && !print(message, checkPcd04, 'PCD-04')) return EXIT_FAILURE;
      }
      ctx.stderr(`hl7: ${count} message${count === 1 ? '' : 's'}\n`);
      return EXIT_OK;
    } finally {
      db.close();
    }
  },
};
