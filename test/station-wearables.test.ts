/**
 * A watch at the station as a screen reaches it: nothing is filed before the person's answer, the
 * answer and the import are audited, and the watch's readings (here a pulse of 180 and an SpO₂ of
 * 80, which would alarm if live) raise no alarm and are no live value: they go to the records only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAuditEntries } from '../src/node/audit/audit-log';
import { totpCode } from '../src/node/identity/totp';
import { UserDirectory } from '../src/node/identity/users';
import { openRecordsDatabase } from '../src/node/records/database';
import { FileKeyProvider } from '../src/node/records/key-provider';
import { TEST_SCRYPT_COST, tempDataDir } from '../src/node/records/test-support';
import { invokeContract } from '../src/node/station/contract-session';
import { createStation, type Station } from '../src/node/station/station';
import { encodeWatchFile, minutes, TEST_WATCH, writeFakeWatch } from '../src/node/wearables/fit-test-files';

const PASSWORD = 'correct horse battery';
const SERIAL = String(TEST_WATCH.serialNumber);
const running: Station[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((station) => station.close()));
});

async function startWithWatch() {
  const dataDir = tempDataDir();
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  const { user } = await new UserDirectory(db, Date.now, TEST_SCRYPT_COST).create({ username: 'nurse.ada', role: 'nurse', password: PASSWORD });
  db.close();
  const mounts = mkdtempSync(join(tmpdir(), 'vb-mounts-'));
  const at = new Date(Date.now() - 3_600_000);
  writeFakeWatch(join(mounts, 'GARMIN'), {
    Monitor: {
      'A.FIT': encodeWatchFile(at, 0, [
        { kind: 'heartRate', at, bpm: 180 },
        { kind: 'spo2', at: minutes(at, 1), percent: 80 },
      ]),
    },
  });
  const station = await createStation({ dataDir, keyProvider: new FileKeyProvider(dataDir), hardware: false, wearableMounts: { parents: [mounts], drives: [] }, log: () => undefined });
  running.push(station);
  const screen = station.openScreen(() => undefined);
  expect(await screen.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(user.totpSecret!, Date.now()) })).toMatchObject({ ok: true });
  const call = async (method: Parameters<typeof invokeContract>[2], input?: unknown) => {
    const result = await invokeContract(station.handlers, screen, method, input);
    if (!result.ok) throw new Error(`${String(method)}: ${result.error.message}`);
    return result.output as Record<string, unknown>;
  };
  const wearableRows = () => station.records.store.readings(station.records.encounter.patientId).filter((reading) => reading.source === 'wearable');
  const trail = () => readAuditEntries(station.records.db, 0, 1_000_000).filter((entry) => entry.actor === user.id).map(({ action, object }) => [action, object]);
  return { station, call, wearableRows, trail };
}

describe('a watch at the station', () => {
  it('files nothing before the answer, then imports on yes, audited, without an alarm or a live value', { timeout: 30_000 }, async () => {
    const { station, call, wearableRows, trail } = await startWithWatch();
    expect(await call('getWearableState')).toEqual({ watch: { model: 'fenix 6', serialNumber: SERIAL }, lastImport: null, problem: null });
    expect(wearableRows()).toEqual([]);

    expect(await call('importWearable', { serialNumber: SERIAL })).toEqual({ watch: null, lastImport: { serialNumber: SERIAL, imported: 2, alreadyImported: 0, refused: 0 }, problem: null });
    expect(wearableRows().map((reading) => [reading.metric, reading.value])).toEqual([
      ['pulseRate', 180],
      ['spo2', 80],
    ]);
    const patientId = station.records.encounter.patientId;
    expect(trail()).toEqual(expect.arrayContaining([
      ['consent.record', `wearable-import:${SERIAL}`],
      ['reading.record', patientId],
    ]));
    // Records only: no alarm, and nothing among the live values the monitor, alarms and NEWS2 use.
    expect(station.activity().alarmActive).toBe(false);
    expect(((await call('getSnapshot')).latest as unknown[]).length).toBe(0);
    const readings = (await call('getWearableReadings')).readings as { metric: string }[];
    expect(readings.map((reading) => reading.metric).sort()).toEqual(['pulseRate', 'spo2']);
  });

  it('reads nothing on no, audits the answer, and refuses an import of a watch that is not waiting', { timeout: 30_000 }, async () => {
    const { call, wearableRows, trail } = await startWithWatch();
    expect(await call('declineWearable', { serialNumber: SERIAL })).toMatchObject({ watch: null, lastImport: null });
    await expect(call('importWearable', { serialNumber: SERIAL })).rejects.toThrow(/no watch with that serial number is waiting/);
    expect(wearableRows()).toEqual([]);
    expect(trail()).toContainEqual(['consent.record', `wearable-import-declined:${SERIAL}`]);
  });
});
