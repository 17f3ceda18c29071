/**
 * Crash safety: a writer process, recording through the station recorder and its worker thread,
 * is SIGKILLed at random points, 50 times, on one database. After every kill the database must
 * open cleanly, pass integrity_check, and hold every reading the writer acknowledged, i.e. every
 * reading of a batch the worker reported committed.
 *
 * The writer and the worker are bundled once with esbuild and run by plain node: starting them
 * through tsx would cost most of a second per iteration.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChildProcesses, type ChildBundle } from '../../../test/child-bundle';
import { openRecordsDatabase } from './database';
import { FileKeyProvider } from './key-provider';
import { RecordStore } from './store';
import { tempDataDir } from './test-support';

const ITERATIONS = 50;
const repoRoot = join(import.meta.dirname, '../../..');
let children: ChildBundle;

/** Small seeded PRNG (mulberry32), so a failing run can be repeated with DURABILITY_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Runs the writer until it has acknowledged `killAfterAcks` readings (0: as soon as it exists), then SIGKILLs it. */
function runAndKill(dataDir: string, firstReceivedAt: number, killAfterAcks: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [children.path('durability-writer'), dataDir, String(firstReceivedAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (killAfterAcks === 0) child.kill('SIGKILL');
    createInterface({ input: child.stdout }).on('line', (line) => {
      const ack = /^ack (\d+)$/.exec(line);
      if (!ack) return;
      acked.push(Number(ack[1]));
      if (acked.length === killAfterAcks) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer ended by itself (code ${code}): ${stderr}`));
    });
  });
}

describe('durability under SIGKILL', () => {
  beforeAll(async () => {
    // The recorder starts its worker from the file beside it with its own extension: recorder-worker.mjs.
    children = await bundleChildProcesses(
      'durability',
      {
        'durability-writer': join(import.meta.dirname, 'durability-writer.ts'),
        'recorder-worker': join(repoRoot, 'src/node/station/persistence/recorder-worker.ts'),
      },
      ['better-sqlite3-multiple-ciphers'],
    );
  });

  afterAll(() => children.remove());

  it(`keeps every acknowledged reading across ${ITERATIONS} kills at random points`, { timeout: 120_000 }, async () => {
    const seed = Number(process.env.DURABILITY_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const dataDir = tempDataDir();
    const acknowledged = new Set<number>();
    const started = performance.now();
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      // Mostly mid-stream kills; now and then one during start-up (key creation, open, migration).
      const killAfterAcks = next() < 0.15 ? 0 : 1 + Math.floor(next() * 40);
      const acked = await runAndKill(dataDir, iteration * 1_000_000, killAfterAcks);
      for (const n of acked) acknowledged.add(n);

      const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
      try {
        expect(db.pragma('integrity_check', { simple: true }), `seed ${seed}, iteration ${iteration}`).toBe('ok');
        const store = new RecordStore(db);
        const [patientId] = store.listPatientIds();
        const stored = new Set(patientId ? store.readings(patientId).map((r) => r.receivedAt) : []);
        const lost = [...acknowledged].filter((n) => !stored.has(n));
        expect(lost, `seed ${seed}, iteration ${iteration}: acknowledged but missing`).toEqual([]);
      } finally {
        db.close();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.info(`durability: ${ITERATIONS} kills, ${acknowledged.size} acknowledged readings, all present; ${seconds.toFixed(1)} s (seed ${seed})`);
    expect(acknowledged.size).toBeGreaterThan(ITERATIONS);
  });
});
