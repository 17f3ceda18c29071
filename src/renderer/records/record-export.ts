/**
 * Fetches a patient's FHIR export from the station part after part (the core writes a large
 * bundle in parts as they are asked for, see EXPORT_CHUNK_CHARS), and hands it over as one file
 * to save. The parts go into the Blob as they are, so the page never holds the bundle twice as
 * one string.
 */
import type { StationApi } from '../../shared/contract';
import type { ExportChunk } from '../../shared/contract-records';
import type { SummaryFormat } from '../../shared/contract-summary';

export interface ExportProgress {
  /** Readings written so far, of `total` when the export began (readings still arriving may add a few). */
  readingsDone: number;
  total: number;
}

export interface ExportedRecord {
  fileName: string;
  file: Blob;
}

/** The parts of an export the station started, read in order from its first. */
async function readParts(api: Pick<StationApi, 'invoke'>, started: { exportId: string; readingCount: number; first: ExportChunk }, onProgress: (progress: ExportProgress) => void): Promise<string[]> {
  const parts = [started.first.text];
  let part = started.first;
  onProgress({ readingsDone: part.readingsDone, total: started.readingCount });
  while (!part.done) {
    const index: number = part.index + 1;
    part = await api.invoke('readPatientExportChunk', { exportId: started.exportId, index });
    if (part.index !== index) throw new Error(`the station sent part ${part.index + 1} instead of part ${index + 1}`);
    parts.push(part.text);
    onProgress({ readingsDone: part.readingsDone, total: started.readingCount });
  }
  return parts;
}

export async function fetchPatientRecord(api: Pick<StationApi, 'invoke'>, patientId: string, onProgress: (progress: ExportProgress) => void): Promise<ExportedRecord> {
  const started = await api.invoke('exportPatientRecord', { patientId });
  const parts = await readParts(api, started, onProgress);
  return { fileName: started.fileName, file: new Blob(parts, { type: started.mediaType }) };
}

/** A visit's summary as the PDF (sent as base64) or the FHIR document (JSON). */
export async function fetchVisitSummary(api: Pick<StationApi, 'invoke'>, visitId: string, format: SummaryFormat): Promise<ExportedRecord> {
  const started = await api.invoke('exportVisitSummary', { visitId, format });
  const parts = await readParts(api, started, () => undefined);
  const content = started.encoding === 'base64' ? [Uint8Array.from(atob(parts.join('')), (char) => char.charCodeAt(0))] : parts;
  return { fileName: started.fileName, file: new Blob(content, { type: started.mediaType }) };
}

/** Offers the file as a download, the way a link with `download` does. */
export function saveFile({ fileName, file }: ExportedRecord): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the Blob after the click returns; a minute is ample, then its memory goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
