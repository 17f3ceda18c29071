import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../records/test-support';
import { chooseConsultation } from './consultation';
import { confSettingsStorage, SETTINGS_FILE_NAME } from './json-storage';
import { alarmDefaultLimits, DEFAULT_SETTINGS } from './schema';
import { KEEP_EVERYTHING, loadSettings, saveSettings, SettingsError } from './settings';

function load(dataDir: string) {
  const warnings: string[] = [];
  return { settings: loadSettings(confSettingsStorage(dataDir), (line) => warnings.push(line)), warnings };
}

describe('settings', () => {
  it('starts from safe defaults when there is no file, without a warning', () => {
    expect(load(tempDataDir())).toEqual({ settings: DEFAULT_SETTINGS, warnings: [] });
    expect(DEFAULT_SETTINGS).toMatchObject({
      consultation: { serverUrl: null, relayOnly: false },
      retention: { waveformDays: 7, numericDays: 3_650, attachmentDays: 365 },
      alarms: { defaultLimits: {} },
      display: { locale: null, alwaysShowMetrics: [] },
      updates: { feedUrl: null, kioskInstallHour: 3 },
    });
  });

  it('saves, validates and reads back through conf, owner-only', () => {
    const dataDir = tempDataDir();
    const changed = { ...DEFAULT_SETTINGS, consultation: { ...DEFAULT_SETTINGS.consultation, serverUrl: 'https://consult.example' }, alarms: { defaultLimits: { spo2: { low: 88 } } }, display: { locale: null, alwaysShowMetrics: ['respiratoryRate' as const] } };
    saveSettings(confSettingsStorage(dataDir), changed);
    expect(load(dataDir)).toEqual({ settings: changed, warnings: [] });
    expect(statSync(join(dataDir, SETTINGS_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it.each([
    [{ alarms: { defaultLimits: { spo2: { low: 70 } } } }, /alarms.defaultLimits.spo2.low: must be between 85 and 99/],
    [{ alarms: { defaultLimits: { spo2: { high: 98 } } } }, /spo2 has no high alarm limit/],
    [{ alarms: { defaultLimits: { pulseRate: { low: 90, high: 80 } } } }, /low \(90\) must be below high \(80\)/],
    [{ consultation: { serverUrl: 'javascript:alert(1)' } }, /consultation.serverUrl: must be an http\(s\) URL/],
    [{ retention: { waveformDays: 0 } }, /retention.waveformDays/],
    [{ display: { locale: null, alwaysShowMetrics: ['spo2', 'heartbeat'] } }, /display.alwaysShowMetrics.1/],
    [{ display: { locale: null, alwaysShowMetrics: ['respiratoryRate', 'respiratoryRate'] } }, /display.alwaysShowMetrics: must not name a parameter twice/],
    [{ updates: { feedUrl: 'http://updates.example.org/', kioskInstallHour: 3 } }, /updates.feedUrl: must be an https:\/\/ URL/],
    [{ updates: { feedUrl: null, kioskInstallHour: 24 } }, /updates.kioskInstallHour/],
  ])('refuses to save %j, leaving the stored settings alone', (change, message) => {
    const dataDir = tempDataDir();
    saveSettings(confSettingsStorage(dataDir), DEFAULT_SETTINGS);
    const before = readFileSync(join(dataDir, SETTINGS_FILE_NAME), 'utf8');
    expect(() => saveSettings(confSettingsStorage(dataDir), { ...DEFAULT_SETTINGS, ...change })).toThrow(SettingsError);
    expect(() => saveSettings(confSettingsStorage(dataDir), { ...DEFAULT_SETTINGS, ...change })).toThrow(message);
    expect(readFileSync(join(dataDir, SETTINGS_FILE_NAME), 'utf8')).toBe(before);
  });

  const SAFE_FALLBACK = { ...DEFAULT_SETTINGS, kiosk: { ...DEFAULT_SETTINGS.kiosk, enabled: true }, retention: KEEP_EVERYTHING };
  const damagedCopies = (dataDir: string) => readdirSync(dataDir).filter((name) => name.startsWith(`${SETTINGS_FILE_NAME}.damaged-`));

  it('on a damaged file prunes nothing and stays a kiosk, warns, keeps the damaged file aside, and stays so until settings are saved again', () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, SETTINGS_FILE_NAME), '{"retention": {"waveformDays": null, "numericDays": null, "attachmentDays": nu');
    const { settings, warnings } = load(dataDir);
    expect(settings).toEqual(SAFE_FALLBACK);
    expect(warnings).toEqual([
      `settings: ${join(dataDir, SETTINGS_FILE_NAME)} cannot be read (SyntaxError); running with the default settings, except that nothing is pruned and the station stays a kiosk until an administrator saves the settings again`,
    ]);
    expect(damagedCopies(dataDir)).toHaveLength(1);
    // The next start finds no file, but a damaged copy: not a fresh installation, so still the safe side.
    const again = load(dataDir);
    expect(again.settings).toEqual(SAFE_FALLBACK);
    expect(again.warnings[0]).toContain('cannot be read (it is missing and a damaged copy was set aside as settings.json.damaged-*)');
    // An administrator's save writes a fresh file, which the next start reads without warnings.
    saveSettings(confSettingsStorage(dataDir), DEFAULT_SETTINGS);
    expect(load(dataDir)).toEqual({ settings: DEFAULT_SETTINGS, warnings: [] });
  });

  it.each([
    ['[1, 2, 3]', 'an array'],
    ['null', 'null'],
    ['42', 'a number'],
    ['"retention"', 'a string'],
  ])('treats a file holding %s like any damaged file', (content, what) => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, SETTINGS_FILE_NAME), content);
    const { settings, warnings } = load(dataDir);
    expect(settings).toEqual(SAFE_FALLBACK);
    expect(warnings).toEqual([
      `settings: ${join(dataDir, SETTINGS_FILE_NAME)} cannot be read (it does not hold a settings object but ${what}); running with the default settings, except that nothing is pruned and the station stays a kiosk until an administrator saves the settings again`,
    ]);
    expect(damagedCopies(dataDir)).toHaveLength(1);
  });

  it('keeps the valid sections of a file with invalid ones, naming each bad one without its value; a bad kiosk section stays a kiosk', () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, SETTINGS_FILE_NAME), JSON.stringify({ consultation: { relayOnly: true }, alarms: { defaultLimits: { spo2: { low: 12 } } }, kiosk: 'yes', retention: DEFAULT_SETTINGS.retention }));
    const { settings, warnings } = load(dataDir);
    expect(settings.consultation.relayOnly).toBe(true);
    expect(settings.alarms).toEqual(DEFAULT_SETTINGS.alarms);
    expect(settings.kiosk).toEqual({ ...DEFAULT_SETTINGS.kiosk, enabled: true });
    expect(settings.retention).toEqual(DEFAULT_SETTINGS.retention);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^settings: the kiosk section of .* is invalid \(.*\); the station stays a kiosk until an administrator leaves kiosk mode$/);
    expect(warnings[1]).toMatch(/^settings: the alarms section of .* is invalid \(defaultLimits.spo2.low: must be between 85 and 99\); using its defaults$/);
    expect(damagedCopies(dataDir)).toEqual([]);
  });

  it.each([
    ['invalid', { retention: { waveformDays: 'forever' } }, /^settings: the retention section of .* is invalid \(waveformDays: .*\); nothing is pruned until it is set$/],
    ['missing', { kiosk: { enabled: false } }, /^settings: the retention section of .* is missing; nothing is pruned until it is set$/],
  ])('prunes nothing under a retention section that is %s', (_label, stored, warning) => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, SETTINGS_FILE_NAME), JSON.stringify(stored));
    const { settings, warnings } = load(dataDir);
    expect(settings.retention).toEqual(KEEP_EVERYTHING);
    expect(settings.kiosk.enabled).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(warning);
  });

  it.each(['https://clinic.example/mrn', 'urn:oid:2.16.840.1.113883.2.1.4.1'])('takes %s as the patient identifier system', (system) => {
    const saved = saveSettings(confSettingsStorage(tempDataDir()), { ...DEFAULT_SETTINGS, records: { patientIdentifierSystem: system, careSetting: 'home' } });
    expect(saved.records).toEqual({ patientIdentifierSystem: system, careSetting: 'home' });
  });

  it.each(['MRN', 'clinic mrn', ''])('refuses %j as the patient identifier system, keeping the stored settings', (system) => {
    const storage = confSettingsStorage(tempDataDir());
    expect(() => saveSettings(storage, { ...DEFAULT_SETTINGS, records: { patientIdentifierSystem: system } })).toThrow(/records\.patientIdentifierSystem: must be an absolute URI/);
    expect(storage.read()).toBeUndefined();
  });

  it('applies alarm default overrides on top of the adult defaults', () => {
    const limits = alarmDefaultLimits({ ...DEFAULT_SETTINGS, alarms: { defaultLimits: { spo2: { low: 88 }, pulseRate: { high: 130 } } } });
    expect(limits.spo2).toEqual({ low: 88, high: null });
    expect(limits.pulseRate).toEqual({ low: 50, high: 130 });
    expect(limits.systolic).toEqual(alarmDefaultLimits(DEFAULT_SETTINGS).systolic);
  });
});

