import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessState, Credentials } from '../../../shared/contract-access';
import type { DeviceInfo } from '../../../shared/contract';
import type { StationRole } from '../../../shared/roles';
import { kioskActorId } from '../../identity/authenticator';
import { TOTP_STEP_MS, totpCode } from '../../identity/totp';
import { openTestStation, type TestStation } from '../../records/test-support';
import { ManualClock } from '../../simulator/clock';
import { AlarmService } from '../clinical/alarm-service';
import { AccessDeniedError, StationAccess } from '../access/station-access';
import { CurrentEncounter } from '../persistence/encounter';
import { KIOSK_PATIENT_NAME, KioskController, type StationShell } from './kiosk-controller';
import type { KioskSetting } from './kiosk-setting';

const PASSWORD = 'correct horse battery';
const VISIT_IDLE_MS = 3 * 60_000;

/** The kiosk setting as a test sees it: remembered in memory, and made to fail on demand. */
class TestSetting implements KioskSetting {
  enabled = false;
  failSaves = false;
  set(enabled: boolean): void {
    if (this.failSaves) throw new Error('settings not saved: disk full');
    this.enabled = enabled;
  }
}

/** An oximeter with nobody's finger in it, as a real one reports itself between visits. */
const EMPTY_OXIMETER: DeviceInfo = {
  id: 'oximeter',
  driverId: 'oximeter',
  name: 'Oximeter',
  transport: 'hid',
  state: 'probe-off',
  condition: 'probe-off',
  canRequestMeasurement: false,
metrics: ['spo2', 'pulseRate', 'perfusionIndex'],
};

/**
 * A kiosk over a real records database on a test clock, and real alarms on a clock of their own;
 * the recorder and NEWS2 are stand-ins that say when they were asked.
 */
class KioskBench {
  readonly steps: string[] = [];
  readonly shellCalls: string[] = [];
  readonly setting = new TestSetting();
  readonly encounter: CurrentEncounter;
  readonly access: StationAccess;
  readonly kiosk: KioskController;
  readonly alarmClock = new ManualClock();
  readonly alarms = new AlarmService({ clock: this.alarmClock });
  /** Lets a test hold the recorder's flush open. */
  flushGate: Promise<void> = Promise.resolve();
  #accounts = 0;

  constructor(
    readonly station: TestStation,
    { kioskAtStart = false } = {},
  ) {
    this.setting.enabled = kioskAtStart;
    this.alarms.start();
    this.alarms.applyDevices([EMPTY_OXIMETER]);
    const encounter = CurrentEncounter.start(station.store, station.audit);
    this.encounter = encounter;
    this.access = new StationAccess({
      authenticator: station.auth,
      users: station.users,
      currentPatientId: () => this.encounter.patientId,
      kiosk: () => this.kiosk.state(),
      inactivityLockMs: 5 * 60_000,
      // The tests sweep and check themselves, on the test clock.
      sweepIntervalMs: 24 * 60 * 60_000,
    });
    const shell: StationShell = {
      onKioskChange: (enabled) => this.shellCalls.push(enabled ? 'kiosk on' : 'kiosk off'),
      clearScreenData: async () => {
        this.shellCalls.push('clear screen data');
        this.steps.push('clear screen data');
      },
    };
    this.kiosk = new KioskController({
      setting: this.setting,
      access: this.access,
      authenticator: station.auth,
      audit: station.audit,
      encounter: {
        get patientId() {
          return encounter.patientId;
        },
        startNext: () => {
          this.steps.push('next encounter');
          encounter.startNext();
        },
      },
      flushRecorder: async () => {
        this.steps.push('flush requested');
        await this.flushGate;
        this.steps.push('flushed');
      },
      startNewPatientReadings: () => this.steps.push('readings from now on'),
      resetClinicalState: () => {
        this.steps.push('clinical reset');
        this.alarms.reset([EMPTY_OXIMETER]);
      },
      setAlarmStandby: (standby) => this.alarms.setStandby(standby),
      shell,
      visitIdleMs: VISIT_IDLE_MS,
      log: (line) => this.steps.push(`log: ${line}`),
      checkIntervalMs: 24 * 60 * 60_000,
    });
  }

  screen() {
    const notified: AccessState[] = [];
    return { access: this.access.openScreen((state) => notified.push(state)), notified };
  }

  async account(role: StationRole): Promise<{ id: string; credentials(overrides?: Partial<Credentials>): Credentials }> {
    const username = `${role}-${++this.#accounts}`;
    const { user } = await this.station.users.create({ username, role, password: PASSWORD });
    const secret = user.totpSecret!;
    return { id: user.id, credentials: (overrides = {}) => ({ username, password: PASSWORD, totp: totpCode(secret, this.station.clock.time), ...overrides }) };
  }

