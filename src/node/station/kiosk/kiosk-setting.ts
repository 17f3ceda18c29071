/**
 * Whether the station is a kiosk, kept in the settings file (`kiosk.enabled`) so a kiosk that
 * restarts (power cut, update) comes back as a kiosk instead of as a staff station left open.
 */
import type { StationSettings } from '../../settings/schema';
import type { SettingsStorage } from '../../settings/settings';
import { memoryValue, storedValue, type StoredValue } from '../../settings/stored-value';

export interface KioskSetting {
  readonly enabled: boolean;
  /** Stores the new value; throws (SettingsError, or the storage's own error) when it cannot be saved. */
  set(enabled: boolean): void;
}

/** The setting in the station's settings storage; `enabled` is its value when the station started. */
export function storedKioskSetting(storage: SettingsStorage, enabled: boolean, warn: (line: string) => void): KioskSetting {
  return kioskSettingOf(storedValue(storage, enabled, (settings, next) => ({ ...settings, kiosk: { ...settings.kiosk, enabled: next } }), warn));
}

/** createStation's kiosk option from the settings the host loaded (web mode and the desktop app alike). */
export function kioskFromSettings(storage: SettingsStorage, settings: StationSettings, warn: (line: string) => void): { setting: KioskSetting; visitIdleMs: number } {
  return {
    setting: storedKioskSetting(storage, settings.kiosk.enabled, warn),
    visitIdleMs: settings.kiosk.returnToPatientViewAfterMinutes * 60_000,
  };
}

/** For hosts without a settings file (tests, benchmarks): forgotten when the process ends. */
export function memoryKioskSetting(enabled = false): KioskSetting {
  return kioskSettingOf(memoryValue(enabled));
}

function kioskSettingOf(stored: StoredValue<boolean>): KioskSetting {
  return {
    get enabled() {
      return stored.value;
    },
    set: (next) => stored.set(next),
  };
}
