import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyProvider } from '../records/key-provider';
import { openTestStation, tempDataDir } from '../records/test-support';
import { confSettingsStorage, SETTINGS_FILE_NAME } from '../settings/json-storage';
import { DEFAULT_SETTINGS, StationSettingsSchema } from '../settings/schema';
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
  it('gives the station every setting it is handed, minutes as milliseconds', () => {
    const storage = confSettingsStorage(tempDataDir());
    const settings = StationSettingsSchema.parse({
      access: { inactivityLockMinutes: 2 },
      devices: { hardware: false, pollIntervalMs: 7_000, displayUnits: { glucose: 'mg/dL' } },
      kiosk: { enabled: true, returnToPatientViewAfterMinutes: 3 },
      retention: { waveformDays: 30, numericDays: null, attachmentDays: 90 },
      display: { locale: 'en-GB' },
      records: { patientIdentifierSystem: 'https://clinic.example/mrn', careSetting: 'home' },
    });
    const options = stationOptionsFromSettings(storage, settings, () => undefined);
    expect(options).toMatchObject({
      inactivityLockMs: 120_000,
      hardware: false,
      pollIntervalMs: 7_000,
      retention: { waveformDays: 30, numericDays: null, attachmentDays: 90 },
      kiosk: { visitIdleMs: 180_000 },
      locale: 'en-GB',
      displayUnits: { glucose: 'mg/dL' },
      fhir: { patientIdentifierSystem: 'https://clinic.example/mrn', careSetting: 'home' },
    });
    expect(options.kiosk?.setting.enabled).toBe(true);
  });

  it('maps the defaults to a five-minute lock, hardware on and the default retention', () => {
    const options = stationOptionsFromSettings(confSettingsStorage(tempDataDir()), DEFAULT_SETTINGS, () => undefined);
    expect(options).toMatchObject({ inactivityLockMs: 300_000, hardware: true, pollIntervalMs: 2_000, retention: DEFAULT_SETTINGS.retention, kiosk: { visitIdleMs: 300_000 }, locale: null, displayUnits: { glucose: 'mmol/L' } });
    expect(options.kiosk?.setting.enabled).toBe(false);
  });

  it('admits only locale tags Intl accepts as the display locale', () => {
    expect(StationSettingsSchema.safeParse({ display: { locale: 'de-CH' } }).success).toBe(true);
    for (const locale of ['', 'not a locale', 'en_US!']) expect(StationSettingsSchema.safeParse({ display: { locale } }).success).toBe(false);
  });

  it('keeps turning kiosk mode on or off in the settings file, leaving the other sections as stored', () => {
    const storage = confSettingsStorage(tempDataDir());
    const stored = saveSettings(storage, { ...DEFAULT_SETTINGS, access: { inactivityLockMinutes: 9 } });
    const options = stationOptionsFromSettings(storage, stored, () => undefined);
    options.kiosk!.setting.set(true);
    expect(options.kiosk!.setting.enabled).toBe(true);
    expect(loadSettings(storage, () => undefined)).toMatchObject({ kiosk: { enabled: true }, access: { inactivityLockMinutes: 9 } });
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
