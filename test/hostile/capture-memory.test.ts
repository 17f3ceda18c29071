/**
 * Issue 13 item 12: a 63 MB capture took gigabytes to replay. Two causes: every parsed record was
 * an object with its own byte array (about 300 bytes a record), and the CMS50 driver raced each
 * read against one long-lived abort promise, which kept every chunk it ever read. The replay verb
 * now holds records in a compact store (src/node/capture/record-store.ts) and the driver drops
 * its abort listener once a read settles. Here a 700 000-record CMS50 stream (24 MB) replays
 * through the real verb in a process of its own and must stay under 300 MB at its peak: about
 * 200 MB now, about 800 MB before (some 100 MB of that is node and tsx themselves).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const RECORDS = 700_000;
const PEAK_LIMIT_BYTES = 300 * 1024 * 1024;
const RUNNER = 'test/hostile/replay-peak-memory.ts';

const scratch = mkdtempSync(join(tmpdir(), 'vb-capture-memory-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface PeakReport {
  code: number;
  lines: number;
  lastLine: string;
  stderr: string;
  peakRssBytes: number;
}

function replayInOwnProcess(file: string): Promise<PeakReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      if (exitCode !== 0) reject(new Error(`replay runner exited ${exitCode}: ${stderr}`));
      else resolve(JSON.parse(stdout) as PeakReport);
    });
  });
}

describe('replay of a large capture', () => {
  it(`replays ${RECORDS} records of a CMS50 stream under 300 MB of peak memory`, { timeout: 90_000 }, async () => {
    // The CMS50E sniff's start command, then one live package every 17 ms (60 a second).
    const header = '# vitalbridge-capture 1\n# device: contec-cms50\n# transport: serial\n# serial: 115200 8N1\n\nout 7d 81 a1 80 80 80 80 80 80\n';
    const file = join(scratch, 'long-stream.cap');
    writeFileSync(file, header + '+17 in 01 e0 84 93 92 bc e3 ff ff\n'.repeat(RECORDS));

    const report = await replayInOwnProcess(file);

    expect(report.code).toBe(0);
    expect(report.stderr).toBe('');
    expect(report.lines).toBeGreaterThan(RECORDS / 10);
    expect(JSON.parse(report.lastLine)).toMatchObject({ type: 'waveform', metric: 'pleth' });
    expect(report.peakRssBytes).toBeLessThan(PEAK_LIMIT_BYTES);
  });
});
