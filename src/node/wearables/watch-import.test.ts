import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeTrackedTempDirs, openTestStation, trackedTempDir, type TestStation } from '../records/test-support';
import { encodeWatchFile, minutes, TEST_WATCH, writeFakeWatch } from './fit-test-files';
import { importWatch } from './watch-import';
import { parseGarminDeviceXml } from './watch-folder';
import { watchWatermark } from './wearable-records';
import { watchDeviceId } from './watch-identity';

const CET = 3600;
const day1 = new Date('2026-12-06T07:00:00Z');
const day2 = new Date('2026-12-07T07:00:00Z');
const WATCH = { manufacturer: 'garmin', model: 'fenix 6', serialNumber: String(TEST_WATCH.serialNumber) };

const monitorDay1 = () =>
  encodeWatchFile(day1, CET, [
    { kind: 'heartRate', at: day1, bpm: 58 },
    { kind: 'steps', at: minutes(day1, 1), activity: 'walking', steps: 4000 },
    { kind: 'heartRate', at: minutes(day1, 2), bpm: 64, short: true },
    { kind: 'restingHeartRate', at: minutes(day1, 3), bpm: 52 },
  ]);
const monitorDay2 = () =>
  encodeWatchFile(day2, CET, [
    { kind: 'heartRate', at: day2, bpm: 70 },
    { kind: 'steps', at: minutes(day2, 1), activity: 'walking', steps: 300 },
  ]);

let station: TestStation;
let patientId: string;
beforeEach(async () => {
  station = await openTestStation(trackedTempDir());
  patientId = station.store.createPatient({ givenName: 'Ada', familyName: 'Watchwearer', birthDate: '1950-02-03', gender: 'female', identifier: null }).id;
});
afterEach(() => {
  station.db.close();
  removeTrackedTempDirs();
});

const wearableRows = () => station.store.readings(patientId).filter((reading) => reading.source === 'wearable');

