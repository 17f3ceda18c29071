/**
 * `export --patient ID --out FILE [--format bundle|ndjson]`: writes a patient's record as FHIR R4,
 * the same resources as the records screen's export (src/node/fhir/), read from the records a
 * page at a time so a long record is never held whole. Written to FILE.partial first and renamed
 * when complete, so an interrupted export never leaves a file that looks whole.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { patientExportContext } from '../../fhir/export-settings';
import type { ExportContext } from '../../fhir/patient-bundle';
import { PatientBundleText } from '../../fhir/patient-bundle-text';
import { PatientEntries, type PatientEntriesStore } from '../../fhir/patient-entries';
import { openRecordsDatabase } from '../../records/database';
import { FileKeyProvider } from '../../records/key-provider';
import { RecordStore, type PatientRecord } from '../../records/store';
import { confSettingsStorage } from '../../settings/json-storage';
import { loadSettings } from '../../settings/settings';
import { auditedExportPatient } from './export-audit';
import { EXIT_OK, UsageError, parseVerbArgs, type Verb } from '../verb';
import { exists } from './record';

const FORMATS = ['bundle', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

/** Text gathered before each write: few system calls, little memory. */
const WRITE_CHARS = 256 * 1024;

export const exportVerb: Verb = {
  name: 'export',
  summary: "write a patient's record as a FHIR R4 Bundle or NDJSON",
  help: `Usage: npm run -s cli -- export --patient ID --out FILE [--format bundle|ndjson] [--data-dir DIR]

Writes the patient's record from the encrypted records of DIR as FHIR R4: the Patient, the
station's and each peripheral's Device, an Encounter per visit, the readings' Observations (blood
pressure as one panel) and NEWS2, with the same stable ids every time. The identifier system and
care setting come from the settings' records section.

  --patient ID     the patient's record id (as the records screen and audit log show it)
  --out FILE       the file to create; an existing file is never overwritten
  --format bundle  one collection Bundle as JSON (default)
  --format ndjson  one resource per line (FHIR bulk data style)

The keys are read from DIR/data.key and DIR/audit.key (web-mode and CLI stations); whoever can read
them can read the records, so the export is audited as "cli" (record.export) like any other, and
the file is created readable by its owner only.

Exit status: 0 written, 2 bad arguments, an existing output file or no such patient, 1 the records
cannot be opened or the file cannot be written (nothing is left behind).
`,
  async run(args, ctx) {
    const { values, positionals } = parseVerbArgs(args, { patient: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (!values.patient) throw new UsageError('--patient ID is required');
    if (!values.out) throw new UsageError('--out FILE is required');
    const format = values.format ?? 'bundle';
    if (!isFormat(format)) throw new UsageError(`--format must be ${FORMATS.join(' or ')}, not ${format}`);
    if (await exists(values.out)) throw new UsageError(`${values.out} already exists; choose a new file name`);

    const settings = loadSettings(confSettingsStorage(ctx.dataDir), (line) => ctx.stderr(`export: ${line}\n`));
    const db = await openRecordsDatabase({ dataDir: ctx.dataDir, keyProvider: new FileKeyProvider(ctx.dataDir) });
    try {
      const store = new RecordStore(db);
      const patientId = values.patient;
      const patient = await auditedExportPatient(db, ctx.dataDir, store, patientId, patientId);
      const source: ExportSource = { store, patient, context: patientExportContext(store, patientId, settings.records) };
      writeExport(values.out, exportParts(format, source, Date.now()), ctx.signal);
      ctx.stdout(`exported patient ${patientId} to ${values.out} (${format})\n`);
      return EXIT_OK;
    } finally {
      db.close();
    }
  },
};

interface ExportSource {
  store: PatientEntriesStore;
  patient: PatientRecord;
  context: ExportContext;
}

const isFormat = (text: string): text is Format => (FORMATS as readonly string[]).includes(text);

/** The export's text, a part at a time: the Bundle's JSON, or one resource a line. */
function* exportParts(format: Format, source: ExportSource, now: number): Generator<string> {
  if (format === 'bundle') {
    const text = new PatientBundleText(source.store, source.patient, now, source.context);
    while (!text.done) yield text.next(WRITE_CHARS);
    return;
  }
  const entries = new PatientEntries(source.store, source.patient, source.context);
  let lines = '';
  for (let entry = entries.next(); entry !== null; entry = entries.next()) {
    lines += `${JSON.stringify(entry.resource)}\n`;
    if (lines.length < WRITE_CHARS) continue;
    yield lines;
    lines = '';
  }
  yield lines;
}

/** Writes the parts to `out` by way of `out`.partial, renamed once complete and on disk. */
function writeExport(out: string, parts: Iterable<string>, signal: AbortSignal): void {
  const partial = `${out}.partial`;
  const fd = openSync(partial, 'wx', 0o600);
  let open = true;
  try {
    for (const part of parts) {
      if (signal.aborted) throw new Error('interrupted; nothing was written');
      writeSync(fd, part);
    }
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    renameSync(partial, out);
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
}
