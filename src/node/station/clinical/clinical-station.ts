/**
 * The station's clinical services as the station core composes them: the alarm and NEWS2 services
 * fed from the hub, their state pushed to every screen, and the contract handlers for the clinical
 * methods. Every command takes its actor from the session that carried it (InvocationContext).
 */
import type { clinicalMethods, News2Observation, ScenarioCatalogue } from '../../../shared/contract-clinical';
import type { DeviceInfo, StationReading } from '../../../shared/contract';
import { actorMay, roleWithArticle, type Actor } from '../../../shared/clinical/actor';
import { logText } from '../../../shared/log-text';
import type { HostedVisits } from '../hosted-visits';
import type { AlarmEngineConfig } from '../../../shared/clinical/alarm-engine';
import type { LimitChangeRecord } from '../../../shared/clinical/alarm-limits';
import { isScenarioName, listScenarios, type ScenarioName } from '../../simulator';
import type { HubEvents } from '../../hub/hub';
import type { Clock } from '../../simulator/clock';
import type { StationHandlers } from '../contract-session';
import type { FrameSink, FrameSubscription } from '../frame-batcher';
import { AlarmService, ClinicalCommandError } from './alarm-service';
import { NEWS2_DEVICE_METRICS, News2Service } from './news2-service';
import { StateFanout } from './state-fanout';

/** The part of the peripheral hub the clinical services listen to. */
export interface ClinicalHub {
  on<E extends 'reading' | 'devices'>(event: E, listener: (payload: HubEvents[E]) => void): () => void;
  latest(): StationReading[];
  devices(): DeviceInfo[];
}

/** The simulator's training controls, when the station simulates. */
export interface ScenarioPlayer {
  readonly scenario: ScenarioName;
  play(name: ScenarioName): void;
}

/**
 * Where the clinical acts the services accepted are recorded (the station's audit log, and the
 * limit changes with their reasons in the records); a refused command reaches none of them.
 */
export interface ClinicalActs {
  acknowledged(alarmId: string, by: Actor): void;
  audioPaused(by: Actor): void;
  limitsChanged(changes: readonly LimitChangeRecord[], by: Actor): void;
  news2Entered(observation: News2Observation, by: Actor): void;
}

export interface ClinicalStationOptions {
  hub: ClinicalHub;
  clock: Clock;
  acts: ClinicalActs;
  scenarios?: ScenarioPlayer;
  alarmConfig?: Partial<AlarmEngineConfig>;
  /** The visits whose admitted, connected clinician a screen may acknowledge alarms for. */
  hostedVisits: HostedVisits;
  onSinkError?: (error: unknown) => void;
}

export type ClinicalHandlers = Pick<StationHandlers, keyof typeof clinicalMethods>;

export interface ClinicalStation {
  readonly handlers: ClinicalHandlers;
  readonly alarms: AlarmService;
  readonly news2: News2Service;
  /** A new patient sits down (the next kiosk visit): alarms and NEWS2 start over from their defaults. */
  resetForNewPatient(): void;
  subscribe(sink: FrameSink): FrameSubscription;
  close(): void;
}

/**
 * The clinician who joined visit `visitId` from the link: a physician (the link is issued for one),
 * named by the visit because the station never learns who they are. The alarm log says so.
 */
export function remoteClinicianActor(visitId: string): Actor {
  return { id: `remote-clinician:${visitId}`, name: 'Remote clinician (video visit)', role: 'physician' };
}

export function createClinicalStation(options: ClinicalStationOptions): ClinicalStation {
  const { hub, clock, scenarios, acts } = options;
  const alarms = new AlarmService({ clock, config: options.alarmConfig });
  const news2 = new News2Service({ clock, readings: hub });
  const fanout = new StateFanout({ alarms: alarms.feed, news2: news2.feed }, { onSinkError: options.onSinkError });
  const unsubscribes = [
    hub.on('reading', (reading) => {
      alarms.applyReading(reading);
      if (NEWS2_DEVICE_METRICS.has(reading.metric)) news2.refresh();
    }),
    hub.on('devices', (devices) => {
      alarms.applyDevices(devices);
      news2.refresh();
    }),
  ];
  alarms.applyDevices(hub.devices());
  alarms.start();
  news2.start();

  const catalogue = (): ScenarioCatalogue =>
    scenarios ? { available: true, current: scenarios.scenario, scenarios: listScenarios() } : { available: false, current: null, scenarios: [] };

  const play = (name: string, actor: Actor): ScenarioCatalogue => {
    if (!scenarios) throw new ClinicalCommandError('This station runs without the simulator; start it with --simulate to play training scenarios');
    // A scenario drives the simulated devices, so it takes the right to manage devices; the patient at the kiosk has not.
    if (!actorMay(actor, 'device.manage')) throw new ClinicalCommandError(`${roleWithArticle(actor.role)} may not start a training scenario`);
    if (!isScenarioName(name)) throw new ClinicalCommandError(`Unknown scenario ${logText(name)}`);
    scenarios.play(name);
    return catalogue();
  };

  const handlers: ClinicalHandlers = {
    getClinicalState: (_input, { actor }) => ({ actor, alarms: alarms.current(), news2: news2.current() }),
    async acknowledgeAlarm({ alarmId, forRemoteClinician }, { actor, screen }) {
      // Only for the clinician this screen admitted to its own visit, while connected: never a made-up one.
      if (forRemoteClinician) await options.hostedVisits.relayFor(forRemoteClinician.visitId, screen, actor, 'alarm.acknowledge');
      const by = forRemoteClinician ? remoteClinicianActor(forRemoteClinician.visitId) : actor;
      const state = alarms.command({ type: 'acknowledge', alarmId }, by);
      acts.acknowledged(alarmId, by);
      return state;
    },
    pauseAlarmAudio: ({ durationMs }, { actor }) => {
      const state = alarms.command({ type: 'pause-audio', durationMs }, actor);
      acts.audioPaused(actor);
      return state;
    },
    setAlarmLimits: (request, { actor }) => {
      const before = alarms.engineState.limitChanges.length;
      const state = alarms.command({ type: 'set-limits', ...request }, actor);
      const changes = alarms.engineState.limitChanges.slice(before);
      if (changes.length > 0) acts.limitsChanged(changes, actor);
      return state;
    },
    enterNews2Observation: (observation, { actor }) => {
      const state = news2.enter(observation, actor);
      acts.news2Entered(observation, actor);
      return state;
    },
    listScenarios: () => catalogue(),
    playScenario: ({ name }, { actor }) => play(name, actor),
  };

  return {
    handlers,
    alarms,
    news2,
    resetForNewPatient() {
      alarms.reset(hub.devices());
      news2.reset();
    },
    subscribe: (sink) => fanout.subscribe(sink),
    close() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      alarms.stop();
      news2.stop();
      fanout.close();
    },
  };
}
