import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyProvider } from '../records/key-provider';
import { openTestStation } from '../records/test-support';
import { confSettingsStorage, SETTINGS_FILE_NAME } from '../settings/json-storage';
import { DEFAULT_SETTINGS } from '../settings/schema';
import { loadSettings, saveSettings } from '../settings/settings';
import { openStationRecords } from './persistence/station-records';
import { stationOptionsFromSettings } from './settings-options';

const DAY_MS = 86_400_000;

/** A station folder that keeps everything, holding a 20-year-old reading and a 30-day-old pleth segment. */
async function keepEverythingStation(): Promise<string> {
  const { dataDir, db, store } = await openTestStation();
  const patient = store.createPatient({ givenName: 'Kept', familyName: 'Record', birthDate: null, gender: 'unknown', identifier: null });
  store.recordReading(patient.id, null, { deviceId: 'ox', metric: 'spo2', value: 97, unit: '%', deviceTime: null, receivedAt: Date.now() - 20 * 365 * DAY_MS });
  store.recordWaveform(patient.id, null, { deviceId: 'ox', metric: 'pleth', rateHz: 60, startedAt: Date.now() - 30 * DAY_MS, samples: [1, 2, 3] });
  db.close();
  saveSettings(confSettingsStorage(dataDir), { ...DEFAULT_SETTINGS, retention: { waveformDays: null, numericDays: null, attachmentDays: null } });
  return dataDir;
}

/** What the desktop app and web mode do at start: load the settings, map them, open the records (which prunes). */
async function startRecords(dataDir: string) {
  const storage = confSettingsStorage(dataDir);
  const warnings: string[] = [];
  const options = stationOptionsFromSettings(storage, loadSettings(storage, (line) => warnings.push(line)), (line) => warnings.push(line));
  const records = await openStationRecords({ dataDir, keyProvider: new FileKeyProvider(dataDir), log: () => {}, retention: options.retention });
  const kept = { readings: records.db.prepare('SELECT count(*) FROM readings').pluck().get(), segments: records.db.prepare('SELECT count(*) FROM waveform_segments').pluck().get() };
  await records.close();
  return { options, kept, warnings };
}

describe('stationOptionsFromSettings', () => {
  it('maps the settings a station runs with', () => {
    const settings = { ...DEFAULT_SETTINGS, access: { inactivityLockMinutes: 3 }, devices: { ...DEFAULT_SETTINGS.devices, hardware: false, pollIntervalMs: 750 } };
    const options = stationOptionsFromSettings(confSettingsStorage(join('/nonexistent')), settings, () => {});
    expect(options).toMatchObject({ retention: DEFAULT_SETTINGS.retention, inactivityLockMs: 180_000, hardware: false, pollIntervalMs: 750 });
    expect(options.kiosk?.setting.enabled).toBe(false);
    expect(options.kiosk?.visitIdleMs).toBe(300_000);
  });

  it('keeps what was kept when settings.json is damaged, and keeps a kiosk locked as a kiosk', { timeout: 30_000 }, async () => {
    const dataDir = await keepEverythingStation();
    expect((await startRecords(dataDir)).kept).toEqual({ readings: 1, segments: 1 });
    writeFileSync(join(dataDir, SETTINGS_FILE_NAME), '{"retention": {"waveformDays": null, "numer');
    const damaged = await startRecords(dataDir);
    expect(damaged.kept).toEqual({ readings: 1, segments: 1 });
    expect(damaged.options.kiosk?.setting.enabled).toBe(true);
    expect(damaged.warnings).toHaveLength(1);
    // And at the start after that, with the damaged file set aside.
    expect((await startRecords(dataDir)).kept).toEqual({ readings: 1, segments: 1 });
  });

  it('prunes under a retention setting read from the file', { timeout: 30_000 }, async () => {
    const dataDir = await keepEverythingStation();
    writeFileSync(join(dataDir, SETTINGS_FILE_NAME), JSON.stringify({ retention: DEFAULT_SETTINGS.retention }));
    expect((await startRecords(dataDir)).kept).toEqual({ readings: 0, segments: 0 });
  });
});
