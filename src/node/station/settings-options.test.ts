import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../records/test-support';
import { confSettingsStorage } from '../settings/json-storage';
import { DEFAULT_SETTINGS, StationSettingsSchema } from '../settings/schema';
import { loadSettings, saveSettings } from '../settings/settings';
import { stationOptionsFromSettings } from './settings-options';

describe('stationOptionsFromSettings', () => {
  it('gives the station every setting it is handed, minutes as milliseconds', () => {
    const storage = confSettingsStorage(tempDataDir());
    const settings = StationSettingsSchema.parse({
      access: { inactivityLockMinutes: 2 },
      devices: { hardware: false, pollIntervalMs: 7_000 },
      kiosk: { enabled: true, returnToPatientViewAfterMinutes: 3 },
      retention: { waveformDays: 30, numericDays: null, attachmentDays: 90 },
    });
    const options = stationOptionsFromSettings(storage, settings, () => undefined);
    expect(options).toMatchObject({
      inactivityLockMs: 120_000,
      hardware: false,
      pollIntervalMs: 7_000,
      retention: { waveformDays: 30, numericDays: null, attachmentDays: 90 },
      kiosk: { visitIdleMs: 180_000 },
    });
    expect(options.kiosk?.setting.enabled).toBe(true);
  });

  it('maps the defaults to a five-minute lock, hardware on and the default retention', () => {
    const options = stationOptionsFromSettings(confSettingsStorage(tempDataDir()), DEFAULT_SETTINGS, () => undefined);
    expect(options).toMatchObject({ inactivityLockMs: 300_000, hardware: true, pollIntervalMs: 2_000, retention: DEFAULT_SETTINGS.retention, kiosk: { visitIdleMs: 300_000 } });
    expect(options.kiosk?.setting.enabled).toBe(false);
  });

  it('keeps turning kiosk mode on or off in the settings file, leaving the other sections as stored', () => {
    const storage = confSettingsStorage(tempDataDir());
    const stored = saveSettings(storage, { ...DEFAULT_SETTINGS, access: { inactivityLockMinutes: 9 } });
    const options = stationOptionsFromSettings(storage, stored, () => undefined);
    options.kiosk!.setting.set(true);
    expect(options.kiosk!.setting.enabled).toBe(true);
    expect(loadSettings(storage, () => undefined)).toMatchObject({ kiosk: { enabled: true }, access: { inactivityLockMinutes: 9 } });
  });
});
