/**
 * What this machine can check of the installers without the Electron binary: the electron-builder
 * configuration against electron-builder's own schema, the fuses, the .deb scripts with shellcheck
 * as electron-builder renders them, the kiosk's systemd unit with systemd-analyze. Building the
 * installers and starting them is for a machine with Electron (README "What is verified").
 * A missing checker skips its test with the reason printed, except in CI, whose .ci/run installs them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagingConfig } from '../electron-builder.config';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'vb-packaging-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function available(tool: string): boolean {
  const found = spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.CI) throw new Error(`${tool} is missing: .ci/run installs it`);
  if (!found) console.log(`[packaging] SKIPPED: ${tool} is not installed here`);
  return found;
}

/** electron-builder's own check of a configuration (what `npm run dist` runs first). */
async function validate(config: ReturnType<typeof packagingConfig>): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration: (config: unknown, logger: unknown) => Promise<void> };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  await validateConfiguration(structuredClone(config), new DebugLogger(false));
}

/** The .deb scripts are electron-builder templates: it fills in ${name} macros and refuses unknown ones. */
function renderDebTemplate(template: string): string {
  const macros: Record<string, string> = { executable: 'vitalbridge', sanitizedProductName: 'VitalBridge' };
  return template.replace(/\${([a-zA-Z]+)}/g, (_, name: string) => {
    const value = macros[name];
    if (value === undefined) throw new Error(`electron-builder has no macro \${${name}} (a shell variable must be written $${name})`);
    return value;
  });
}

const renderDebScript = (file: string) => renderDebTemplate(readFileSync(join(root, file), 'utf8'));

function shellcheck(script: string): string {
  const path = join(work, 'script.sh');
  writeFileSync(path, script);
  const result = spawnSync('shellcheck', ['--shell=bash', '--severity=style', path], { encoding: 'utf8' });
  return result.stdout + result.stderr;
}

/** systemd-analyze verify exits 0 even for unknown keys and bad values; what it prints is the verdict. */
function verifyUnit(unit: string): string {
  // The unit's ExecStart must exist to be verified: a stand-in for the installed binary.
  const binary = join(work, 'vitalbridge');
  writeFileSync(binary, '#!/bin/sh\n');
  chmodSync(binary, 0o755);
  const path = join(work, 'vitalbridge-kiosk.service');
  writeFileSync(path, unit.replace('ExecStart=/usr/bin/vitalbridge', `ExecStart=${binary}`));
  const result = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim() + (result.status === 0 ? '' : `\nexit ${result.status}`);
}

