/**
 * Reading and writing the settings through one interface, whatever keeps the file: `conf` in web
 * mode and the CLI (./conf-storage.ts), `electron-store` in the desktop app (src/main). A damaged
 * or invalid settings file never stops the station: the damaged part falls back to its defaults,
 * and the warning says which part and why (never the values, which could be anything).
 */
import type { z } from 'zod';
import { DEFAULT_SETTINGS, SETTINGS_SECTIONS, StationSettingsSchema, type SettingsSection, type StationSettings } from './schema';

export interface SettingsStorage {
  /** Where the settings live, for messages. */
  readonly location: string;
  /** The stored object as it is; throws when the file cannot be read or parsed. */
  read(): unknown;
  write(settings: StationSettings): void;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const describeIssues = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');

/** The settings to run with; `warn` hears about every part that was replaced by its defaults. */
export function loadSettings(storage: SettingsStorage, warn: (line: string) => void): StationSettings {
  let stored: unknown;
  try {
    stored = storage.read();
  } catch (error) {
    warn(`settings: ${storage.location} cannot be read (${error instanceof Error ? error.name : 'error'}); running with the default settings until they are saved again`);
    return DEFAULT_SETTINGS;
  }
  const whole = StationSettingsSchema.safeParse(stored ?? {});
  if (whole.success) return whole.data;
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    warn(`settings: ${storage.location} does not hold a settings object; running with the default settings`);
    return DEFAULT_SETTINGS;
  }
  // Keep every section that is valid; only the broken ones fall back.
  const sections = stored as Partial<Record<SettingsSection, unknown>>;
  const settings = { ...DEFAULT_SETTINGS };
  for (const name of Object.keys(SETTINGS_SECTIONS) as SettingsSection[]) {
    const section = SETTINGS_SECTIONS[name].safeParse(sections[name] ?? {});
    if (section.success) Object.assign(settings, { [name]: section.data });
    else warn(`settings: the ${name} section of ${storage.location} is invalid (${describeIssues(section.error)}); using its defaults`);
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
