/** The desktop app's settings: electron-store on the same settings.json web mode's conf keeps. */
import Store from 'electron-store';
import { JsonSettingsStorage, settingsFileOptions } from '../node/settings/json-storage';
import type { StationSettings } from '../node/settings/schema';
import type { SettingsStorage } from '../node/settings/settings';

export function electronSettingsStorage(dataDir: string): SettingsStorage {
  return new JsonSettingsStorage(dataDir, () => new Store<StationSettings>({ ...settingsFileOptions(dataDir), name: 'settings' }));
}
