/**
 * FHIR exports on their way to a screen. A bundle is turned into JSON text in chunks that end
 * between entries (so no chunk splits a character or a resource), and kept here until the screen
 * that asked for it has read every chunk: by the session that asked only, for a few minutes only,
 * one export per session, and never past the erasure of its patient.
 */
import { randomUUID } from 'node:crypto';
import { EXPORT_CHUNK_CHARS, MAX_EXPORT_CHUNKS } from '../../../shared/contract-records';
import { RecordInputError } from '../../records/store';

/** An export nobody reads for this long is dropped: it holds a patient's whole record in memory. */
const EXPORT_IDLE_MS = 10 * 60_000;

/**
 * The bundle's JSON text in chunks of about `targetChars`; joined, they are exactly the bundle's
 * JSON. A chunk ends after the entry that reaches the target, so it may run over by one entry.
 */
export function bundleChunks(bundle: Record<string, unknown>, targetChars = EXPORT_CHUNK_CHARS): string[] {
  const { entry, ...head } = bundle;
  if (!Array.isArray(entry)) throw new Error('a FHIR bundle without an entry list');
  const chunks: string[] = [];
  let current = `${JSON.stringify(head).slice(0, -1)}${Object.keys(head).length > 0 ? ',' : ''}"entry":[`;
  entry.forEach((item: unknown, index) => {
    current += (index > 0 ? ',' : '') + JSON.stringify(item);
    if (current.length >= targetChars) {
      chunks.push(current);
      current = '';
    }
  });
  chunks.push(`${current}]}`);
  if (chunks.length > MAX_EXPORT_CHUNKS) throw new RecordInputError('This record is too large to export in one file');
  return chunks;
}

interface PendingExport {
  owner: string;
  patientId: string;
  chunks: readonly string[];
  lastUsed: number;
}

export class PendingExports {
  readonly #exports = new Map<string, PendingExport>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Keeps the chunks after the first for `owner` (a session id); returns the export's id. */
  open(owner: string, patientId: string, chunks: readonly string[]): string {
    this.#dropIdle();
    for (const [exportId, pending] of this.#exports) if (pending.owner === owner) this.#exports.delete(exportId);
    const exportId = randomUUID();
    if (chunks.length > 1) this.#exports.set(exportId, { owner, patientId, chunks, lastUsed: this.now() });
    return exportId;
  }

  /** Chunk `index` of the owner's export; reading the last one ends the export. */
  read(owner: string, exportId: string, index: number): string {
    this.#dropIdle();
    const pending = this.#exports.get(exportId);
    if (!pending || pending.owner !== owner) throw new RecordInputError('This export is no longer available: export the record again');
    const chunk = pending.chunks[index];
    if (chunk === undefined) throw new RecordInputError(`This export has ${pending.chunks.length} parts; there is no part ${index + 1}`);
    pending.lastUsed = this.now();
    if (index === pending.chunks.length - 1) this.#exports.delete(exportId);
    return chunk;
  }

  /** The patient was erased: no copy of their record stays behind here. */
  forgetPatient(patientId: string): void {
    for (const [exportId, pending] of this.#exports) if (pending.patientId === patientId) this.#exports.delete(exportId);
  }

  get size(): number {
    return this.#exports.size;
  }

  #dropIdle(): void {
    const now = this.now();
    for (const [exportId, pending] of this.#exports) if (now - pending.lastUsed > EXPORT_IDLE_MS) this.#exports.delete(exportId);
  }
}
