/**
 * `npm start` on a machine without the Electron binary: one sentence on stderr that says what is
 * missing, how to install it and what works without it; no stack trace, no minute-long build first.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MISSING_ELECTRON_MESSAGE, electronBinary } from '../scripts/require-electron';

const ROOT = resolve(import.meta.dirname, '..');

describe('npm start without the Electron binary', () => {
  it('says in one sentence that Electron is not installed, how to install it and that start:web shows the same station', () => {
    // electron-vite and the check both honour ELECTRON_EXEC_PATH: a path that does not exist is a missing binary on any machine.
    const run = spawnSync('npm', ['start'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_EXEC_PATH: resolve(ROOT, 'no-such-electron-binary') },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${MISSING_ELECTRON_MESSAGE}\n`);
    expect(MISSING_ELECTRON_MESSAGE.match(/[.!?](\s|$)/g)).toHaveLength(1);
    expect(MISSING_ELECTRON_MESSAGE).toMatch(/Electron binary is not installed.*node node_modules\/electron\/install\.js.*npm run start:web -- --simulate/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain('Electron uninstall');
    expect(run.stdout).not.toMatch(/vite v\d/);
  }, 60_000);

  it('finds the binary electron-vite would start', () => {
    expect(electronBinary({ ELECTRON_EXEC_PATH: process.execPath })).toBe(process.execPath);
    expect(electronBinary({ ELECTRON_EXEC_PATH: resolve(ROOT, 'no-such-electron-binary') })).toBeNull();
  });
});
