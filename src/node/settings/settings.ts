/**
 * Reading and writing the settings through one interface, whatever keeps the file: `conf` in web
 * mode and the CLI (./json-storage.ts), `electron-store` in the desktop app (src/main). A damaged
 * or invalid settings file never stops the station: the damaged part falls back to its defaults
 * (retention and kiosk to their safe side, see fallbackFor), and the warning says which part and
 * why (never the values, which could be anything).
 */
import type { z } from 'zod';
import { DEFAULT_SETTINGS, SETTINGS_SECTIONS, StationSettingsSchema, type SettingsSection, type StationSettings } from './schema';

export interface SettingsStorage {
  /** Where the settings live, for messages. */
  readonly location: string;
  /**
   * The stored settings object as it is, or undefined when nothing was ever stored (a fresh
   * installation); throws when the file cannot be read or does not hold a JSON object.
   */
  read(): Record<string, unknown> | undefined;
  write(settings: StationSettings): void;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const describeIssues = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');

// A parser's message may quote the file's content; only our own messages are known to carry none.
const describeReadError = (error: unknown) => (error instanceof SettingsError ? error.message : error instanceof Error ? error.name : 'error');

/** What a retention section that cannot be trusted means: prune nothing (null keeps until erasure). */
export const KEEP_EVERYTHING: StationSettings['retention'] = { waveformDays: null, numericDays: null, attachmentDays: null };

/**
 * What a section falls back to when it was not read successfully. Most take their defaults; two
 * must not, because their defaults would act on a guess: default retention deletes kept data (an
 * administrator may have chosen to keep everything), and a kiosk that forgets it is one opens a
 * staff station to the patient in front of it. Both stay on the safe side until an administrator
 * decides (saves the settings again).
 */
function fallbackFor<S extends SettingsSection>(name: S): StationSettings[S] {
  if (name === 'retention') return KEEP_EVERYTHING as StationSettings[S];
  if (name === 'kiosk') return { ...DEFAULT_SETTINGS.kiosk, enabled: true } as StationSettings[S];
  return DEFAULT_SETTINGS[name];
}

const SAFE_WHEN_UNREADABLE = 'nothing is pruned and the station stays a kiosk until an administrator saves the settings again';

/** The settings to run with; `warn` hears about every part that was replaced by its fallback. */
export function loadSettings(storage: SettingsStorage, warn: (line: string) => void): StationSettings {
  let stored: unknown;
  try {
    stored = storage.read();
  } catch (error) {
    warn(`settings: ${storage.location} cannot be read (${describeReadError(error)}); running with the default settings, except that ${SAFE_WHEN_UNREADABLE}`);
    return StationSettingsSchema.parse(Object.fromEntries((Object.keys(SETTINGS_SECTIONS) as SettingsSection[]).map((name) => [name, fallbackFor(name)])));
  }
  if (stored === undefined) return DEFAULT_SETTINGS;
  // Keep every section that is valid; only the broken ones fall back.
  const sections = stored as Partial<Record<SettingsSection, unknown>>;
  const settings = { ...DEFAULT_SETTINGS };
  for (const name of Object.keys(SETTINGS_SECTIONS) as SettingsSection[]) {
    const raw = sections[name];
    if (raw === undefined && name !== 'retention') continue;
    const section = raw === undefined ? null : SETTINGS_SECTIONS[name].safeParse(raw);
    if (section?.success) {
      Object.assign(settings, { [name]: section.data });
      continue;
    }
    Object.assign(settings, { [name]: fallbackFor(name) });
    const problem = section === null ? 'is missing' : `is invalid (${describeIssues(section.error)})`;
    const consequence = name === 'retention' ? 'nothing is pruned until it is set' : name === 'kiosk' ? 'the station stays a kiosk until an administrator leaves kiosk mode' : 'using its defaults';
    warn(`settings: the ${name} section of ${storage.location} ${problem}; ${consequence}`);
  }
  return StationSettingsSchema.parse(settings);
}

/** Validates and stores; throws SettingsError naming what is wrong, leaving the stored settings as they were. */
export function saveSettings(storage: SettingsStorage, settings: unknown): StationSettings {
  const parsed = StationSettingsSchema.safeParse(settings);
  if (!parsed.success) throw new SettingsError(`settings not saved: ${describeIssues(parsed.error)}`);
  storage.write(parsed.data);
  return parsed.data;
}