describe('importing a watch', () => {
  it('files its readings with the watch as device, no visit, the watch time and the source wearable', async () => {
    const garmin = writeFakeWatch(trackedTempDir(), { Monitor: { '6C6A0000.FIT': monitorDay1() } });
    const result = await importWatch(garmin, station.store, patientId, station.clock.now());
    expect(result).toMatchObject({ watch: WATCH, files: 1, imported: 3, alreadyImported: 0, refused: 0 });
    expect(wearableRows().map(({ metric, value, unit, deviceTime, visitId, deviceId }) => ({ metric, value, unit, deviceTime, visitId, deviceId }))).toEqual([
      { metric: 'pulseRate', value: 58, unit: '/min', deviceTime: '2026-12-06T08:00:00+01:00', visitId: null, deviceId: watchDeviceId(WATCH) },
      { metric: 'pulseRate', value: 64, unit: '/min', deviceTime: '2026-12-06T08:02:00+01:00', visitId: null, deviceId: watchDeviceId(WATCH) },
      { metric: 'restingHeartRate', value: 52, unit: '/min', deviceTime: '2026-12-06T08:03:00+01:00', visitId: null, deviceId: watchDeviceId(WATCH) },
    ]);
  });

  it('imports nothing new when the same files are read again, and only what is new once the watch has more', async () => {
    const root = trackedTempDir();
    const garmin = writeFakeWatch(root, { Monitor: { '6C6A0000.FIT': monitorDay1() } });
    await importWatch(garmin, station.store, patientId, station.clock.now());
    const again = await importWatch(garmin, station.store, patientId, station.clock.now());
    expect(again).toMatchObject({ imported: 0, alreadyImported: 3 });
    expect(wearableRows()).toHaveLength(3);

    writeFakeWatch(root, { Monitor: { '6C6B0000.FIT': monitorDay2() } });
    const next = await importWatch(garmin, station.store, patientId, station.clock.now());
    // Day 2's heart rate, and day 1's step total now that day 1 is complete (its 4000 steps at 23:59:59 local).
    expect(next).toMatchObject({ imported: 2, alreadyImported: 3 });
    expect(wearableRows().filter((reading) => reading.metric === 'steps').map((reading) => [reading.value, reading.unit, reading.deviceTime])).toEqual([[4000, '/d', '2026-12-06T23:59:59+01:00']]);
    expect(watchWatermark(station.store, WATCH)).toBe(day2.getTime());
  });

  it('refuses a reading it filed before even when the watermark is gone: each key once per watch', async () => {
    const garmin = writeFakeWatch(trackedTempDir(), { Monitor: { '6C6A0000.FIT': monitorDay1() } });
    await importWatch(garmin, station.store, patientId, station.clock.now());
    station.db.prepare('UPDATE wearable_watches SET imported_until = NULL').run();
    expect(await importWatch(garmin, station.store, patientId, station.clock.now())).toMatchObject({ imported: 0, alreadyImported: 3 });
    expect(wearableRows()).toHaveLength(3);
    expect(() => station.db.prepare('INSERT INTO wearable_readings (reading_id, watch_id, reading_key) VALUES (?, ?, ?)').run(wearableRows()[0]!.id + 1000, watchDeviceId(WATCH), 'hr:1165474800')).toThrow(/UNIQUE|FOREIGN KEY/);
  });

  it('imports nothing at all when one file is truncated, and says which', async () => {
    const good = monitorDay1();
    const damaged = monitorDay2().slice(0, 60);
    const garmin = writeFakeWatch(trackedTempDir(), { Monitor: { '6C6A0000.FIT': good, '6C6B0000.FIT': damaged } });
    await expect(importWatch(garmin, station.store, patientId, station.clock.now())).rejects.toThrow(
      '6C6B0000.FIT: damaged FIT file: its size or checksum does not match its header (truncated or corrupted); nothing was imported',
    );
    expect(wearableRows()).toEqual([]);
    expect(watchWatermark(station.store, WATCH)).toBeNull();
  });

  it("refuses a file another device wrote, and a drive whose GarminDevice.xml names no unit", async () => {
    const root = trackedTempDir();
    const garmin = writeFakeWatch(root, { Monitor: { '6C6A0000.FIT': monitorDay1() } });
    writeFileSync(join(garmin, 'GarminDevice.xml'), '<Device><Model><Description>fenix 6</Description></Model><Id>123</Id></Device>');
    await expect(importWatch(garmin, station.store, patientId, station.clock.now())).rejects.toThrow(/written by another device \(serial 3991234567, the watch is 123\)/);
    writeFileSync(join(garmin, 'GarminDevice.xml'), '<Device><Model><Description>fenix 6</Description></Model></Device>');
    await expect(importWatch(garmin, station.store, patientId, station.clock.now())).rejects.toThrow('GarminDevice.xml names no unit id (Device/Id); nothing was imported');
    expect(wearableRows()).toEqual([]);
  });

  it('never files a value outside the possible range', async () => {
    const garmin = writeFakeWatch(trackedTempDir(), { Sleep: { 'S.FIT': encodeWatchFile(day1, CET, [{ kind: 'restingHeartRate', at: day1, bpm: 250 }]) } });
    expect(await importWatch(garmin, station.store, patientId, station.clock.now())).toMatchObject({ imported: 0, refused: 1 });
    expect(wearableRows()).toEqual([]);
  });
});

describe('GarminDevice.xml', () => {
  it('gives the model and the unit id, with or without a namespace prefix', () => {
    expect(parseGarminDeviceXml('<ns:Device><ns:Model><ns:PartNumber>006-B4315-00</ns:PartNumber><ns:Description>Forerunner 265</ns:Description></ns:Model><ns:Id>9876543210</ns:Id></ns:Device>')).toEqual({
      manufacturer: 'garmin',
      model: 'Forerunner 265',
      serialNumber: '9876543210',
    });
  });
});
