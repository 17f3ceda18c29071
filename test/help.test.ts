/**
 * What the README promises a newcomer: `--help` on start:web and start:server, through npm as they
 * would type it, prints usage and exits 0 without starting anything (the CLI verbs' --help:
 * src/node/cli/cli.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const npmRun = (...args: string[]) => spawnSync('npm', ['run', '-s', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

it.each([
  ['start:web', /^Usage: npm run start:web -- /],
  ['start:server', /^Usage: npm run start:server -- /],
])('npm run %s -- --help prints its usage and exits 0', (script, usage) => {
  const run = npmRun(script, '--', '--help');
  expect(run.stdout).toMatch(usage);
  expect(run.status).toBe(0);
}, 60_000);

