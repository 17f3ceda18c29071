/**
 * The contract's access gate as an attacker meets it: a screen signed in as each role calls every
 * guarded method through invokeContract (the one path Electron IPC and the web-mode socket share)
 * and is refused exactly when the role matrix denies the action the method needs. The actions
 * are written out here independently of src/shared/method-access.ts, from what each method does
 * (README "Sign-in and roles"), so changing an entry there, loosening or tightening, fails a test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stationMethods, type StationMethodName } from '../../../shared/contract';
import { VISIT_CONSENT_STATEMENT } from '../../../shared/contract-visit';
import { METHOD_REQUIREMENTS, OPEN_METHODS, requiredAction, type GuardedMethodName } from '../../../shared/method-access';
import { can, STATION_ROLES, type ProtectedAction, type StationRole } from '../../../shared/roles';
import { EMPTY_NOTE_SECTIONS as NOTE } from '../../../shared/visit-notes';
import { invokeContract, type ContractHandlers } from '../contract-session';
import { openAccessBench, type AccessBench } from './access-test-support';
import type { ScreenAccess } from './station-access';

interface GuardedCall {
  method: GuardedMethodName;
  /** A valid input, so the gate (not the schema) decides. */
  input: unknown;
  needs: ProtectedAction;
}

const GUARDED_CALLS: readonly GuardedCall[] = [
  { method: 'getSnapshot', input: undefined, needs: 'patient.view' },
  { method: 'getEncounterHistory', input: { before: null, limit: 10 }, needs: 'patient.view' },
  { method: 'getWearableState', input: undefined, needs: 'patient.view' },
  { method: 'importWearable', input: { serialNumber: '3991234567' }, needs: 'reading.record' },
  { method: 'declineWearable', input: { serialNumber: '3991234567' }, needs: 'reading.record' },
  { method: 'getWearableReadings', input: undefined, needs: 'patient.view' },
  { method: 'requestMeasurement', input: { deviceId: 'sim-bp-cuff' }, needs: 'reading.record' },
  { method: 'recordVisitConsent', input: { statementVersion: VISIT_CONSENT_STATEMENT.version, accepted: true }, needs: 'consent.record' },
  { method: 'startVisit', input: { consentId: 'c1' }, needs: 'visit.start' },
  { method: 'admitClinician', input: { visitId: 'v1' }, needs: 'visit.admit-clinician' },
  { method: 'endVisit', input: { visitId: 'v1' }, needs: 'visit.end' },
  // Snapshots are the remote clinician's, relayed by the screen that hosts the visit.
  { method: 'saveVisitSnapshot', input: { visitId: 'v1', snapshotId: 's1', takenAt: 0, index: 0, count: 1, data: 'iVBORw0KGgo=' }, needs: 'visit.admit-clinician' },
  { method: 'getClinicalState', input: undefined, needs: 'patient.view' },
  { method: 'acknowledgeAlarm', input: { alarmId: 'A1' }, needs: 'alarm.acknowledge' },
  { method: 'acknowledgeAlarm', input: { alarmId: 'A1', forRemoteClinician: { visitId: 'v1' } }, needs: 'visit.admit-clinician' },
  { method: 'pauseAlarmAudio', input: {}, needs: 'alarm.pause-audio' },
  { method: 'setAlarmLimits', input: { metric: 'spo2', low: 88, reason: 'COPD' }, needs: 'alarm.change-limits' },
  { method: 'enterNews2Observation', input: { respiratoryRate: 18 }, needs: 'observation.enter' },
  { method: 'listScenarios', input: undefined, needs: 'patient.view' },
  { method: 'playScenario', input: { name: 'desaturation' }, needs: 'device.manage' },
  { method: 'listUsers', input: undefined, needs: 'user.manage' },
  { method: 'createUser', input: { username: 'new.nurse', role: 'nurse', password: 'long enough password' }, needs: 'user.manage' },
  { method: 'removeUser', input: { userId: 'u1' }, needs: 'user.manage' },
  { method: 'enableKiosk', input: undefined, needs: 'settings.change' },
  { method: 'finishKioskVisit', input: undefined, needs: 'visit.end' },
  { method: 'listPatients', input: undefined, needs: 'patient.list' },
  { method: 'getCurrentPatient', input: undefined, needs: 'patient.view' },
  { method: 'nameCurrentPatient', input: { givenName: 'Ada', familyName: 'Byron', gender: 'female' }, needs: 'patient.edit' },
  { method: 'findServerPatients', input: { identifier: 'MRN-1' }, needs: 'patient.edit' },
  { method: 'exportPatientRecord', input: { patientId: 'p1' }, needs: 'record.export' },
  { method: 'readPatientExportChunk', input: { exportId: 'e1', index: 1 }, needs: 'record.export' },
  // A visit summary downloaded leaves the station as part of the record; the one on screen is a view of the current patient.
  { method: 'exportVisitSummary', input: { visitId: 'v1', format: 'pdf' }, needs: 'record.export' },
  { method: 'getCurrentVisitSummary', input: undefined, needs: 'patient.view' },
  { method: 'erasePatientRecord', input: { patientId: 'p1' }, needs: 'record.erase' },
  { method: 'verifyAuditTrail', input: undefined, needs: 'audit.view' },
  { method: 'getSyncStatus', input: undefined, needs: 'sync.manage' },
  { method: 'getSyncSummary', input: undefined, needs: 'sync.status' },
  { method: 'retryParkedSync', input: undefined, needs: 'sync.manage' },
  { method: 'sendSyncNow', input: undefined, needs: 'sync.manage' },
  // The HL7 output's status and Retry are the same queue care as the FHIR sync's.
  { method: 'getHl7Status', input: undefined, needs: 'sync.manage' },
  { method: 'retryParkedHl7', input: undefined, needs: 'sync.manage' },
  // A visit's pleth leaves the station as part of the patient's record: the export right.
  { method: 'listPlethVisits', input: { patientId: 'p1' }, needs: 'record.export' },
  { method: 'sendEncounterPleth', input: { visitId: 'v1' }, needs: 'record.export' },
  { method: 'getMonitorSettings', input: undefined, needs: 'settings.change' },
  { method: 'setMonitorSettings', input: { alwaysShow: ['respiratoryRate'] }, needs: 'settings.change' },
  // Visit notes: the screen's own are note.write (nurses, physicians); relaying the remote clinician's is part of hosting the visit.
  { method: 'getVisitNotes', input: {}, needs: 'note.write' },
  { method: 'getVisitNotes', input: { forRemoteClinician: { visitId: 'v1' } }, needs: 'visit.admit-clinician' },
  { method: 'saveVisitNoteDraft', input: { sections: NOTE, revision: 1 }, needs: 'note.write' },
  { method: 'saveVisitNoteDraft', input: { sections: NOTE, revision: 1, forRemoteClinician: { visitId: 'v1' } }, needs: 'visit.admit-clinician' },
  { method: 'signVisitNote', input: { noteId: 'n1', revision: 1 }, needs: 'note.write' },
  { method: 'signVisitNote', input: { noteId: 'n1', revision: 1, forRemoteClinician: { visitId: 'v1' } }, needs: 'visit.admit-clinician' },
  { method: 'addVisitNoteAddendum', input: { noteId: 'n1', text: 'later' }, needs: 'note.write' },
  { method: 'addVisitNoteAddendum', input: { noteId: 'n1', text: 'later', forRemoteClinician: { visitId: 'v1' } }, needs: 'visit.admit-clinician' },
  { method: 'recordMeasurementRequest', input: { visitId: 'v1', requestId: 'r1', deviceId: 'cuff', event: 'requested' }, needs: 'visit.admit-clinician' },
  { method: 'printVisitSummary', input: { visitId: 'v1' }, needs: 'record.export' },
  { method: 'printVisitSummary', input: {}, needs: 'patient.view' },
];

