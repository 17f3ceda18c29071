/**
 * The station core as a screen reaches it, for the audit trail's completeness: a signed-in nurse's
 * screen viewing the current patient is recorded once per session, a video visit's start, the
 * clinician's admission and its end are recorded with the visit id, and the records methods are
 * served, each entry under the nurse's own id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VISIT_CONSENT_STATEMENT } from '../src/shared/contract-visit';
import type { StationRole } from '../src/shared/roles';
import { readAuditEntries } from '../src/node/audit/audit-log';
import { totpCode } from '../src/node/identity/totp';
import { UserDirectory } from '../src/node/identity/users';
import { openRecordsDatabase } from '../src/node/records/database';
import { FileKeyProvider } from '../src/node/records/key-provider';
import { TEST_SCRYPT_COST, tempDataDir } from '../src/node/records/test-support';
import { invokeContract } from '../src/node/station/contract-session';
import { createStation, type Station } from '../src/node/station/station';
import type { VisitConnector } from '../src/node/station/visits';

const PASSWORD = 'correct horse battery';
const running: Station[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((station) => station.close()));
});

/** A consultation server that creates visit v1. */
const connector: VisitConnector = {
  serverUrl: 'http://127.0.0.1:1',
  createVisit: async () => ({ visitId: 'v1', stationToken: 's', clinicianToken: 'c', clinicianUrl: 'http://127.0.0.1:1/#token=c', expiresAt: Date.now() + 60_000 }),
  endVisit: async () => true,
  clinicianConnected: async () => false,
};

/** An account written into the data folder before the start, as an administrator would have created it. */
async function account(dataDir: string, username: string, role: StationRole): Promise<{ id: string; secret: Buffer }> {
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  try {
    const { user } = await new UserDirectory(db, Date.now, TEST_SCRYPT_COST).create({ username, role, password: PASSWORD });
    return { id: user.id, secret: user.totpSecret! };
  } finally {
    db.close();
  }
}

