/**
 * The alarm engine (src/shared/clinical/alarm-engine.ts, a pure state machine) given a life in the
 * station: hub readings and device lists go in as they happen, a tick re-evaluates the engine so
 * alarm-condition delays, staleness, escalation and the end of an audio pause happen on time even
 * when no reading arrives, and every change that a screen would show is pushed once.
 */
import type { AlarmStatePayload } from '../../../shared/contract-clinical';
import { MAX_ALARM_LOG_SHOWN, MAX_LIMIT_CHANGES_SHOWN } from '../../../shared/contract-clinical';
import type { DeviceInfo, StationReading } from '../../../shared/contract';
import type { Actor } from '../../../shared/clinical/actor';
import type { AlarmCommand } from '../../../shared/clinical/alarm-commands';
import { applyAlarmCommand } from '../../../shared/clinical/alarm-commands';
import type { AlarmEngineConfig, AlarmEngineState } from '../../../shared/clinical/alarm-engine';
import { applyDevices, applyReading, createAlarmEngine, enterStandby, leaveStandby, presentAlarms, setPatientLimits, tickAlarms } from '../../../shared/clinical/alarm-engine';
import type { AlarmMetric, LimitChangeRecord, LimitSide } from '../../../shared/clinical/alarm-limits';
import type { Clock } from '../../simulator/clock';
import { StateFeed } from './state-feed';
import { tickUntilAborted } from './tick-loop';

/** A refused command (wrong role, limit outside the safe bounds, unknown alarm): the operator reads the message. */
export class ClinicalCommandError extends Error {
  override readonly name = 'ClinicalCommandError';
}

export interface AlarmServiceOptions {
  clock: Clock;
  config?: Partial<AlarmEngineConfig>;
  /** How often the engine is re-evaluated without new data; well under the shortest alarm delay. */
  tickMs?: number;
}

export class AlarmService {
  readonly feed: StateFeed<AlarmStatePayload>;
  #state: AlarmEngineState;
  readonly #clock: Clock;
  readonly #config: Partial<AlarmEngineConfig> | undefined;
  readonly #tickMs: number;
  readonly #ticking = new AbortController();

  constructor(options: AlarmServiceOptions) {
    this.#clock = options.clock;
    this.#tickMs = options.tickMs ?? 250;
    this.#config = options.config;
    this.#state = createAlarmEngine(this.#clock.now(), this.#config);
    this.feed = new StateFeed(this.#payload());
  }

  /** Starts the tick; ends with stop(). */
  start(): void {
    void tickUntilAborted(this.#clock, this.#tickMs, this.#ticking.signal, () => this.#update(tickAlarms(this.#state, this.#clock.now())));
  }

  stop(): void {
    this.#ticking.abort();
  }

  get engineState(): AlarmEngineState {
    return this.#state;
  }

  current(): AlarmStatePayload {
    return this.feed.current;
  }

  applyReading(reading: StationReading): void {
    this.#update(applyReading(this.#state, reading));
  }

  applyDevices(devices: readonly DeviceInfo[]): void {
    this.#update(applyDevices(this.#state, devices, this.#clock.now()));
  }

  /**
   * A new patient (the next kiosk visit): default limits, no alarms, an empty log, no audio pause.
   * Numbering goes on, so an alarm id is never reused within a launch (the recorder keys on it), and
   * so does standby: the kiosk resets between visits, while nobody is connected.
   */
  reset(devices: readonly DeviceInfo[]): void {
    const fresh = createAlarmEngine(this.#clock.now(), this.#config);
    this.#update(applyDevices({ ...fresh, nextAlarmNumber: this.#state.nextAlarmNumber, standby: this.#state.standby }, devices, this.#clock.now()));
  }

  /**
   * Alarm standby while no patient is connected (a kiosk between visits): entering it closes the
   * open alarms (the log keeps them) and raises nothing from readings or device states; leaving it
   * judges the devices and readings present then, each condition after its usual delay.
   */
  setStandby(standby: boolean): void {
    if (standby === this.#state.standby) return;
    const now = this.#clock.now();
    this.#update(standby ? enterStandby(this.#state, now) : leaveStandby(this.#state, now));
  }

  /**
   * The limits a physician set before the station restarted, as they were recorded (who, when,
   * why): each metric's limits are applied together, through the same bounds as a new change; one
   * that no longer passes them is skipped and returned.
   */
  restoreLimits(changes: readonly LimitChangeRecord[]): LimitChangeRecord[] {
    const byMetric = new Map<AlarmMetric, LimitChangeRecord[]>();
    for (const change of changes) byMetric.set(change.metric, [...(byMetric.get(change.metric) ?? []), change]);
    let state = this.#state;
    const restored: LimitChangeRecord[] = [];
    const skipped: LimitChangeRecord[] = [];
    for (const [metric, metricChanges] of byMetric) {
      const sides: Partial<Record<LimitSide, number>> = Object.fromEntries(metricChanges.map((change) => [change.side, change.newValue]));
      // The reason only passes the engine's rule: the log keeps the recorded changes below, not this one.
      const reason = metricChanges.at(-1)!.reason ?? 'set before the restart';
      const outcome = setPatientLimits(state, { metric, ...sides, reason }, metricChanges.at(-1)!.by, this.#clock.now());
      if (outcome.ok) {
        state = outcome.state;
        restored.push(...metricChanges);
      } else skipped.push(...metricChanges);
    }
    // The log shows the changes as they were made, not as a new change at restart.
    this.#update({ ...state, limitChanges: [...this.#state.limitChanges, ...restored] });
    return skipped;
  }

  /** Throws ClinicalCommandError when the engine refuses; the actor comes from the caller's session, never the message. */
  command(command: AlarmCommand, actor: Actor): AlarmStatePayload {
    const outcome = applyAlarmCommand(this.#state, command, actor, this.#clock.now());
    if (!outcome.ok) throw new ClinicalCommandError(outcome.error);
    this.#update(outcome.state);
    return this.feed.current;
  }

  #update(next: AlarmEngineState): void {
    this.#state = next;
    this.feed.set(this.#payload());
  }

  #payload(): AlarmStatePayload {
    const now = Math.max(this.#state.now, this.#clock.now());
    const presentation = presentAlarms(this.#state, now);
    return {
      alarms: presentation.alarms,
      audiblePriority: presentation.audiblePriority,
      audioPause: this.#state.audioPause && now < this.#state.audioPause.until ? this.#state.audioPause : null,
      log: this.#state.log.slice(-MAX_ALARM_LOG_SHOWN),
      limits: this.#state.limits,
      limitChanges: this.#state.limitChanges.slice(-MAX_LIMIT_CHANGES_SHOWN),
      standby: this.#state.standby,
    };
  }
}
