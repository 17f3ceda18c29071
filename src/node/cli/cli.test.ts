import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from '../data-dir';
import { runCli } from './run-cli';
import type { Verb } from './verb';
import { verbs } from './verbs';

const repoRoot = join(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'vb-cli-'));

async function spawnCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'src/node/cli/main.ts', ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function inProcess(argv: string[], available?: readonly Verb[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), signal: new AbortController().signal }, available);
  return { code, stdout, stderr };
}

// Each spawn starts tsx from scratch (seconds on a loaded machine): run them side by side, with room.
describe.concurrent('cli replay (spawned as npm run cli does)', { timeout: 90_000 }, () => {
  it('prints the scale capture as NDJSON and exits 0', async () => {
    const { code, stdout } = await spawnCli('replay', 'resources/captures/hid-pos-scale-dymo.cap');
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { type: 'status', condition: 'ok', detail: 'stable' },
      { type: 'observation', metric: 'bodyWeight', value: 0.2, unit: '[oz_av]', time: null },
      { type: 'observation', metric: 'bodyWeight', value: 35.6, unit: '[oz_av]', time: null },
    ]);
  });

  it('exits 2 with a message for a missing file', async () => {
    const { code, stdout, stderr } = await spawnCli('replay', 'resources/captures/no-such.cap');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('cannot read resources/captures/no-such.cap: ENOENT');
  });

  it('exits non-zero naming the line of a malformed capture', async () => {
    const file = join(scratch, 'broken.cap');
    writeFileSync(file, '# vitalbridge-capture 1\n# device: hid-pos-scale\nin 03 04 0b ff 64 01\nin 03 04 0b ff 6\n');
    const { code, stderr } = await spawnCli('replay', file);
    expect(code).not.toBe(0);
    expect(stderr).toContain('capture line 4: bytes must be two hex digits each');
  });
});

describe('cli rules, in process', () => {
  it('offers --help on every verb with exit 0', async () => {
    for (const verb of verbs) {
      const { code, stdout } = await inProcess([verb.name, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: npm run -s cli -- ${verb.name}`);
    }
  });

  it('lists the verbs on --help and complains about a missing or unknown verb', async () => {
    expect((await inProcess(['--help'])).stdout).toMatch(/replay\s+run a device capture/);
    expect((await inProcess([])).code).toBe(2);
    const unknown = await inProcess(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown verb "frobnicate"');
  });

  it.each([
    [['replay'], 'expects exactly one capture file'],
    [['replay', 'a.cap', 'b.cap'], 'expects exactly one capture file'],
    [['replay', 'resources/captures/hid-pos-scale-dymo.cap', '--speed', '2'], "Unknown option '--speed'"],
    [['replay', 'resources/captures/hid-pos-scale-dymo.cap', '--driver', 'nope'], 'no driver "nope"; known drivers: contec-cms50, omron-hem-790it, hid-pos-scale'],
    [['replay', 'resources', '--data-dir', scratch], 'resources is not a file'],
    [['replay', 'x.cap', '--data-dir'], '--data-dir needs a folder'],
  ])('exits 2 for bad input %j', async (argv, message) => {
    const { code, stderr } = await inProcess(argv.map((a) => (a.startsWith('resources') ? join(repoRoot, a) : a)));
    expect(code).toBe(2);
    expect(stderr).toContain(message.replace('resources is', `${join(repoRoot, 'resources')} is`));
  });

  it('exits 1 when a strict replay differs from the recording', async () => {
    const file = join(scratch, 'scale-with-tare.cap');
    writeFileSync(file, '# vitalbridge-capture 1\n# device: hid-pos-scale\nout 02 02\nin 03 02 0b ff 00 00\n');
    const strict = await inProcess(['replay', file, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('driver never wrote "out 02 02"');
    const lenient = await inProcess(['replay', file]);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout.trim())).toEqual({ type: 'mismatch', write: 1, line: 3, expected: 'out 02 02', actual: null });
  });

  it('passes --data-dir (either spelling) to the verb, defaulting to the per-user folder', async () => {
    const seen: string[] = [];
    const probe: Verb = { name: 'probe', summary: 'test', help: 'Usage: probe', run: async (args, ctx) => (seen.push(`${ctx.dataDir}|${args.join(',')}`), 0) };
    await inProcess(['probe', 'a', '--data-dir', '/tmp/one', 'b'], [probe]);
    await inProcess(['probe', '--data-dir=/tmp/two'], [probe]);
    await inProcess(['probe'], [probe]);
    expect(seen).toEqual(['/tmp/one|a,b', '/tmp/two|', `${defaultDataDir()}|`]);
  });

  it('reports a crashing verb as a failure (exit 1) with its message', async () => {
    const crash: Verb = { name: 'crash', summary: 'test', help: 'Usage: crash', run: () => Promise.reject(new Error('disk on fire')) };
    const { code, stderr } = await inProcess(['crash'], [crash]);
    expect(code).toBe(1);
    expect(stderr).toBe('crash: disk on fire\n');
  });
});

describe('defaultDataDir', () => {
  it('matches Electron userData locations per platform', () => {
    expect(defaultDataDir({}, 'linux', '/home/ana')).toBe('/home/ana/.config/vitalbridge');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/ana')).toBe('/cfg/vitalbridge');
    expect(defaultDataDir({}, 'darwin', '/Users/ana')).toBe('/Users/ana/Library/Application Support/vitalbridge');
    expect(defaultDataDir({ APPDATA: '/appdata' }, 'win32', '/home/ana')).toBe('/appdata/vitalbridge');
  });
});
