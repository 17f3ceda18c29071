/**
 * Web mode killed with SIGKILL while it records: the encrypted records must open again, pass
 * SQLite's integrity check and still hold what was committed before the kill, and the next start
 * must come up on the same folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRecordsDatabase } from '../src/node/records/database';
import { FileKeyProvider } from '../src/node/records/key-provider';
import { stationUiAnnounced } from '../e2e/web/web-station';

const PROJECT_ROOT = resolve(import.meta.dirname, '..');
/** A first start may rebuild the renderer. */
const START_TIMEOUT_MS = 120_000;

const children: ChildProcess[] = [];
let dataDir: string | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Starts web mode as one node process (no npm or tsx wrapper in between, so SIGKILL hits the station itself). */
async function startWebMode(folder: string): Promise<{ child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/web/main.ts', '--simulate', '--port', '0', '--data-dir', folder], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  await stationUiAnnounced(child, () => stderr, START_TIMEOUT_MS);
  return { child, exited, stderr: () => stderr };
}

/** Readings in the folder's records, read the way audit-verify reads them (read-only, no migration). */
async function storedReadingCount(folder: string, mode: 'inspect' | 'read-write' = 'inspect'): Promise<{ readings: number; patients: number; integrity: unknown }> {
  const db = await openRecordsDatabase({ dataDir: folder, keyProvider: new FileKeyProvider(folder), mode });
  try {
    return {
      readings: db.prepare('SELECT count(*) FROM readings').pluck().get() as number,
      patients: db.prepare('SELECT count(*) FROM patients').pluck().get() as number,
      integrity: db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    db.close();
  }
}

describe('web mode killed while recording', () => {
  it('reopens the records with every committed reading after SIGKILL, and starts again on them', { timeout: 2 * START_TIMEOUT_MS + 60_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vitalbridge-sigkill-'));
    const first = await startWebMode(dataDir);
    // Wait until readings are committed (the recorder writes about once a second).
    await expect.poll(async () => (await storedReadingCount(dataDir!)).readings, { timeout: 30_000, interval: 500 }).toBeGreaterThanOrEqual(4);
    const committedBeforeKill = (await storedReadingCount(dataDir)).readings;
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const afterKill = await storedReadingCount(dataDir, 'read-write');
    expect(afterKill.integrity).toBe('ok');
    expect(afterKill.readings).toBeGreaterThanOrEqual(committedBeforeKill);

    const second = await startWebMode(dataDir);
    second.child.kill('SIGTERM');
    expect(await second.exited, second.stderr()).toEqual({ code: 0, signal: null });
    const afterRestart = await storedReadingCount(dataDir);
    // A staff-mode station carries on with the patient it had (persistence/encounter.ts), SIGKILL or not.
    expect(afterRestart).toMatchObject({ integrity: 'ok', patients: 1 });
    expect(afterRestart.readings).toBeGreaterThanOrEqual(afterKill.readings);
  });
});