  audit(): string[] {
    return this.station.audit.entries(0, 1_000_000).map(({ action, actor }) => `${action} ${actor}`);
  }

  /** The controller's periodic check, run now as its timer would; resolves once a visit it ended is cleared away. */
  async check(): Promise<void> {
    const visitWasOpen = this.kiosk.state().visitOpen;
    this.steps.length = 0;
    this.kiosk.endAbandonedVisit();
    if (visitWasOpen && !this.kiosk.state().visitOpen) await expect.poll(() => this.steps.at(-1)).toBe('clear screen data');
  }

  /** What the alarms show now: the messages of the alarms on screen, and whether they stand by. */
  alarmsShown(): { standby: boolean | undefined; messages: string[] } {
    const state = this.alarms.current();
    return { standby: state.standby, messages: state.alarms.map((shown) => shown.alarm.message) };
  }

  close(): void {
    this.alarms.stop();
    this.kiosk.close();
    this.access.close();
    this.station.db.close();
    rmSync(this.station.dataDir, { recursive: true, force: true });
  }
}

let bench: KioskBench;
beforeEach(async () => {
  bench = new KioskBench(await openTestStation());
});
afterEach(() => bench.close());

async function enabledKiosk() {
  const administrator = await bench.account('administrator');
  await bench.kiosk.enable({ id: administrator.id, name: 'admin', role: 'administrator' });
  // Each test's steps start after turning kiosk mode on (what that does is a test of its own).
  bench.steps.length = 0;
  return administrator;
}