const OPEN: Record<string, 'anyone' | 'session'> = {
  getAccessState: 'anyone',
  enrolAdministrator: 'anyone',
  signIn: 'anyone',
  startKioskVisit: 'anyone',
  leaveKiosk: 'anyone',
  unlockSession: 'session',
  lockSession: 'session',
  signOut: 'session',
  reportActivity: 'session',
};

const label = ({ method, input }: GuardedCall) => `${method}${(input as { forRemoteClinician?: unknown } | undefined)?.forRemoteClinician ? ' (relayed)' : ''}`;

describe('METHOD_REQUIREMENTS, pinned', () => {
  it('every contract method is open or guarded, as written out here', () => {
    const guarded = [...new Set(GUARDED_CALLS.map((call) => call.method))].sort();
    expect(Object.keys(METHOD_REQUIREMENTS).sort()).toEqual(guarded);
    expect(OPEN_METHODS).toEqual(OPEN);
    expect([...guarded, ...Object.keys(OPEN)].sort()).toEqual(Object.keys(stationMethods).sort());
  });

  it.each(GUARDED_CALLS.map((call) => [label(call), call] as const))('%s needs the action written here', (_label, call) => {
    expect(stationMethods[call.method].input.safeParse(call.input).success).toBe(true);
    expect(requiredAction(call.method, call.input as never)).toBe(call.needs);
  });
});

/** Every handler is reached only past the gate; reaching one answers this marker. */
const REACHED = 'handler reached';
const handlers = new Proxy({} as ContractHandlers, {
  get: () => () => {
    throw new Error(REACHED);
  },
});

describe('the gate, for a screen signed in as each role', () => {
  let bench: AccessBench;
  const screens = new Map<StationRole, ScreenAccess>();
  beforeAll(async () => {
    bench = await openAccessBench();
    for (const role of STATION_ROLES) {
      const screen = bench.screen().access;
      if (role === 'kiosk') {
        // A kiosk session is opened by the station for the patient it serves, without credentials.
        screen.adopt(bench.station.auth.openKioskSession(bench.patient.id), 'Kiosk');
      } else {
        const outcome = await screen.signIn((await bench.account(role)).credentials());
        if (!outcome.ok) throw new Error(`${role} could not sign in: ${outcome.reason}`);
      }
      screens.set(role, screen);
    }
  });
  afterAll(() => bench.close());

  const cases = STATION_ROLES.flatMap((role) => GUARDED_CALLS.map((call) => [role, label(call), call] as const));
  it.each(cases)('%s calling %s: forbidden exactly when the matrix says no', async (role, _label, call) => {
    const result = await invokeContract(handlers, screens.get(role)!, call.method satisfies StationMethodName, call.input);
    if (can(role, call.needs)) expect(result).toMatchObject({ ok: false, error: { code: 'failed', message: REACHED } });
    else expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a screen nobody signed in at reaches no guarded handler', async () => {
    const screen = bench.screen().access;
    for (const call of GUARDED_CALLS) expect(await invokeContract(handlers, screen, call.method, call.input), label(call)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
