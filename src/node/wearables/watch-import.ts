/**
 * Imports what a connected watch holds since the last import: reads GarminDevice.xml and the FIT
 * files, decodes every file before anything is filed (a damaged file stops the import with its
 * name, and nothing of it or of the others is filed, so no day is filed with part of its data), then
 * files the readings (wearable-records.ts: since the watermark, each once).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RecordStore } from '../records/store';
import { decodeFitFile, FitFileError, type FitFile } from './fit-file';
import { wearableReadings } from './fit-readings';
import { MAX_FIT_FILE_BYTES, readWatchIdentity, watchFitFiles, WatchFolderError } from './watch-folder';
import type { WatchIdentity } from './watch-identity';
import { fileWearableReadings, type WearableImportResult } from './wearable-records';

export class WatchImportError extends Error {
  override name = 'WatchImportError';
}

export interface WatchImport extends WearableImportResult {
  watch: WatchIdentity;
  files: number;
}

async function decodeWatchFile(path: string, watch: WatchIdentity): Promise<FitFile> {
  const name = basename(path);
  if ((await stat(path)).size > MAX_FIT_FILE_BYTES) throw new WatchImportError(`${name}: larger than 16 MB, not a watch's FIT file; nothing was imported`);
  let file: FitFile;
  try {
    file = decodeFitFile(await readFile(path));
  } catch (error) {
    if (error instanceof FitFileError) throw new WatchImportError(`${name}: ${error.message}; nothing was imported`);
    throw error;
  }
  if (file.device.serialNumber !== null && file.device.serialNumber !== watch.serialNumber) {
    throw new WatchImportError(`${name} was written by another device (serial ${file.device.serialNumber}, the watch is ${watch.serialNumber}); nothing was imported`);
  }
  return file;
}

/** Imports the watch whose GARMIN folder is `garmin` into `patientId`'s records. */
export async function importWatch(garmin: string, store: RecordStore, patientId: string, now: number): Promise<WatchImport> {
  let watch: WatchIdentity;
  let paths: string[];
  try {
    watch = await readWatchIdentity(garmin);
    paths = await watchFitFiles(garmin);
  } catch (error) {
    if (error instanceof WatchFolderError) throw new WatchImportError(`${error.message}; nothing was imported`);
    throw error;
  }
  const files: FitFile[] = [];
  for (const path of paths) files.push(await decodeWatchFile(path, watch));
  return { watch, files: files.length, ...fileWearableReadings(store, patientId, watch, wearableReadings(files), now) };
}
