import type { Observation } from '@medplum/fhirtypes';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexFhirDefinitions, startFhirTestServer, type FhirTestServer } from '../../../../test/fhir-server/fhir-test-server';
import { FileKeyProvider } from '../../records/key-provider';
import { auditTrail, openTestStation } from '../../records/test-support';
import { confSettingsStorage } from '../../settings/json-storage';
import { DEFAULT_SETTINGS } from '../../settings/schema';
import { saveSettings } from '../../settings/settings';
import { loadStationSigningKey, readStationJwks } from '../../sync/station-signing-key';
import { runCli } from '../run-cli';

const AT = Date.UTC(2025, 0, 15, 9, 0);
const READINGS = 20;
const CLIENT_ID = 'station-1';

beforeAll(indexFhirDefinitions, 120_000);

let server: FhirTestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** A station's data folder with one patient, a visit and READINGS oximetry readings waiting in the outbox. */
async function stationWithBacklog() {
  const station = await openTestStation();
  const patient = station.store.createPatient({ givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' });
  const visit = station.store.startVisit(patient.id, 'station');
  for (let minute = 0; minute < READINGS; minute++) {
    station.store.recordReading(patient.id, visit.id, { deviceId: 'ox', metric: 'spo2', unit: '%', value: 90 + (minute % 10), deviceTime: null, receivedAt: AT + minute * 60_000 });
  }
  station.db.close();
  return station.dataDir;
}

/** The test server behind SMART Backend Services with the station's key registered, and the settings pointing at it. */
async function smartServer(dataDir: string) {
  await loadStationSigningKey(dataDir, new FileKeyProvider(dataDir).syncKeyProvider());
  server = await startFhirTestServer({ auth: { smart: { clientId: CLIENT_ID, jwks: readStationJwks(dataDir)! } } });
  // Medplum takes at most 8 conditional creates in one transaction.
  const fhirServer = { ...DEFAULT_SETTINGS.fhirServer, baseUrl: server.baseUrl, auth: 'smart' as const, clientId: CLIENT_ID, tokenUrl: server.tokenUrl, maxEntries: 8 };
  saveSettings(confSettingsStorage(dataDir), { ...DEFAULT_SETTINGS, fhirServer });
  return server;
}

function syncCli(args: string[], signal = new AbortController().signal) {
  const output = { stdout: '', stderr: '' };
  const done = runCli(['sync', ...args], { stdout: (text) => void (output.stdout += text), stderr: (text) => void (output.stderr += text), signal });
  return { output, done: done.then((code) => ({ code, ...output })) };
}

const sync = (...args: string[]) => syncCli(args).done;

async function observationValues(fhir: FhirTestServer) {
  return ((await fhir.resources('Observation')) as Observation[]).map((observation) => observation.valueQuantity?.value).sort();
}

describe('sync verb', { timeout: 120_000 }, () => {
  it('--status says what waits and that no server is set', async () => {
    const dataDir = await stationWithBacklog();
    const result = await sync('--status', '--data-dir', dataDir);
    // The patient, the visit and every reading.
    expect(result).toEqual({ code: 0, stdout: `server: none (settings fhirServer.baseUrl is not set)\nlast success: never\nwaiting: ${READINGS + 2}, in flight: 0, parked: 0\n`, stderr: '' });
    expect(await sync('--once', '--data-dir', dataDir)).toEqual({ code: 1, stdout: '', stderr: 'sync: no FHIR server is set (settings fhirServer.baseUrl)\n' });
  });

  it('--once sends the backlog through SMART Backend Services, each reading once, audited as cli with counts only', async () => {
    const dataDir = await stationWithBacklog();
    const fhir = await smartServer(dataDir);
    const result = await sync('--once', '--data-dir', dataDir);
    expect(result).toEqual({ code: 0, stdout: `sent ${READINGS + 2} items; 0 waiting, 0 parked\n`, stderr: '' });
    expect(await observationValues(fhir)).toEqual(Array.from({ length: READINGS }, (_, minute) => 90 + (minute % 10)).sort());
    expect(await fhir.resources('Patient')).toHaveLength(1);
    expect(fhir.requests.filter((request) => request.path === '/auth/token')).toHaveLength(1);

    // Nothing is due any more: a second run sends nothing.
    expect(await sync('--once', '--data-dir', dataDir)).toMatchObject({ code: 0, stdout: 'sent 0 items; 0 waiting, 0 parked\n' });
    const status = await sync('--status', '--data-dir', dataDir);
    expect(status.stdout).toMatch(new RegExp(`^server: ${fhir.baseUrl}\nlast success: \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\nwaiting: 0, in flight: 0, parked: 0\n$`));

    const pushes = (await auditTrail(dataDir)).filter((entry) => entry.action === 'sync.push');
    expect(pushes.length).toBeGreaterThanOrEqual(3);
    expect(pushes.every((entry) => entry.actor === 'cli' && entry.role === 'system')).toBe(true);
    expect(pushes.map((entry) => entry.object).join('\n')).not.toMatch(/Imogen|Fairweather|MRN-1|spo2/);
  });

  it("--once exits 1 with one line when the token endpoint refuses the station's key, and the backlog waits", async () => {
    const dataDir = await stationWithBacklog();
    const fhir = await smartServer(dataDir);
    fhir.faults.respond(1, 401, {}, 'token');
    const result = await sync('--once', '--data-dir', dataDir);
    expect(result).toEqual({
      code: 1,
      stdout: `sent 0 items; ${READINGS + 2} waiting, 0 parked\n`,
      stderr: `sync: the server refused the station's key (register the JWKS from sync-key); ${READINGS + 2} items wait for a retry\n`,
    });
    expect(await fhir.resources('Observation')).toEqual([]);
  });

  it('--once exits 1 when items are parked, and --status lists each with ids and issue codes, never patient data', async () => {
    const station = await openTestStation(await stationWithBacklog());
    // A reading pruned before it was sent is parked with our own OperationOutcome.
    const pruned = station.db.prepare('SELECT min(id) FROM readings').pluck().get() as number;
    station.db.prepare('DELETE FROM readings WHERE id = ?').run(pruned);
    station.db.close();
    await smartServer(station.dataDir);
    const result = await sync('--once', '--data-dir', station.dataDir);
    expect(result).toEqual({ code: 1, stdout: `sent ${READINGS + 1} items; 0 waiting, 1 parked\n`, stderr: 'sync: the server refused 1 items (parked); see sync --status\n' });
    const status = await sync('--status', '--data-dir', station.dataDir);
    expect(status.stdout).toMatch(new RegExp(`\nwaiting: 0, in flight: 0, parked: 1\nparked #\\d+ reading ${pruned} \\(attempts 1, [\\dT:.Z-]+\\): error not-found\n$`));
  });

  it('without --once keeps sending what is recorded meanwhile and stops cleanly when signalled', async () => {
    const dataDir = await stationWithBacklog();
    const fhir = await smartServer(dataDir);
    const stop = new AbortController();
    const running = syncCli(['--data-dir', dataDir], stop.signal);
    await expect.poll(async () => (await fhir.resources('Observation')).length, { timeout: 60_000, message: JSON.stringify(running.output) }).toBe(READINGS);

    // A reading recorded while the sync runs (by the station, in its own connection) is sent too.
    const station = await openTestStation(dataDir);
    const [patientId] = station.store.listPatientIds();
    station.store.recordReading(patientId!, null, { deviceId: 'ox', metric: 'spo2', unit: '%', value: 77, deviceTime: null, receivedAt: AT + READINGS * 60_000 });
    station.db.close();
    await expect.poll(async () => (await observationValues(fhir)).includes(77), { timeout: 60_000 }).toBe(true);

    stop.abort();
    const result = await running.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sent \d+, retrying 0, parked 0 \(HTTP 200\)\n/);
    expect(result.stdout.endsWith('stopped\n')).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('refuses --once with --status, and arguments, with exit 2', async () => {
    expect(await sync('--once', '--status')).toMatchObject({ code: 2, stderr: expect.stringContaining('--once and --status do not go together') });
    expect(await sync('now')).toMatchObject({ code: 2, stderr: expect.stringContaining('unexpected argument now') });
  });
});
