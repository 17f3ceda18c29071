/**
 * Settings in `<dataDir>/settings.json`, kept by `conf` (web mode, CLI) or by electron-store (the
 * desktop app, which is conf underneath): atomic writes, owner-only file mode, one file and format
 * whichever shell saved it. conf itself would throw on a damaged file (or, with clearInvalidConfig,
 * silently wipe it); here the damaged file is moved aside as settings.json.damaged-<time> for an
 * administrator to look at, and the read fails so loadSettings falls back to the defaults.
 */
import Conf from 'conf';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../shared/bounded-json';
import type { StationSettings } from './schema';
import type { SettingsStorage } from './settings';

export const SETTINGS_FILE_NAME = 'settings.json';

/** A settings file is a few hundred bytes; one far larger or deeper than this is damaged. */
const SETTINGS_FILE_BOUNDS = { maxChars: 1024 * 1024, maxDepth: MAX_JSON_DEPTH };

/** The file's text as settings, bounded like every other JSON the station reads; throws (a damaged file) otherwise. */
function parseSettingsText(text: string): StationSettings {
  const json = parseBoundedJson(text, SETTINGS_FILE_BOUNDS);
  if (!json.ok) throw new SyntaxError(`${SETTINGS_FILE_NAME}: ${json.error}`);
  // loadSettings checks the stored object against the schema; conf only holds it.
  return json.value as StationSettings;
}

/** The options both conf and electron-store take for the settings file. */
export const settingsFileOptions = (dataDir: string) =>
  ({ cwd: dataDir, configFileMode: 0o600, clearInvalidConfig: false, watch: false, deserialize: parseSettingsText }) as const;

/** A conf-like store: reading `store` parses the file (and throws on damage), assigning it writes it. */
interface StoreLike {
  store: StationSettings;
}

export class JsonSettingsStorage implements SettingsStorage {
  readonly location: string;

  constructor(
    dataDir: string,
    private readonly open: () => StoreLike,
  ) {
    this.location = join(dataDir, SETTINGS_FILE_NAME);
  }

  read(): unknown {
    if (!existsSync(this.location)) return {};
    try {
      return this.open().store;
    } catch (error) {
      renameSync(this.location, `${this.location}.damaged-${Date.now()}`);
      throw error;
    }
  }

  write(settings: StationSettings): void {
    this.open().store = settings;
  }
}

/** Web mode and the CLI. */
export function confSettingsStorage(dataDir: string): SettingsStorage {
  return new JsonSettingsStorage(dataDir, () => new Conf<StationSettings>({ ...settingsFileOptions(dataDir), configName: 'settings' }));
}
