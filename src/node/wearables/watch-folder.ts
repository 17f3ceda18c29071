/**
 * A Garmin watch in USB mass-storage mode, as a folder: GARMIN/GarminDevice.xml says which watch it
 * is (schema http://www.garmin.com/xmlschemas/GarminDevice/v2: Device/Model/Description is the
 * model's name, Device/Id the unit id, which is also the serial_number of its FIT files), and the
 * FIT files are in GARMIN/Monitor (all-day monitoring) and GARMIN/Sleep (folder names as GarminDB,
 * github.com/tcgoetz/GarminDB, copies them from a mounted watch), plus GARMIN/HRVStatus and
 * GARMIN/Metrics where a model has them (named after what newer models show; not verified from a
 * public source, so only looked at when present). FAT is case-insensitive and the watch's own case
 * varies between models, so names are matched without regard to case.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WatchIdentity } from './watch-identity';

export const FIT_FOLDERS = ['Monitor', 'Sleep', 'HRVStatus', 'Metrics'] as const;
/** Bounds that keep one odd drive from stalling the station: GarminDevice.xml is a few kB, a FIT file of a day well under 1 MB. */
export const MAX_DEVICE_XML_BYTES = 1 << 20;
export const MAX_FIT_FILE_BYTES = 16 << 20;
export const MAX_FIT_FILES = 5000;

export class WatchFolderError extends Error {
  override name = 'WatchFolderError';
}

/** The entry of `dir` named `name` whatever its case; null when there is none or `dir` cannot be read. */
async function entryIgnoringCase(dir: string, name: string): Promise<string | null> {
  try {
    const found = (await readdir(dir)).find((entry) => entry.toLowerCase() === name.toLowerCase());
    return found === undefined ? null : join(dir, found);
  } catch {
    return null;
  }
}

/** The watch's GARMIN folder under a drive's root, or null when the drive is not a Garmin watch. */
export async function garminFolder(driveRoot: string): Promise<string | null> {
  const garmin = await entryIgnoringCase(driveRoot, 'GARMIN');
  if (garmin === null) return null;
  return (await entryIgnoringCase(garmin, 'GarminDevice.xml')) === null ? null : garmin;
}

const tag = (name: string) => `<(?:[\\w-]+:)?${name}>`;
const endTag = (name: string) => `</(?:[\\w-]+:)?${name}>`;

/** The watch GarminDevice.xml describes; throws WatchFolderError when it names no unit id. */
export function parseGarminDeviceXml(xml: string): WatchIdentity {
  const id = new RegExp(`${endTag('Model')}\\s*${tag('Id')}\\s*(\\d{1,20})\\s*${endTag('Id')}`, 'i').exec(xml)?.[1];
  if (id === undefined) throw new WatchFolderError('GarminDevice.xml names no unit id (Device/Id)');
  const model = new RegExp(`${tag('Model')}[\\s\\S]*?${tag('Description')}([^<]{1,100})${endTag('Description')}`, 'i').exec(xml)?.[1]?.trim();
  return { manufacturer: 'garmin', model: model || null, serialNumber: id };
}

export async function readWatchIdentity(garmin: string): Promise<WatchIdentity> {
  const path = await entryIgnoringCase(garmin, 'GarminDevice.xml');
  if (path === null) throw new WatchFolderError('the watch has no GARMIN/GarminDevice.xml');
  if ((await stat(path)).size > MAX_DEVICE_XML_BYTES) throw new WatchFolderError('GarminDevice.xml is larger than 1 MB: not a watch description');
  return parseGarminDeviceXml(await readFile(path, 'utf8'));
}

/** The FIT files of the watch's data folders, by path, oldest name first within a folder. */
export async function watchFitFiles(garmin: string): Promise<string[]> {
  const files: string[] = [];
  for (const folder of FIT_FOLDERS) {
    const dir = await entryIgnoringCase(garmin, folder);
    if (dir === null) continue;
    const names = (await readdir(dir)).filter((name) => name.toLowerCase().endsWith('.fit')).sort();
    files.push(...names.map((name) => join(dir, name)));
  }
  if (files.length > MAX_FIT_FILES) throw new WatchFolderError(`the watch holds ${files.length} FIT files, more than the ${MAX_FIT_FILES} the station reads at once`);
  return files;
}
