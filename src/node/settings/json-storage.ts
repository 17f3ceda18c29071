/**
 * Settings in `<dataDir>/settings.json`, kept by `conf` (web mode, CLI) or by electron-store (the
 * desktop app, which is conf underneath): atomic writes, owner-only file mode, one file and format
 * whichever shell saved it. conf itself would throw on a damaged file (or, with clearInvalidConfig,
 * silently wipe it); here the damaged file (not JSON, or JSON but not an object) is moved aside as
 * settings.json.damaged-<time> for an administrator to look at, and the read fails so loadSettings
 * falls back to its safe settings.
 */
import Conf from 'conf';
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../shared/bounded-json';
import type { StationSettings } from './schema';
import { SettingsError, type SettingsStorage } from './settings';

export const SETTINGS_FILE_NAME = 'settings.json';
const DAMAGED_SUFFIX = '.damaged-';

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

/** A conf-like store: assigning `store` writes the file atomically. */
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

  read(): Record<string, unknown> | undefined {
    let text: string;
    try {
      text = readFileSync(this.location, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Gone after being set aside as damaged is not a fresh installation: stay on the safe fallbacks
      // until an administrator saves settings again.
      if (readdirSync(dirname(this.location)).some((name) => name.startsWith(`${SETTINGS_FILE_NAME}${DAMAGED_SUFFIX}`))) {
        throw new SettingsError(`it is missing and a damaged copy was set aside as ${SETTINGS_FILE_NAME}${DAMAGED_SUFFIX}*`);
      }
      return undefined;
    }
    // Parsed here rather than through conf, which turns an array, null or a number into an object
    // (or an empty one) without a word.
    let stored: unknown;
    try {
      stored = JSON.parse(text);
    } catch (error) {
      this.setAside();
      throw error;
    }
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
      this.setAside();
      throw new SettingsError(`it does not hold a settings object but ${Array.isArray(stored) ? 'an array' : stored === null ? 'null' : `a ${typeof stored}`}`);
    }
    return stored as Record<string, unknown>;
  }

  private setAside(): void {
    renameSync(this.location, `${this.location}${DAMAGED_SUFFIX}${Date.now()}`);
  }

  write(settings: StationSettings): void {
    this.open().store = settings;
  }
}

/** Web mode and the CLI. */
export function confSettingsStorage(dataDir: string): SettingsStorage {
  return new JsonSettingsStorage(dataDir, () => new Conf<StationSettings>({ ...settingsFileOptions(dataDir), configName: 'settings' }));
}
