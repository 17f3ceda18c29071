/**
 * Builds the records module (better-sqlite3-multiple-ciphers) for the installed Electron, beside
 * the package's own build for Node (see src/node/records/native-binding.ts for why two builds).
 *
 *   npm run rebuild                      build it (again); fails if it cannot
 *   tsx scripts/rebuild-native.ts --if-electron
 *                                        the postinstall step: nothing without the Electron binary,
 *                                        and a failed build is a warning, so `npm install` completes
 *                                        and `npm start` later names the problem
 *
 * The build runs the package's own install script (prebuild-install, else node-gyp) in a copy of
 * the package, with npm's documented variables for another runtime (npm_config_runtime, _target,
 * _disturl), and is checked by loading it in Electron before it is put in place.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { getAbi } from 'node-abi';
import { RECORDS_MODULE, sideBySideAddonPath } from '../src/node/records/native-binding';
import { electronBinary, MISSING_ELECTRON_MESSAGE } from './require-electron';

const require = createRequire(import.meta.url);
const ifElectron = process.argv.includes('--if-electron');
const say = (line: string) => process.stdout.write(`[rebuild] ${line}\n`);

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): void {
  const result = spawnSync(command, args, { ...options, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

function buildForElectron(binary: string): string {
  const version = (require('electron/package.json') as { version: string }).version;
  const abi = getAbi(version, 'electron');
  const target = sideBySideAddonPath(abi);
  const packageDir = dirname(require.resolve(`${RECORDS_MODULE}/package.json`));
  // Inside node_modules, so the copy's install script finds prebuild-install on the PATH npm gives it.
  const work = mkdtempSync(join(dirname(dirname(target)), 'build-'));
  try {
    const copy = join(work, RECORDS_MODULE);
    const ownBuild = join(packageDir, 'build');
    cpSync(packageDir, copy, { recursive: true, filter: (path) => path !== ownBuild && !path.startsWith(ownBuild + sep) });
    say(`building ${RECORDS_MODULE} for Electron ${version} (ABI ${abi})`);
    run('npm', ['run', 'install'], {
      cwd: copy,
      env: { ...process.env, npm_config_runtime: 'electron', npm_config_target: version, npm_config_disturl: 'https://electronjs.org/headers' },
    });
    const built = join(copy, 'build', 'Release', 'better_sqlite3.node');
    run(binary, ['-e', `require(${JSON.stringify(built)})`], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(built, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const binary = electronBinary();
if (binary === null) {
  if (ifElectron) say('no Electron binary here: web mode, the CLI and the tests use the records module built for this Node');
  else {
    process.stderr.write(`${MISSING_ELECTRON_MESSAGE}\n`);
    process.exitCode = 1;
  }
} else {
  try {
    const target = buildForElectron(binary);
    say(`the records module for Electron is ${target}`);
  } catch (error) {
    const message = `could not build the records module for Electron: ${(error as Error).message}. Web mode, the CLI and the tests still work; \`npm start\` needs \`npm run rebuild\` to succeed (it needs either the prebuilt download or a C++ toolchain with Python for node-gyp)`;
    if (ifElectron) say(`WARNING: ${message}`);
    else {
      process.stderr.write(`${message}\n`);
      process.exitCode = 1;
    }
  }
}
