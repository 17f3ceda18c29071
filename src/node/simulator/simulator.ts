/**
 * The simulator as the station composes it (web mode with --simulate/--scenario, Electron's
 * training mode, tests): a patient playing a scenario, measured by simulated devices that reach the
 * hub through a SimulatedSource.
 */
import type { DriverManifest } from '../drivers/driver';
import { BleSource } from '../ble/ble-source';
import { SIM_BLE_CUFF_ID, simulatedNoble } from './ble-cuff';
import { systemClock, type Clock } from './clock';
import { simulatedManifests } from './manifests';
import { hashString } from './noise';
import { SimulatedPatient } from './patient';
import { SIMULATED_DEVICE_IDS, getScenario, type Scenario, type ScenarioEvent, type ScenarioName, type SimulatedDeviceId } from './scenarios';
import { SimulatedSource } from './source';

export interface SimulatorOptions {
  scenario?: ScenarioName;
  /** Same seed, same clock steps: same readings. */
  seed?: number;
  clock?: Clock;
  /** The scenario timeline runs this many times faster than the clock; the devices keep their real rates. */
  speed?: number;
  /** The devices the simulated station has; all four unless told otherwise. */
  devices?: readonly SimulatedDeviceId[];
  /** Where a failure while playing device events goes (a hub listener that threw, for instance). */
  onError?: (error: unknown) => void;
}

export interface Simulator {
  readonly source: SimulatedSource;
  /** The simulated Bluetooth cuff, found through the station's real BLE source (ble-cuff.ts). */
  readonly bleSource: BleSource;
  readonly manifests: readonly DriverManifest[];
  readonly scenario: ScenarioName;
  readonly seed: number;
  /** Starts a scenario from its beginning, with every one of the simulator's devices plugged in. */
  play(name: ScenarioName): void;
  /** Stops the scenario's device events (the patient keeps its current scenario values); call on shutdown. */
  stop(): void;
}

type DeviceEvent = Extract<ScenarioEvent, { device: SimulatedDeviceId }>;

async function playDeviceEvents(scenario: Scenario, patient: SimulatedPatient, clock: Clock, source: SimulatedSource, signal: AbortSignal): Promise<void> {
  const events = scenario.events.filter((e): e is DeviceEvent => 'device' in e).sort((a, b) => a.atMs - b.atMs);
  if (events.length === 0) return;
  const onClock = (timelineMs: number) => timelineMs / patient.speed;
  for (let cycleStart = patient.startedAt; ; cycleStart += onClock(scenario.repeatEveryMs ?? 0)) {
    for (const event of events) {
      const wait = cycleStart + onClock(event.atMs) - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
      if (event.action === 'unplug') source.unplug(event.device);
      else source.plug(event.device);
    }
    if (!scenario.repeatEveryMs) return;
  }
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? 1;
  const devices = options.devices ?? SIMULATED_DEVICE_IDS;
  const onError = options.onError ?? ((error: unknown) => console.error('Simulator scenario failed:', error));
  const patient = new SimulatedPatient(options.scenario ?? 'normal', clock.now(), options.speed);
  const source = new SimulatedSource({ patient, clock, seed, attached: devices });
  const bleNoble = simulatedNoble(patient, clock, hashString(`${seed}:${SIM_BLE_CUFF_ID}`));
  const bleSource = new BleSource({ loadNoble: async () => bleNoble, log: () => undefined });
  let player: AbortController | undefined;

  const stop = () => {
    player?.abort();
    player = undefined;
  };

  const play = (name: ScenarioName) => {
    const scenario = getScenario(name);
    stop();
    patient.play(scenario.name, clock.now());
    for (const id of devices) source.plug(id);
    const current = new AbortController();
    player = current;
    playDeviceEvents(scenario, patient, clock, source, current.signal).catch((error: unknown) => {
      if (!current.signal.aborted) onError(error);
    });
  };

  play(patient.scenario.name);
  return {
    source,
    bleSource,
    manifests: simulatedManifests,
    get scenario() {
      return patient.scenario.name;
    },
    seed,
    play,
    stop,
  };
}
