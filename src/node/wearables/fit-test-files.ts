/**
 * FIT files for the tests, written with the SDK's own Encoder (@garmin/fitsdk), as a Garmin watch
 * writes them: file_id and device_info naming the watch, monitoring_info with the local time, then
 * the samples. Not a recording of a real watch: the field layout follows the FIT profile.
 */
import { Encoder, Profile, type Mesg } from '@garmin/fitsdk';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIT_EPOCH_S } from './fit-file';

export const TEST_WATCH = { manufacturer: 'garmin', product: 3290, productName: 'fenix6', serialNumber: 3_991_234_567 } as const;

function mesgNum(name: string): number {
  const number = (Profile.MesgNum as Record<string, number | undefined>)[name];
  if (number === undefined) throw new Error(`no FIT message ${name} in the profile`);
  return number;
}

const fitSeconds = (at: Date) => Math.round(at.getTime() / 1000) - FIT_EPOCH_S;

export type FitSample =
  | { kind: 'steps'; at: Date; activity: 'walking' | 'running'; steps: number; short?: boolean }
  | { kind: 'heartRate'; at: Date; bpm: number; short?: boolean }
  | { kind: 'restingHeartRate'; at: Date; bpm: number }
  | { kind: 'spo2'; at: Date; percent: number; mode?: 'spotCheck' | 'offWrist' }
  | { kind: 'sleepLevel'; at: Date; level: 'awake' | 'light' | 'deep' | 'rem' | 'unmeasurable' }
  | { kind: 'hrv'; at: Date; rmssdMs: number };

/**
 * A file created at `created`, in a zone `utcOffsetS` from UTC, with `samples` in order. Its type
 * is monitoring_b whatever it holds: the importer goes by the messages, not the file type (the
 * profile names no type for the watch's sleep or HRV files).
 */
export function encodeWatchFile(created: Date, utcOffsetS: number, samples: readonly FitSample[]): Uint8Array {
  const encoder = new Encoder();
  // Field names as in the FIT profile; the SDK's per-message types do not cover every field it encodes.
  const write = (name: string, fields: Record<string, unknown>) => encoder.onMesg(mesgNum(name), fields as Mesg);
  const { manufacturer, product, serialNumber } = TEST_WATCH;
  write('FILE_ID', { type: 'monitoringB', manufacturer, product, serialNumber, timeCreated: created });
  write('DEVICE_INFO', { timestamp: created, manufacturer, product, serialNumber, deviceIndex: 'creator', softwareVersion: 26.0 });
  write('MONITORING_INFO', { timestamp: created, localTimestamp: fitSeconds(created) + utcOffsetS, activityType: ['walking', 'running'] });
  for (const sample of samples) {
    const time = sample.kind === 'steps' || sample.kind === 'heartRate' ? (sample.short ? { timestamp16: fitSeconds(sample.at) & 0xffff } : { timestamp: sample.at }) : { timestamp: sample.at };
    switch (sample.kind) {
      case 'steps':
        // The steps sub-field is the raw value of cycles, whose own scale is 2 (FIT profile): write steps / 2 cycles.
        write('MONITORING', { ...time, activityType: sample.activity, cycles: sample.steps / 2 });
        break;
      case 'heartRate':
        write('MONITORING', { ...time, heartRate: sample.bpm });
        break;
      case 'restingHeartRate':
        write('MONITORING_HR_DATA', { ...time, restingHeartRate: sample.bpm + 2, currentDayRestingHeartRate: sample.bpm });
        break;
      case 'spo2':
        write('SPO2_DATA', { ...time, readingSpo2: sample.percent, readingConfidence: 90, mode: sample.mode ?? 'spotCheck' });
        break;
      case 'sleepLevel':
        write('SLEEP_LEVEL', { ...time, sleepLevel: sample.level });
        break;
      case 'hrv':
        write('HRV_STATUS_SUMMARY', { ...time, lastNightAverage: sample.rmssdMs, weeklyAverage: sample.rmssdMs, status: 'balanced' });
        break;
    }
  }
  return encoder.close();
}

export const minutes = (start: Date, n: number) => new Date(start.getTime() + n * 60_000);

/** GarminDevice.xml as a fenix 6 writes it (schema GarminDevice/v2; the parts the station reads). */
export const TEST_DEVICE_XML = `<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<Device xmlns="http://www.garmin.com/xmlschemas/GarminDevice/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Model>
    <PartNumber>006-B3290-00</PartNumber>
    <SoftwareVersion>2600</SoftwareVersion>
    <Description>fenix 6</Description>
  </Model>
  <Id>${TEST_WATCH.serialNumber}</Id>
  <DisplayName>fenix 6</DisplayName>
  <MassStorageMode>
    <DataType><Name>FIT_TYPE_32</Name><File><Location><Path>GARMIN/Monitor</Path><FileExtension>FIT</FileExtension></Location></File></DataType>
  </MassStorageMode>
</Device>
`;

/** A drive at `root` that looks like the watch: GARMIN/GarminDevice.xml and `files` by folder (e.g. { Monitor: { 'A.FIT': bytes } }). */
export function writeFakeWatch(root: string, files: Record<string, Record<string, Uint8Array>>): string {
  const garmin = join(root, 'GARMIN');
  mkdirSync(garmin, { recursive: true });
  writeFileSync(join(garmin, 'GarminDevice.xml'), TEST_DEVICE_XML);
  for (const [folder, byName] of Object.entries(files)) {
    mkdirSync(join(garmin, folder), { recursive: true });
    for (const [name, bytes] of Object.entries(byName)) writeFileSync(join(garmin, folder, name), bytes);
  }
  return garmin;
}
