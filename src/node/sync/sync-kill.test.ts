/**
 * Exactly once through crashes: the station's `sync` verb (the real CLI, bundled once by
 * test/child-bundle.ts and run by plain node) is SIGKILLed 20 times while the FHIR server holds its
 * transaction, which the server then stores all the same: the station never learns the batch
 * arrived and sends it again later. Conditional creates (ifNoneExist on each record's identifier)
 * must make every resend harmless: at the end the server holds every reading exactly once and
 * `sync --status` says nothing waits, is in flight or is parked.
 *
 * fhirServer.requestTimeoutSeconds is 3 here, so a killed process's claim (twice that) lapses in
 * 6 s instead of the default 2 minutes.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Observation } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChildProcesses, type ChildBundle } from '../../../test/child-bundle';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../../test/fhir-server/fhir-test-server';
import { openRecordsDatabase } from '../records/database';
import { FileKeyProvider } from '../records/key-provider';
import { RecordStore } from '../records/store';
import { tempDataDir } from '../records/test-support';
import { confSettingsStorage } from '../settings/json-storage';
import { DEFAULT_SETTINGS } from '../settings/schema';
import { saveSettings } from '../settings/settings';

const KILLS = 20;
const READINGS = 150;
let children: ChildBundle;
let server: FhirTestServer | undefined;

beforeAll(async () => {
  indexFhirDefinitions();
  children = await bundleChildProcesses('sync-kill', { cli: join(import.meta.dirname, '../cli/main.ts') }, 'all-packages');
}, 120_000);

afterAll(async () => {
  await server?.stop();
  children.remove();
});

/** `sync` without --once: keeps sending until a signal stops it. */
function startSync(dataDir: string) {
  const child = spawn(process.execPath, [children.path('cli'), 'sync', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const lines: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: string[]; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, lines, stderr }));
  });
  return { child, ended };
}

async function syncStatus(dataDir: string): Promise<string> {
  return (await promisify(execFile)(process.execPath, [children.path('cli'), 'sync', '--status', '--data-dir', dataDir])).stdout;
}

async function stationWithBacklog(baseUrl: string): Promise<string> {
  const dataDir = tempDataDir();
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  const store = new RecordStore(db);
  const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: '1955-12-10', gender: 'female', identifier: null });
  const visit = store.startVisit(patient.id, 'nurse-1');
  const start = Date.UTC(2025, 0, 15, 9);
  for (let i = 0; i < READINGS; i += 1) {
    const pulse = i % 2 === 1;
    store.recordReading(patient.id, visit.id, { deviceId: 'ox-1', metric: pulse ? 'pulseRate' : 'spo2', value: pulse ? 60 + (i % 40) : 90 + (i % 10), unit: pulse ? '/min' : '%', deviceTime: null, receivedAt: start + i * 60_000, source: 'pulse-oximeter' });
  }
  db.close();
  // Medplum refuses transactions with conditional creates of more than 8 entries. Every reading on
  // its own: each minute's summary row becomes its reading's row when claimed, the longer path.
  const fhirServer = { ...DEFAULT_SETTINGS.fhirServer, baseUrl, auth: 'none' as const, maxEntries: 8, requestTimeoutSeconds: 3, volume: 'all-readings' as const };
  saveSettings(confSettingsStorage(dataDir), { ...DEFAULT_SETTINGS, fhirServer });
  return dataDir;
}

describe('sync under SIGKILL', () => {
  it(`the sync verb killed mid-batch ${KILLS} times leaves every reading on the server exactly once`, async () => {
    server = await startFhirTestServer();
    const dataDir = await stationWithBacklog(server.baseUrl);
    for (let kill = 0; kill < KILLS; kill += 1) {
      // The process's first request is held by the server until after the kill, then stored.
      const held = server.faults.hang(1, 200);
      const { child, ended } = startSync(dataDir);
      await held;
      const answeredBefore = server.requests.length;
      child.kill('SIGKILL');
      const end = await ended;
      expect(end.signal, end.stderr).toBe('SIGKILL');
      // It never heard an answer.
      expect(end.lines).toEqual([]);
      // The next process starts once the server has stored what the killed one sent.
      await expect.poll(() => server!.requests.length, { timeout: 60_000 }).toBeGreaterThan(answeredBefore);
      expect(server.requests.at(-1)?.status).toBe(200);
    }
    const stored = (await server.resources('Observation')).length;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(READINGS);

    // A sync left running sends the rest, the killed processes' claims too once they lapse.
    const last = startSync(dataDir);
    await expect.poll(() => syncStatus(dataDir), { timeout: 120_000, interval: 500 }).toMatch(/^waiting: 0, in flight: 0, parked: 0$/m);
    last.child.kill('SIGTERM');
    const end = await last.ended;
    expect(end.code, end.stderr).toBe(0);
    expect(end.lines.at(-1)).toBe('stopped');

    const observations = (await server.resources('Observation')) as Observation[];
    const identifiers = observations.map((observation) => `${observation.identifier?.[0]?.system}|${observation.identifier?.[0]?.value}`);
    expect(new Set(identifiers).size).toBe(READINGS);
    expect(observations).toHaveLength(READINGS);
    expect(await server.resources('Patient')).toHaveLength(1);
    expect(await server.resources('Encounter')).toHaveLength(1);
    // The station itself and its one pulse oximeter.
    expect(await server.resources('Device')).toHaveLength(2);
  }, 600_000);
});