describe('consultation choice', () => {
  const withConsultation = (consultation: Partial<typeof DEFAULT_SETTINGS.consultation>) => ({ ...DEFAULT_SETTINGS, consultation: { ...DEFAULT_SETTINGS.consultation, ...consultation } });

  it('takes the flag over the settings, and the settings over the embedded server', () => {
    const settings = withConsultation({ serverUrl: 'https://from-settings.example' });
    expect(chooseConsultation({ consultServer: 'https://from-flag.example' }, settings, {}, () => {}).serverUrl).toBe('https://from-flag.example');
    expect(chooseConsultation({}, settings, {}, () => {}).serverUrl).toBe('https://from-settings.example');
    expect(chooseConsultation({}, DEFAULT_SETTINGS, {}, () => {})).toEqual({ serverUrl: undefined, embeddedIce: { stunUrls: [], turn: undefined, relayOnly: false } });
  });

  it('makes the embedded server relay-only from the settings or the flag, with TURN from settings and the secret from the environment', () => {
    const settings = withConsultation({ turnUrls: ['turn:turn.example:3478'] });
    const env = { VITALBRIDGE_TURN_SECRET: 's3cret' };
    expect(chooseConsultation({ relayOnly: true }, settings, env, () => {}).embeddedIce).toEqual({ stunUrls: [], turn: { urls: ['turn:turn.example:3478'], secret: 's3cret' }, relayOnly: true });
    expect(chooseConsultation({}, { ...settings, consultation: { ...settings.consultation, relayOnly: true } }, env, () => {}).embeddedIce.relayOnly).toBe(true);
  });

  it('refuses relay-only without a TURN server instead of starting a server no call can get through', () => {
    expect(() => chooseConsultation({ relayOnly: true }, DEFAULT_SETTINGS, {}, () => {})).toThrow(/relay-only needs a TURN server/);
    expect(() => chooseConsultation({ relayOnly: true }, withConsultation({ turnUrls: ['turn:t.example'] }), {}, () => {})).toThrow(SettingsError);
  });
});
