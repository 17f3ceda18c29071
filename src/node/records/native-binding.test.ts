import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtForAbi, chooseRecordsBinding, currentRuntime, mismatchMessage, RecordsModuleMismatchError, runtimeOfAbi, sideBySideAddonPath } from './native-binding';

const projectRoot = resolve(import.meta.dirname, '..', '..', '..');

/** What Node's process.dlopen throws for an addon of another ABI (its exact wording, Node 20 to 24). */
function dlopenRefusal(builtFor: number, needed: number): Error {
  return Object.assign(
    new Error(
      `The module '/x/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION ${builtFor}. This version of Node.js requires\nNODE_MODULE_VERSION ${needed}. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`,
    ),
    { code: 'ERR_DLOPEN_FAILED' },
  );
}

const electron38 = { abi: '139', name: 'Electron 38.8.6' };
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the records module for this runtime', () => {
  it('uses the package build when it loads, without looking for another', () => {
    expect(chooseRecordsBinding(electron38, () => undefined, '/nowhere/better_sqlite3.node')).toBeUndefined();
  });

  it('falls back to the side-by-side build for this ABI when the package build is for another', () => {
    dir = mkdtempSync(join(tmpdir(), 'vb-native-'));
    const sideBySide = join(dir, 'better_sqlite3.node');
    writeFileSync(sideBySide, '');
    const probe = () => {
      throw dlopenRefusal(115, 139);
    };
    expect(chooseRecordsBinding(electron38, probe, sideBySide)).toBe(sideBySide);
  });

  it('names both ABIs, the runtime and the remedy when neither build matches', () => {
    const probe = () => {
      throw dlopenRefusal(115, 139);
    };
    const attempt = () => chooseRecordsBinding(electron38, probe, '/nowhere/better_sqlite3.node');
    expect(attempt).toThrow(RecordsModuleMismatchError);
    expect(attempt).toThrow(
      'the records module (better-sqlite3-multiple-ciphers) was built for ABI 115 (Node 20), this runtime (Electron 38.8.6) needs ABI 139: run `npm run rebuild`',
    );
  });

  it('lets any other failure through unchanged (a missing file is not an ABI mismatch)', () => {
    const missing = Object.assign(new Error('Could not locate the bindings file'), { code: 'MODULE_NOT_FOUND' });
    expect(() =>
      chooseRecordsBinding(electron38, () => {
        throw missing;
      }),
    ).toThrow(missing);
  });

  it('reads the ABI from the dlopen refusal only', () => {
    expect(builtForAbi(dlopenRefusal(127, 115))).toBe('127');
    expect(builtForAbi(new Error('NODE_MODULE_VERSION 127.'))).toBeNull();
    expect(builtForAbi(Object.assign(new Error('wrong ELF class'), { code: 'ERR_DLOPEN_FAILED' }))).toBeNull();
  });

  it('names runtimes from node-abi, and an unknown ABI by its number alone', () => {
    expect(runtimeOfAbi('115')).toBe('Node 20');
    expect(runtimeOfAbi('139')).toBe('Electron 38');
    expect(runtimeOfAbi('9999')).toBeNull();
    expect(mismatchMessage('9999', electron38)).toContain('was built for ABI 9999, this runtime');
  });

  it('describes this process as Node or Electron', () => {
    expect(currentRuntime({ ...process.versions, modules: '115', node: '20.19.5' })).toEqual({ abi: '115', name: 'Node 20.19.5' });
    expect(currentRuntime({ ...process.versions, modules: '139', electron: '38.8.6' } as NodeJS.ProcessVersions)).toEqual({ abi: '139', name: 'Electron 38.8.6' });
  });

  it('keeps side-by-side builds inside node_modules, one folder per ABI', () => {
    const packageJson = join('/p', 'node_modules', 'better-sqlite3-multiple-ciphers', 'package.json');
    expect(sideBySideAddonPath('139', packageJson)).toBe(join('/p', 'node_modules', '.vitalbridge-native', 'better-sqlite3-multiple-ciphers-abi139', 'better_sqlite3.node'));
    expect(dirname(dirname(sideBySideAddonPath('139')))).toMatch(/node_modules[\\/]\.vitalbridge-native$/);
  });

  // A real runtime of another ABI: Node from the npm registry (the package `node`), opening the
  // records with the build `npm install` made for this Node. It must refuse in one sentence.
  it(
    'under a Node of another ABI, opening the records says which build is there and what to run',
    () => {
      const otherMajor = process.versions.node.startsWith('22.') ? '20' : '22';
      dir = mkdtempSync(join(tmpdir(), 'vb-native-'));
      mkdirSync(join(dir, 'data'));
      const script = [
        "import { openRecordsDatabase } from './src/node/records/database.ts';",
        `openRecordsDatabase({ dataDir: ${JSON.stringify(join(dir, 'data'))}, keyProvider: { getDataKey: async ({ create }) => (create ? Buffer.alloc(32, 7) : null) } })`,
        "  .then(() => console.log('opened'), (error) => console.log(`${error.name}: ${error.message}`));",
      ].join('\n');
      const output = execFileSync('npm', ['exec', '--yes', `--package=node@${otherMajor}`, '--', 'node', '--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: projectRoot,
        encoding: 'utf8',
        env: { ...process.env, npm_config_update_notifier: 'false' },
      });
      const [, otherAbi] = /needs ABI (\d+)/.exec(output) ?? [];
      expect(otherAbi).toBeDefined();
      expect(otherAbi).not.toBe(process.versions.modules);
      expect(output.trim()).toMatch(
        new RegExp(
          `^RecordsModuleMismatchError: the records module \\(better-sqlite3-multiple-ciphers\\) was built for ABI ${process.versions.modules} \\(Node ${process.versions.node.split('.')[0]}\\), ` +
            `this runtime \\(Node ${otherMajor}\\.[0-9.]+\\) needs ABI ${otherAbi}: run \`npm run rebuild\`$`,
        ),
      );
    },
    180_000,
  );
});
