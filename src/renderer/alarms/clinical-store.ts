/**
 * The screen's copy of the station's clinical state: alarm presentation and NEWS2, as the station
 * pushes them (whole states, newest wins), plus who this screen acts as. Commands go to the station
 * and their effect comes back as the next pushed state, so every screen shows the same thing.
 */
import type { StationApi } from '../../shared/contract';
import type { AlarmStatePayload, News2Observation, News2StatePayload, ScenarioCatalogue } from '../../shared/contract-clinical';
import type { Actor } from '../../shared/clinical/actor';
import type { AlarmMetric } from '../../shared/clinical/alarm-limits';
import { isForbidden } from '../access/failure-text';

export interface ClinicalView {
  actor: Actor | null;
  alarms: AlarmStatePayload | null;
  news2: News2StatePayload | null;
  /** Why the clinical state could not be loaded, while retrying. */
  loadError: string | null;
}

export interface LimitChange {
  metric: AlarmMetric;
  low?: number;
  high?: number;
  reason?: string;
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

export class ClinicalStore {
  #view: ClinicalView = { actor: null, alarms: null, news2: null, loadError: null };
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribes: (() => void)[] = [];
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  /** Bumped when the patient data is cleared, so a state asked for before is not applied after. */
  #generation = 0;

  constructor(private readonly api: StationApi) {}

  /** Listens first, then asks for the state, so a change in between is not missed. Can start again after stop(). */
  start(): void {
    this.#stopped = false;
    this.#unsubscribes.push(
      this.api.on('alarms', (alarms) => this.#set({ alarms })),
      this.api.on('news2', (news2) => this.#set({ news2 })),
    );
    void this.#load(RETRY_MIN_MS);
  }

  stop(): void {
    this.#stopped = true;
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
    this.#cancelRetry();
  }

  /** Asks for the state again, e.g. once someone who may see the patient signed in or unlocked. */
  reload(): void {
    this.#cancelRetry();
    if (!this.#stopped) void this.#load(RETRY_MIN_MS);
  }

  /**
   * The screen locked or signed out: NEWS2 and who acts here are forgotten. Alarms stay, because
   * the core announces them to every screen, signed in or not.
   */
  clearPatientData(): void {
    this.#generation++;
    this.#cancelRetry();
    this.#set({ actor: null, news2: null, loadError: null });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getView = (): ClinicalView => this.#view;

  async acknowledge(alarmId: string): Promise<void> {
    await this.api.invoke('acknowledgeAlarm', { alarmId });
  }

  async pauseAudio(): Promise<void> {
    await this.api.invoke('pauseAlarmAudio', {});
  }

  async setLimits(change: LimitChange): Promise<void> {
    await this.api.invoke('setAlarmLimits', change);
  }

  async enterObservation(observation: News2Observation): Promise<void> {
    await this.api.invoke('enterNews2Observation', observation);
  }

  listScenarios(): Promise<ScenarioCatalogue> {
    return this.api.invoke('listScenarios', undefined);
  }

  playScenario(name: string): Promise<ScenarioCatalogue> {
    return this.api.invoke('playScenario', { name });
  }

  /** A refusal is no fault: nobody who may see the patient is signed in, and the access store reloads once someone is. */
  async #load(retryMs: number): Promise<void> {
    const generation = this.#generation;
    try {
      const state = await this.api.invoke('getClinicalState', undefined);
      if (this.#stopped || generation !== this.#generation) return;
      // A pushed state is never older than this answer's, so it keeps precedence.
      this.#set({ actor: state.actor, alarms: this.#view.alarms ?? state.alarms, news2: this.#view.news2 ?? state.news2, loadError: null });
    } catch (error) {
      if (this.#stopped || generation !== this.#generation) return;
      if (isForbidden(error)) {
        this.#set({ loadError: null });
        return;
      }
      this.#set({ loadError: error instanceof Error ? error.message : String(error) });
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        void this.#load(Math.min(retryMs * 2, RETRY_MAX_MS));
      }, retryMs);
    }
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #set(change: Partial<ClinicalView>): void {
    this.#view = { ...this.#view, ...change };
    for (const listener of [...this.#listeners]) listener();
  }
}
