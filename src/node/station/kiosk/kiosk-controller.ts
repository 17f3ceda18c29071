/**
 * The station as a patient self-service kiosk. An administrator turns it on (kept in the settings,
 * every screen signed out); from then on a patient presses Start and the station opens a session
 * for them itself, scoped to the kiosk's current anonymous patient and bound to that screen.
 * Finishing the visit (or leaving it idle, or closing its screen) ends that session, waits for the
 * recorder to write what was measured, closes the patient's encounter and opens a fresh anonymous
 * one, starts alarms and NEWS2 over, hides every reading the hub still holds from before, and has
 * the shell clear the screen's stored data. Turning kiosk mode on ends the staff-mode patient's
 * encounter the same way. Only an administrator's full sign-in leaves kiosk mode.
 */
import type { AccessState, Credentials, KioskState, SignInOutcome } from '../../../shared/contract-access';
import type { Actor } from '../../../shared/clinical/actor';
import { logError } from '../../../shared/log-text';
import type { AuditLog } from '../../audit/audit-log';
import type { Authenticator } from '../../identity/authenticator';
import { SessionError } from '../../identity/authenticator';
import { AccessDeniedError, refusal, type ScreenAccess, type StationAccess } from '../access/station-access';
import type { KioskSetting } from './kiosk-setting';

/** What the program around the core (the Electron shell) does for a kiosk; web mode has none. */
export interface StationShell {
  /** The window goes full-screen and locked (true) or back to a normal window (false). */
  onKioskChange(enabled: boolean): void;
  /** Clears the screen's stored data (storage, caches, auth cache) and reloads it, after every visit. */
  clearScreenData(): Promise<void>;
}

export interface KioskControllerOptions {
  setting: KioskSetting;
  access: Pick<StationAccess, 'signOutEveryScreen' | 'sweep'>;
  authenticator: Pick<Authenticator, 'openKioskSession' | 'signInFor' | 'isLocked' | 'signOut'>;
  audit: AuditLog;
  /** The patient a visit is for; startNext closes it and opens the next anonymous one. */
  encounter: { readonly patientId: string; startNext(): void };
  /** Resolves once everything recorded so far is committed (rejects when it could not be). */
  flushRecorder: () => Promise<void>;
  /** Hides from screens and NEWS2 every reading delivered before the new patient began. */
  startNewPatientReadings: () => void;
  /** Alarms and NEWS2 back to a new patient's defaults. */
  resetClinicalState: () => void;
  /**
   * Alarms stand by (true) while the kiosk has no visit open: nobody is connected, and an empty
   * oximeter reporting "probe off" must not sound all day in the waiting room.
   */
  setAlarmStandby: (standby: boolean) => void;
  shell?: StationShell;
  /** A visit nobody uses for this long ends by itself: the patient has walked away. */
  visitIdleMs: number;
  log: (line: string) => void;
  /** How often an open visit is checked for having gone idle or lost its screen. */
  checkIntervalMs?: number;
}

/** The name a kiosk visit's actor carries in alarm logs and NEWS2 entries. */
export const KIOSK_PATIENT_NAME = 'Patient (kiosk)';

export class KioskController {
  readonly #options: KioskControllerOptions;
  #enabled: boolean;
  /** The open visit's session. */
  #visitSessionId: string | null = null;
  /** Set while a visit is being finished; a new visit waits for it. */
  #finishing: Promise<void> | null = null;
  /** False when the last switch to a fresh patient failed: no visit may start on the old one. */
  #freshPatient = true;
  readonly #check: ReturnType<typeof setInterval>;

  constructor(options: KioskControllerOptions) {
    this.#options = options;
    this.#enabled = options.setting.enabled;
    this.#check = setInterval(() => this.endAbandonedVisit(), options.checkIntervalMs ?? 1_000);
    this.#check.unref();
    // A kiosk that restarts comes back as a kiosk, with no visit open.
    if (this.#enabled) {
      options.shell?.onKioskChange(true);
      options.setAlarmStandby(true);
    }
  }

