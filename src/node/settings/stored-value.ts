/**
 * One setting that an administrator changes while the station runs: written into the settings
 * storage (merged into the sections as they are stored now, so an edit of the file meanwhile
 * survives) and then kept as the running value. A value that cannot be saved (SettingsError, the
 * storage's own error) throws and changes nothing.
 */
import type { StationSettings } from './schema';
import { loadSettings, saveSettings, type SettingsStorage } from './settings';

export interface StoredValue<T> {
  readonly value: T;
  set(next: T): void;
}

export function storedValue<T>(
  storage: SettingsStorage,
  initial: T,
  write: (settings: StationSettings, next: T) => StationSettings,
  warn: (line: string) => void,
): StoredValue<T> {
  let current = initial;
  return {
    get value() {
      return current;
    },
    set(next) {
      saveSettings(storage, write(loadSettings(storage, warn), next));
      current = next;
    },
  };
}

/** For hosts without a settings file (tests, benchmarks): forgotten when the process ends. */
export function memoryValue<T>(initial: T): StoredValue<T> {
  let current = initial;
  return {
    get value() {
      return current;
    },
    set(next) {
      current = next;
    },
  };
}