describe('installers', () => {
  it('pass electron-builder’s own configuration schema, unsigned or signed, with or without an update feed', async () => {
    await validate(packagingConfig({}));
    await validate(packagingConfig({ CSC_LINK: 'cert.p12', APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'x', APPLE_TEAM_ID: 'T', VITALBRIDGE_UPDATE_FEED: 'https://updates.example.org/', VITALBRIDGE_WINDOWS_PUBLISHER: 'Clinic IT' }));
    // Negative control: the schema is really consulted.
    await expect(validate({ ...packagingConfig({}), nsis: { perMachine: 'yes' } as never })).rejects.toThrow(/perMachine/);
  });

  it('set the fuses: no RunAsNode, no NODE_OPTIONS or --inspect, app code only from the integrity-checked asar, cookies encrypted', () => {
    expect(packagingConfig({}).electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(packagingConfig({}).asar).toBe(true);
  });

  it('install per machine on Windows, keep the records on uninstall, and check the update’s signature', () => {
    const config = packagingConfig({ VITALBRIDGE_WINDOWS_PUBLISHER: 'Clinic IT' });
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false, deleteAppDataOnUninstall: false });
    expect(config.win).toMatchObject({ target: 'nsis', verifyUpdateCodeSignature: true, signtoolOptions: { publisherName: ['Clinic IT'] } });
  });

  it('sign and notarise macOS builds only with credentials from the environment, never an invented identity', () => {
    expect(packagingConfig({}).mac).toMatchObject({ identity: null, notarize: false, hardenedRuntime: true });
    expect(packagingConfig({ CSC_LINK: 'cert.p12' }).mac).toMatchObject({ notarize: false });
    expect(packagingConfig({ CSC_LINK: 'cert.p12' }).mac).not.toHaveProperty('identity');
    expect(packagingConfig({ CSC_LINK: 'cert.p12', APPLE_API_KEY: 'k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' }).mac).toMatchObject({ notarize: true });
  });

  it('publish update metadata only to a feed named in the environment', () => {
    expect(packagingConfig({}).publish).toBeNull();
    expect(packagingConfig({ VITALBRIDGE_UPDATE_FEED: 'https://updates.example.org/' }).publish).toEqual([{ provider: 'generic', url: 'https://updates.example.org/' }]);
  });

  it('ship the udev rules and the kiosk unit in the Linux packages, where the .deb scripts look for them', () => {
    const linux = packagingConfig({}).linux!;
    expect(linux.extraResources).toEqual([
      { from: 'resources/udev/60-vitalbridge.rules', to: 'udev/60-vitalbridge.rules' },
      { from: 'packaging/linux/vitalbridge-kiosk.service', to: 'systemd/vitalbridge-kiosk.service' },
    ]);
    const afterInstall = renderDebScript('packaging/linux/after-install.sh');
    expect(afterInstall).toContain('install -m 0644 "$app_dir/resources/udev/60-vitalbridge.rules" /etc/udev/rules.d/60-vitalbridge.rules');
    expect(afterInstall).toContain('udevadm control --reload-rules');
    expect(afterInstall).toContain('"$app_dir/resources/systemd/vitalbridge-kiosk.service" /usr/lib/systemd/user/vitalbridge-kiosk.service');
    expect(afterInstall).toContain("app_dir='/opt/VitalBridge'");
    expect(renderDebScript('packaging/linux/after-remove.sh')).toContain('rm -f /etc/udev/rules.d/60-vitalbridge.rules /usr/lib/systemd/user/vitalbridge-kiosk.service');
  });

  it('write the .deb scripts so shellcheck finds nothing, as electron-builder renders them', (context) => {
    if (!available('shellcheck')) return context.skip();
    expect(shellcheck(renderDebScript('packaging/linux/after-install.sh'))).toBe('');
    expect(shellcheck(renderDebScript('packaging/linux/after-remove.sh'))).toBe('');
    // Negative control: shellcheck does report an unquoted expansion.
    expect(shellcheck('#!/bin/bash\nrm -f $1\n')).toMatch(/SC2086/);
    expect(() => renderDebTemplate('rm -rf "${appDir}/cache"')).toThrow(/no macro \$\{appDir\}/);
  });

  it('give the kiosk autostart a unit systemd-analyze verifies without a remark', (context) => {
    if (!available('systemd-analyze')) return context.skip();
    const unit = readFileSync(join(root, 'packaging/linux/vitalbridge-kiosk.service'), 'utf8');
    expect(verifyUnit(unit)).toBe('');
    // Negative controls: systemd-analyze reports an unknown key and a bad value.
    expect(verifyUnit(unit.replace('Restart=on-failure', 'Restartt=on-failure'))).toMatch(/Unknown key 'Restartt'/);
    expect(verifyUnit(unit.replace('Type=simple', 'Type=simpel'))).toMatch(/Failed to parse service type/);
  });

  it('check the udev rules with udevadm verify where this systemd has it (254 and later)', (context) => {
    const help = spawnSync('udevadm', ['--help'], { encoding: 'utf8' });
    if (help.status !== 0 || !/\bverify\b/.test(help.stdout)) {
      console.log('[packaging] SKIPPED: udevadm verify needs systemd 254 or later; this machine has none or an older one');
      return context.skip();
    }
    execFileSync('udevadm', ['verify', join(root, 'resources/udev/60-vitalbridge.rules')]);
  });
});