  state(): KioskState {
    return { enabled: this.#enabled, visitOpen: this.#visitSessionId !== null };
  }

  /**
   * An administrator's act (the contract gate checked settings.change); throws when the setting
   * cannot be saved. The staff-mode patient's encounter ends here exactly as a visit's Finish ends
   * one: the first kiosk patient must neither see that patient's readings nor be filed under them.
   * Resolves once the kiosk is ready for its first patient.
   */
  enable(by: Actor): Promise<void> {
    if (this.#enabled) return this.#finishing ?? Promise.resolve();
    this.#options.setting.set(true);
    this.#enabled = true;
    this.#options.audit.append({ actor: by.id, role: by.role, action: 'settings.change', object: null });
    this.#options.shell?.onKioskChange(true);
    this.#options.setAlarmStandby(true);
    return this.#startFinishing();
  }

  /** The patient pressed Start at `screen`: it gets a session for the current patient only. */
  async startVisit(screen: ScreenAccess): Promise<AccessState> {
    if (!this.#enabled) throw new AccessDeniedError('This station is not a kiosk');
    await this.#finishing;
    if (this.#visitSessionId !== null) throw new AccessDeniedError('A visit is already under way at this kiosk; finish it first');
    if (!this.#freshPatient) {
      try {
        this.#switchToFreshPatient();
      } catch {
        throw new Error('The kiosk cannot start a visit because its records cannot be written; please ask a member of staff');
      }
    }
    const session = this.#options.authenticator.openKioskSession(this.#options.encounter.patientId, this.#options.visitIdleMs);
    this.#visitSessionId = session.id;
    this.#options.setAlarmStandby(false);
    const state = screen.adopt(session, KIOSK_PATIENT_NAME);
    this.#options.access.sweep();
    return state;
  }

  /** Ends the open visit (nothing to do without one); resolves once the kiosk is ready for the next patient. */
  finishVisit(): Promise<void> {
    if (this.#visitSessionId === null) return this.#finishing ?? Promise.resolve();
    this.#visitSessionId = null;
    // At once: the patient has stepped away, and the sensor they took off is no alarm.
    if (this.#enabled) this.#options.setAlarmStandby(true);
    return this.#startFinishing();
  }

  /** Only an administrator's credentials (password and a fresh code) take the station out of kiosk mode; they are then signed in at `screen`. */
  async leave(credentials: Credentials, screen: ScreenAccess): Promise<SignInOutcome> {
    if (!this.#enabled) throw new AccessDeniedError('This station is not in kiosk mode');
    const result = await screen.attempt(() => this.#options.authenticator.signInFor('kiosk.leave', credentials));
    if (!result.ok) return result.reason === 'not-permitted' ? { ok: false, reason: 'not-administrator' } : refusal(result);
    const { session } = result;
    try {
      this.#options.setting.set(false);
    } catch (error) {
      this.#options.authenticator.signOut(session.id);
      throw error;
    }
    this.#enabled = false;
    this.#options.setAlarmStandby(false);
    this.#options.audit.append({ actor: session.userId, role: session.role, action: 'kiosk.leave', object: null });
    this.#options.shell?.onKioskChange(false);
    await this.finishVisit();
    this.#options.access.signOutEveryScreen();
    return { ok: true, state: screen.adopt(session) };
  }

  close(): void {
    clearInterval(this.#check);
  }

  /** Ends the current patient's encounter (after any ending still under way); a new visit waits for it. */
  #startFinishing(): Promise<void> {
    // At once, before anything slow: the patient's data must leave every screen now.
    this.#options.access.signOutEveryScreen();
    const previous = this.#finishing;
    const finishing = (previous ? previous.then(() => this.#finish()) : this.#finish()).finally(() => {
      if (this.#finishing === finishing) this.#finishing = null;
    });
    this.#finishing = finishing;
    return finishing;
  }

  async #finish(): Promise<void> {
    const { access, flushRecorder, shell, log } = this.#options;
    try {
      // What the patient measured is committed under their encounter before it closes.
      await flushRecorder();
    } catch (error) {
      // Still queued and tagged with their encounter: it is written on the recorder's next attempt.
      log(`kiosk: the visit's readings are not all written yet (${error instanceof Error ? error.name : 'error'}); they stay queued`);
    }
    try {
      this.#switchToFreshPatient();
    } catch (error) {
      log(`kiosk: could not open the next patient's records (${logError(error)}); no visit starts until they can be opened`);
    }
    access.sweep();
    await shell?.clearScreenData().catch((error: unknown) => log(`kiosk: clearing the screen's data failed: ${logError(error)}`));
  }

  #switchToFreshPatient(): void {
    this.#freshPatient = false;
    this.#options.encounter.startNext();
    this.#options.startNewPatientReadings();
    this.#options.resetClinicalState();
    this.#freshPatient = true;
  }

  /**
   * A visit whose session locked from disuse, or ended because its screen went away, is finished
   * like any other. Runs every checkIntervalMs.
   */
  endAbandonedVisit(): void {
    const sessionId = this.#visitSessionId;
    if (sessionId === null) return;
    let abandoned: boolean;
    try {
      abandoned = this.#options.authenticator.isLocked(sessionId);
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      abandoned = true;
    }
    if (abandoned) void this.finishVisit();
  }
}
