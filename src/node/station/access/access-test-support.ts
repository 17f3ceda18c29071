/**
 * Test helpers for the access unit tests: a real records database on a clock the test moves, a
 * StationAccess over it, screens that record what they were told, and accounts whose codes follow
 * the test clock.
 */
import { rmSync } from 'node:fs';
import type { AccessState, Credentials } from '../../../shared/contract-access';
import type { StationRole } from '../../../shared/roles';
import type { AuditEntry } from '../../audit/audit-log';
import { totpCode } from '../../identity/totp';
import { openTestStation, type TestStation } from '../../records/test-support';
import { StationAccess, type ScreenAccess } from './station-access';

export const PASSWORD = 'correct horse battery';
export const INACTIVITY_LOCK_MS = 5 * 60_000;

export interface TestAccount {
  id: string;
  username: string;
  role: StationRole;
  /** The password and, for every role but kiosk, the code of the test clock's current step. */
  credentials(): Credentials;
}

export interface TestScreen {
  access: ScreenAccess;
  /** Every access state the station pushed to this screen, oldest first. */
  notified: AccessState[];
}

export interface AccessBench {
  station: TestStation;
  access: StationAccess;
  /** The patient the station serves now; tests switch it. */
  patient: { id: string };
  account(role: StationRole, username?: string): Promise<TestAccount>;
  screen(): TestScreen;
  /**
   * A screen signed in as a new account of `role`; a kiosk screen gets the session a kiosk visit
   * opens, bound to `patient.id`.
   */
  signedIn(role: StationRole): Promise<{ screen: ScreenAccess; account: TestAccount }>;
  /** The audit entries after sequence number `from` (see auditHead). */
  auditSince(from: number): AuditEntry[];
  close(): void;
}

export async function openAccessBench(): Promise<AccessBench> {
  const station = await openTestStation(undefined, { inactivityLockMs: INACTIVITY_LOCK_MS });
  const patient = { id: 'patient-1' };
  // The real one-second sweep would race the test's own sweep() calls; the tests sweep themselves.
  const access = new StationAccess({
    authenticator: station.auth,
    users: station.users,
    currentPatientId: () => patient.id,
    kiosk: () => ({ enabled: false, visitOpen: false }),
    inactivityLockMs: INACTIVITY_LOCK_MS,
    sweepIntervalMs: 24 * 60 * 60_000,
  });
  let accounts = 0;
  const bench: AccessBench = {
    station,
    access,
    patient,
    async account(role, username = `${role}-${++accounts}`) {
      const { user } = await station.users.create({ username, role, password: PASSWORD });
      const secret = user.totpSecret;
      return {
        id: user.id,
        username,
        role,
        credentials: () => ({ username, password: PASSWORD, ...(secret && { totp: totpCode(secret, station.clock.time) }) }),
      };
    },
    screen() {
      const notified: AccessState[] = [];
      return { access: access.openScreen((state) => notified.push(state)), notified };
    },
    async signedIn(role) {
      const account = await bench.account(role);
      const screen = bench.screen().access;
      if (role === 'kiosk') screen.adopt(station.auth.openKioskSession(patient.id), 'Kiosk');
      else {
        const outcome = await screen.signIn(account.credentials());
        if (!outcome.ok) throw new Error(`sign-in as ${role} failed: ${outcome.reason}`);
      }
      return { screen, account };
    },
    auditSince: (from) => station.audit.entries(from, 1_000_000),
    close() {
      access.close();
      station.db.close();
      rmSync(station.dataDir, { recursive: true, force: true });
    },
  };
  return bench;
}

/** The newest audit sequence number, to read what a step wrote with auditSince. */
export const auditHead = (bench: AccessBench): number => bench.station.audit.entries(0, 1_000_000).at(-1)?.seq ?? 0;
