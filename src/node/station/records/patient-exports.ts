/**
 * FHIR exports under way. Each is a cursor over the patient's record that writes the next part
 * when the screen asks for it (PatientBundleText), so nothing but the part in flight is held.
 * Only the session that started an export may read it, in order, one export per session; an
 * export nobody reads for a while is dropped, and so is every export of a patient being erased.
 */
import { randomUUID } from 'node:crypto';
import { EXPORT_CHUNK_CHARS, type ExportChunk } from '../../../shared/contract-records';
import type { PatientBundleText } from '../../fhir/patient-bundle-text';
import { RecordInputError } from '../../records/store';

/** An export nobody reads for this long is dropped. */
const EXPORT_IDLE_MS = 10 * 60_000;

/** What an export reads its parts from: a patient's bundle written as it goes, or a visit summary's file. */
export type ExportText = Pick<PatientBundleText, 'next' | 'done' | 'readingsDone'>;

interface OpenExport {
  owner: string;
  patientId: string;
  text: ExportText;
  /** The part answered last, kept to answer again when the screen missed it (a dropped connection). */
  last: ExportChunk;
  lastUsed: number;
}

export class PendingExports {
  readonly #exports = new Map<string, OpenExport>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly partChars = EXPORT_CHUNK_CHARS,
  ) {}

  /** Writes part 0 for `owner` (a session id) and keeps the export open unless that was all. */
  open(owner: string, patientId: string, text: ExportText): { exportId: string; first: ExportChunk } {
    this.#dropIdle();
    for (const [exportId, open] of this.#exports) if (open.owner === owner) this.#exports.delete(exportId);
    const exportId = randomUUID();
    const first = this.#part(text, 0);
    if (!first.done) this.#exports.set(exportId, { owner, patientId, text, last: first, lastUsed: this.now() });
    return { exportId, first };
  }

  /** Part `index` of the owner's export: the next one, or the last one again. The final part ends the export. */
  read(owner: string, exportId: string, index: number): ExportChunk {
    this.#dropIdle();
    const open = this.#exports.get(exportId);
    if (!open || open.owner !== owner) throw new RecordInputError('This export is no longer available: export the record again');
    open.lastUsed = this.now();
    if (index === open.last.index) return open.last;
    if (index !== open.last.index + 1) throw new RecordInputError(`The parts of an export are read in order: part ${open.last.index + 2} is next, not part ${index + 1}`);
    open.last = this.#part(open.text, index);
    if (open.last.done) this.#exports.delete(exportId);
    return open.last;
  }

  /** The patient is being erased: no export of their record goes on. */
  forgetPatient(patientId: string): void {
    for (const [exportId, open] of this.#exports) if (open.patientId === patientId) this.#exports.delete(exportId);
  }

  get size(): number {
    return this.#exports.size;
  }

  #part(text: ExportText, index: number): ExportChunk {
    const part = text.next(this.partChars);
    return { index, text: part, done: text.done, readingsDone: text.readingsDone };
  }

  #dropIdle(): void {
    const now = this.now();
    for (const [exportId, open] of this.#exports) if (now - open.lastUsed > EXPORT_IDLE_MS) this.#exports.delete(exportId);
  }
}