describe('KioskController', () => {
  it('is enabled by an administrator: kept in the setting, audited, the shell told, every screen signed out', async () => {
    const nurse = await bench.account('nurse');
    const screen = bench.screen();
    await screen.access.signIn(nurse.credentials());
    const administrator = await enabledKiosk();

    expect(bench.setting.enabled).toBe(true);
    expect(bench.kiosk.state()).toEqual({ enabled: true, visitOpen: false });
    expect(bench.shellCalls).toEqual(['kiosk on', 'clear screen data']);
    expect(screen.access.state()).toMatchObject({ user: null, kiosk: { enabled: true, visitOpen: false } });
    expect(screen.notified.at(-1)).toMatchObject({ user: null, kiosk: { enabled: true } });
    expect(bench.audit()).toContain(`settings.change ${administrator.id}`);
  });

  it('ends the staff-mode patient’s encounter when turned on, exactly as Finish does: the first kiosk visit is a fresh patient who sees none of the earlier readings', async () => {
    const nurse = await bench.account('nurse');
    await bench.screen().access.signIn(nurse.credentials());
    const staffMode = { patientId: bench.encounter.patientId, visitId: bench.encounter.visitId };
    const administrator = await bench.account('administrator');
    let release!: () => void;
    bench.flushGate = new Promise((resolve) => (release = resolve));

    const enabled = bench.kiosk.enable({ id: administrator.id, name: 'admin', role: 'administrator' });
    // What the staff-mode patient measured is written under their encounter before it closes.
    await Promise.resolve();
    expect(bench.steps).toEqual(['flush requested']);
    expect(bench.encounter.patientId).toBe(staffMode.patientId);
    // A patient pressing Start meanwhile waits for the fresh patient.
    const firstVisit = bench.kiosk.startVisit(bench.screen().access);
    release();
    await enabled;

    expect(bench.steps).toEqual(['flush requested', 'flushed', 'next encounter', 'readings from now on', 'clinical reset', 'clear screen data']);
    expect(bench.encounter.patientId).not.toBe(staffMode.patientId);
    expect(bench.station.db.prepare('SELECT ended_at FROM visits WHERE id = ?').pluck().get(staffMode.visitId)).not.toBeNull();
    expect((await firstVisit).user?.patientScope).toBe(bench.encounter.patientId);
  });

  it('opens a visit for the current patient only, bound to the screen that pressed Start, one visit at a time', async () => {
    const screen = bench.screen();
    const other = bench.screen();
    await expect(bench.kiosk.startVisit(screen.access)).rejects.toThrow(new AccessDeniedError('This station is not a kiosk'));
    await enabledKiosk();

    const state = await bench.kiosk.startVisit(screen.access);
    expect(state).toMatchObject({ user: { role: 'kiosk', username: KIOSK_PATIENT_NAME, patientScope: bench.encounter.patientId, locked: false }, kiosk: { visitOpen: true } });
    expect(screen.access.authorize('patient.view')).toEqual({ id: kioskActorId(bench.encounter.patientId), name: KIOSK_PATIENT_NAME, role: 'kiosk' });
    expect(screen.access.maySeePatient()).toBe(true);
    expect(() => screen.access.authorize('alarm.acknowledge')).toThrow(AccessDeniedError);
    // Other screens hear that a visit is under way, and see nothing of it.
    expect(other.notified.at(-1)).toMatchObject({ user: null, kiosk: { visitOpen: true } });
    expect(other.access.maySeePatient()).toBe(false);
    await expect(bench.kiosk.startVisit(other.access)).rejects.toThrow(new AccessDeniedError('A visit is already under way at this kiosk; finish it first'));
    expect(bench.audit()).toContain(`session.sign-in ${kioskActorId(bench.encounter.patientId)}`);
  });

  it('finishes a visit: session ended at once, recorder flushed before the next patient opens, clinical state and readings reset, screen data cleared', async () => {
    await enabledKiosk();
    const screen = bench.screen();
    await bench.kiosk.startVisit(screen.access);
    const first = { patientId: bench.encounter.patientId, visitId: bench.encounter.visitId };
    let release!: () => void;
    bench.flushGate = new Promise((resolve) => (release = resolve));

    const finished = bench.kiosk.finishVisit();
    // While the recorder writes, the patient's session is already gone and nobody is switched yet.
    expect(screen.access.state()).toMatchObject({ user: null, kiosk: { visitOpen: false } });
    expect(screen.access.maySeePatient()).toBe(false);
    await Promise.resolve();
    expect(bench.steps).toEqual(['flush requested']);
    expect(bench.encounter.patientId).toBe(first.patientId);
    release();
    await finished;

    expect(bench.steps).toEqual(['flush requested', 'flushed', 'next encounter', 'readings from now on', 'clinical reset', 'clear screen data']);
    expect(bench.encounter.patientId).not.toBe(first.patientId);
    expect(bench.station.db.prepare('SELECT ended_at FROM visits WHERE id = ?').pluck().get(first.visitId)).not.toBeNull();
    expect(bench.station.db.prepare('SELECT ended_at FROM visits WHERE id = ?').pluck().get(bench.encounter.visitId)).toBeNull();
    expect(bench.audit()).toEqual(expect.arrayContaining([`session.sign-out ${kioskActorId(first.patientId)}`, 'visit.end station', 'patient.create station']));
  });

  it('gives every visit a patient of its own, and a new visit waits for the previous one to be finished', async () => {
    await enabledKiosk();
    const screen = bench.screen();
    const patients = new Set<string>();
    for (let visit = 0; visit < 3; visit++) {
      const state = await bench.kiosk.startVisit(screen.access);
      patients.add(state.user!.patientScope!);
      await bench.kiosk.finishVisit();
    }
    expect(patients.size).toBe(3);

    await bench.kiosk.startVisit(screen.access);
    let release!: () => void;
    bench.flushGate = new Promise((resolve) => (release = resolve));
    const finishing = bench.kiosk.finishVisit();
    const next = bench.kiosk.startVisit(bench.screen().access);
    release();
    await finishing;
    expect((await next).user?.patientScope).toBe(bench.encounter.patientId);
    expect(patients.has(bench.encounter.patientId)).toBe(false);
  });

  it('still opens the next patient when the recorder could not write yet (its queue keeps the tags), and logs no values', async () => {
    await enabledKiosk();
    await bench.kiosk.startVisit(bench.screen().access);
    const before = bench.encounter.patientId;
    bench.flushGate = Promise.reject(new Error('SQLITE_BUSY: database is locked'));
    await bench.kiosk.finishVisit();
    expect(bench.encounter.patientId).not.toBe(before);
    expect(bench.steps).toContain("log: kiosk: the visit's readings are not all written yet (Error); they stay queued");
  });

  it('finishes a visit left idle for the visit limit, and one whose screen went away', async () => {
    await enabledKiosk();
    const screen = bench.screen();
    await bench.kiosk.startVisit(screen.access);
    const first = bench.encounter.patientId;
    bench.station.clock.advance(VISIT_IDLE_MS - 1_000);
    screen.access.reportActivity();
    bench.station.clock.advance(VISIT_IDLE_MS - 1_000);
    await bench.check();
    expect(bench.kiosk.state().visitOpen).toBe(true);
    bench.station.clock.advance(1_000);
    await bench.check();
    expect(bench.kiosk.state().visitOpen).toBe(false);
    expect(bench.encounter.patientId).not.toBe(first);

    const closing = bench.screen();
    await bench.kiosk.startVisit(closing.access);
    const second = bench.encounter.patientId;
    closing.access.close();
    await bench.check();
    expect(bench.kiosk.state().visitOpen).toBe(false);
    expect(bench.encounter.patientId).not.toBe(second);
  });

  it('is left only with an administrator’s password and fresh code: nurse and wrong code refused and audited, the administrator signed in at that screen', async () => {
    const administrator = await enabledKiosk();
    const nurse = await bench.account('nurse');
    const screen = bench.screen();
    const patientScreen = bench.screen();
    await bench.kiosk.startVisit(patientScreen.access);

    expect(await bench.kiosk.leave(nurse.credentials(), screen.access)).toEqual({ ok: false, reason: 'not-administrator' });
    expect(await bench.kiosk.leave(administrator.credentials({ totp: '000000' }), screen.access)).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(await bench.kiosk.leave(administrator.credentials({ password: 'not the password' }), screen.access)).toEqual({ ok: false, reason: 'invalid-credentials' });
    expect(bench.kiosk.state()).toEqual({ enabled: true, visitOpen: true });
    expect(screen.access.state().user).toBeNull();
    // The administrator's second refusal within the minute is counted in that minute's aggregate entry (refusal-audit.ts).
    expect(bench.audit().filter((entry) => entry.startsWith('session.sign-in-refused'))).toEqual([
      `session.sign-in-refused ${nurse.id}`,
      `session.sign-in-refused ${administrator.id}`,
    ]);
    expect(bench.audit()).not.toContain(`session.sign-in ${nurse.id}`);

    // Each code works once: a fresh step for the administrator.
    bench.station.clock.advance(TOTP_STEP_MS);
    const left = await bench.kiosk.leave(administrator.credentials(), screen.access);
    expect(left).toMatchObject({ ok: true, state: { user: { userId: administrator.id, role: 'administrator' }, kiosk: { enabled: false, visitOpen: false } } });
    expect(bench.setting.enabled).toBe(false);
    expect(bench.shellCalls).toEqual(['kiosk on', 'clear screen data', 'kiosk off', 'clear screen data']);
    expect(patientScreen.access.state().user).toBeNull();
    expect(bench.audit()).toContain(`kiosk.leave ${administrator.id}`);
    await expect(bench.kiosk.leave(administrator.credentials(), screen.access)).rejects.toThrow(new AccessDeniedError('This station is not in kiosk mode'));
  });

  it('stays a kiosk when the setting cannot be saved, and ends the administrator session it opened', async () => {
    const administrator = await enabledKiosk();
    const screen = bench.screen();
    bench.setting.failSaves = true;
    await expect(bench.kiosk.leave(administrator.credentials(), screen.access)).rejects.toThrow('disk full');
    expect(bench.kiosk.state().enabled).toBe(true);
    expect(screen.access.state().user).toBeNull();
    expect(bench.audit().slice(-2)).toEqual([`session.sign-in ${administrator.id}`, `session.sign-out ${administrator.id}`]);
  });

  it('keeps alarms in standby while no visit is open: an empty oximeter raises nothing until Start, then after its delay; Finish clears and stands by again', async () => {
    await enabledKiosk();
    await bench.alarmClock.advance(10 * 60_000);
    expect(bench.alarmsShown()).toEqual({ standby: true, messages: [] });

    await bench.kiosk.startVisit(bench.screen().access);
    await bench.alarmClock.advance(4_750);
    expect(bench.alarmsShown()).toEqual({ standby: false, messages: [] });
    await bench.alarmClock.advance(250);
    expect(bench.alarmsShown()).toEqual({ standby: false, messages: ['Oximeter: sensor off the patient'] });

    const finished = bench.kiosk.finishVisit();
    // At once, while the recorder is still writing.
    expect(bench.alarmsShown()).toEqual({ standby: true, messages: [] });
    await finished;
    await bench.alarmClock.advance(10 * 60_000);
    expect(bench.alarmsShown()).toEqual({ standby: true, messages: [] });
    expect(bench.alarms.current().log).toEqual([]);
  });

  it('stands alarms by when a kiosk starts up, and ends standby when an administrator leaves kiosk mode', async () => {
    bench.close();
    bench = new KioskBench(await openTestStation(), { kioskAtStart: true });
    const administrator = await bench.account('administrator');
    await bench.alarmClock.advance(60_000);
    expect(bench.alarmsShown()).toEqual({ standby: true, messages: [] });

    expect(await bench.kiosk.leave(administrator.credentials(), bench.screen().access)).toMatchObject({ ok: true });
    await bench.alarmClock.advance(5_000);
    expect(bench.alarmsShown()).toEqual({ standby: false, messages: ['Oximeter: sensor off the patient'] });
  });

  it('never stands alarms by at a station that is not a kiosk: the empty oximeter raises after its delay as before', async () => {
    await bench.alarmClock.advance(5_000);
    expect(bench.alarmsShown()).toEqual({ standby: false, messages: ['Oximeter: sensor off the patient'] });
  });
});
