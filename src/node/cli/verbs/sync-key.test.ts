import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function syncKey(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['sync-key', ...args], { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), signal: new AbortController().signal });
  return { code, stdout, stderr };
}

describe('sync-key verb', () => {
  it('creates the key pair on first use and prints the same public JWKS every time, never the private key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vb-sync-key-'));
    dirs.push(dataDir);
    const first = await syncKey('--data-dir', dataDir);
    expect(first.code).toBe(0);
    const jwks = JSON.parse(first.stdout) as { keys: Record<string, string>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect((await syncKey('--data-dir', dataDir)).stdout).toBe(first.stdout);
    expect(readdirSync(dataDir).sort()).toEqual(['sync-signing-key.json', 'sync.key']);
    expect(readFileSync(join(dataDir, 'sync-signing-key.json'), 'utf8')).not.toContain('"d"');
  });

  it('refuses arguments with exit 2', async () => {
    const result = await syncKey('extra');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('takes no arguments besides --data-dir');
  });
});