describe('audit completeness at the station', () => {
  it('records the screen’s view once per session, and a visit’s start, admission and end with its id', { timeout: 30_000 }, async () => {
    const dataDir = tempDataDir();
    const nurse = await account(dataDir, 'nurse.ada', 'nurse');
    const station = await createStation({ dataDir, keyProvider: new FileKeyProvider(dataDir), hardware: false, consult: () => connector, log: () => undefined });
    running.push(station);
    const screen = station.openScreen(() => undefined);
    expect(await screen.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(nurse.secret, Date.now()) })).toMatchObject({ ok: true });
    const call = async (method: Parameters<typeof invokeContract>[2], input?: unknown) => {
      const result = await invokeContract(station.handlers, screen, method, input);
      if (!result.ok) throw new Error(`${String(method)}: ${result.error.message}`);
      return result.output as Record<string, unknown>;
    };

    for (let i = 0; i < 3; i++) await call('getSnapshot');
    const consent = await call('recordVisitConsent', { statementVersion: VISIT_CONSENT_STATEMENT.version, accepted: true });
    const visit = await call('startVisit', { consentId: consent.consentId });
    await call('admitClinician', { visitId: visit.visitId });
    await call('endVisit', { visitId: visit.visitId });
    const [current] = (await call('listPatients')) as unknown as { id: string; current: boolean }[];

    const patientId = station.records.encounter.patientId;
    expect(current).toMatchObject({ id: patientId, current: true });
    const trail = readAuditEntries(station.records.db, 0, 1_000_000).filter((entry) => entry.actor === nurse.id);
    expect(trail.map(({ action, object }) => [action, object])).toEqual([
      ['session.sign-in', null],
      ['patient.view', patientId],
      ['consent.record', expect.any(String)],
      ['visit.start', 'v1'],
      ['visit.admit-clinician', 'v1'],
      ['visit.end', 'v1'],
      ['patient.list', null],
    ]);
    expect(new Set(trail.map((entry) => entry.where)).size).toBe(1);
  });

  it('records a physician’s audio pause, alarm-limit change and NEWS2 entries under their own id, and no refused one; the limits survive a restart', { timeout: 60_000 }, async () => {
    const dataDir = tempDataDir();
    const physician = await account(dataDir, 'dr.lee', 'physician');
    const nurse = await account(dataDir, 'nurse.ada', 'nurse');
    const station = await createStation({ dataDir, keyProvider: new FileKeyProvider(dataDir), hardware: false, log: () => undefined });
    running.push(station);
    const signedIn = async (username: string, who: { secret: Buffer }) => {
      const screen = station.openScreen(() => undefined);
      expect(await screen.signIn({ username, password: PASSWORD, totp: totpCode(who.secret, Date.now()) })).toMatchObject({ ok: true });
      return (method: Parameters<typeof invokeContract>[2], input?: unknown) => invokeContract(station.handlers, screen, method, input);
    };
    const asPhysician = await signedIn('dr.lee', physician);
    const asNurse = await signedIn('nurse.ada', nurse);
    expect(await asPhysician('pauseAlarmAudio', { durationMs: 60_000 })).toMatchObject({ ok: true });
    // The station itself refuses a change without a reason, whatever the screen checked: nothing changes, nothing is audited.
    expect(await asPhysician('setAlarmLimits', { metric: 'spo2', low: 85 })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/needs a reason/) } });
    expect(await asPhysician('setAlarmLimits', { metric: 'spo2', low: 88, reason: 'COPD' })).toMatchObject({ ok: true });
    expect(await asNurse('setAlarmLimits', { metric: 'spo2', low: 86 })).toMatchObject({ ok: false });
    expect(await asPhysician('enterNews2Observation', { respiratoryRate: 18, spo2Scale2: true })).toMatchObject({ ok: true });
    expect(await asNurse('enterNews2Observation', { consciousness: 'A' })).toMatchObject({ ok: true });

    const patientId = station.records.encounter.patientId;
    const acts = readAuditEntries(station.records.db, 0, 1_000_000)
      .filter((entry) => !entry.action.startsWith('session.') && entry.actor !== 'station')
      .map(({ actor, role, action, object }) => [actor, role, action, object]);
    expect(acts).toEqual([
      [physician.id, 'physician', 'alarm.pause-audio', null],
      [physician.id, 'physician', 'alarm.change-limits', expect.stringMatching(/^[0-9a-f-]{36}$/)],
      [physician.id, 'physician', 'observation.enter', patientId],
      [physician.id, 'physician', 'news2.prescribe-scale-2', patientId],
      [nurse.id, 'nurse', 'observation.enter', patientId],
    ]);
    expect(JSON.stringify(readAuditEntries(station.records.db, 0, 1_000_000))).not.toContain('COPD');
    expect(station.records.audit.verify()).toMatchObject({ ok: true });
    // The limit change's row, named by its audit entry, keeps who, what and why, encrypted.
    const changeId = acts[1]![3] as string;
    expect(station.records.db.prepare('SELECT metric, side, old_value, new_value, changed_by, reason FROM alarm_limit_changes WHERE id = ?').get(changeId)).toEqual({
      metric: 'spo2',
      side: 'low',
      old_value: 90,
      new_value: 88,
      changed_by: physician.id,
      reason: 'COPD',
    });

    await station.close();
    const restarted = await createStation({ dataDir, keyProvider: new FileKeyProvider(dataDir), hardware: false, log: () => undefined });
    running.push(restarted);
    const screen = restarted.openScreen(() => undefined);
    // The next code: the one used above is spent.
    await screen.signIn({ username: 'nurse.ada', password: PASSWORD, totp: totpCode(nurse.secret, Date.now() + 30_000) });
    const state = await invokeContract(restarted.handlers, screen, 'getClinicalState', undefined);
    expect(state).toMatchObject({ ok: true, output: { alarms: { limits: { spo2: { low: 88, high: null } }, limitChanges: [{ metric: 'spo2', side: 'low', newValue: 88, reason: 'COPD', by: { id: physician.id, role: 'physician' } }] } } });
  });
});
