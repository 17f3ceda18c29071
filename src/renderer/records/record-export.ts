/**
 * Fetches a patient's FHIR export from the station, chunk after chunk (the core sends a large
 * bundle in parts, see EXPORT_CHUNK_CHARS), and hands it over as one file to save. The parts go
 * into the Blob as they are, so the page never holds the bundle twice as one string.
 */
import type { StationApi } from '../../shared/contract';

export interface ExportProgress {
  received: number;
  total: number;
}

export interface ExportedRecord {
  fileName: string;
  file: Blob;
}

export async function fetchPatientRecord(api: Pick<StationApi, 'invoke'>, patientId: string, onProgress: (progress: ExportProgress) => void): Promise<ExportedRecord> {
  const started = await api.invoke('exportPatientRecord', { patientId });
  const parts = [started.firstChunk];
  onProgress({ received: 1, total: started.chunkCount });
  for (let index = 1; index < started.chunkCount; index++) {
    const chunk = await api.invoke('readPatientExportChunk', { exportId: started.exportId, index });
    if (chunk.index !== index) throw new Error(`the station sent part ${chunk.index + 1} instead of part ${index + 1}`);
    parts.push(chunk.text);
    onProgress({ received: index + 1, total: started.chunkCount });
  }
  return { fileName: started.fileName, file: new Blob(parts, { type: started.mediaType }) };
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
