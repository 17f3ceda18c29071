/**
 * The simulator as one more DeviceSource: the hub lists, opens and loses simulated devices exactly
 * as it does USB ones, and tests or the training panel plug and unplug them at run time.
 */
import { DeviceClosedError, type DriverManifest } from '../drivers/driver';
import type { DeviceCandidate, DeviceSource } from '../hub/source';
import type { Clock } from './clock';
import type { SimulatedDeviceIo } from './io';
import { simulatedManifest } from './manifests';
import { hashString } from './noise';
import type { SimulatedPatient } from './patient';
import { SIMULATED_DEVICE_IDS, isSimulatedDeviceId, type SimulatedDeviceId } from './scenarios';

export interface SimulatedSourceOptions {
  patient: SimulatedPatient;
  clock: Clock;
  seed: number;
  /** Devices attached at the start; all of them unless told otherwise. */
  attached?: readonly SimulatedDeviceId[];
}

export type OpenedSimulatedDevice = SimulatedDeviceIo & { close(): Promise<void> };

export class SimulatedSource implements DeviceSource {
  readonly transport = 'simulated' as const;
  readonly #patient: SimulatedPatient;
  readonly #clock: Clock;
  readonly #seed: number;
  readonly #attached: Set<SimulatedDeviceId>;
  /** One abort controller per open io; aborting it closes that io. */
  readonly #open = new Map<SimulatedDeviceId, Set<AbortController>>();
  readonly #listeners = new Set<() => void>();

  constructor(options: SimulatedSourceOptions) {
    this.#patient = options.patient;
    this.#clock = options.clock;
    this.#seed = options.seed;
    this.#attached = new Set(options.attached ?? SIMULATED_DEVICE_IDS);
  }

  async list(): Promise<DeviceCandidate[]> {
    return SIMULATED_DEVICE_IDS.filter((id) => this.#attached.has(id)).map((id) => ({
      key: `simulated:${id}`,
      transport: 'simulated',
      path: `simulator/${id}`,
      manufacturer: 'VitalBridge simulator',
      product: simulatedManifest(id).name,
      serialNumber: `SIM-${id}`,
      driverId: id,
    }));
  }

  async open(candidate: DeviceCandidate, manifest: DriverManifest): Promise<OpenedSimulatedDevice> {
    const id = candidate.driverId;
    if (candidate.transport !== 'simulated' || !isSimulatedDeviceId(id)) {
      throw new Error(`Not a simulated device: ${candidate.path} (driver ${String(id)})`);
    }
    if (manifest.id !== id || manifest.transport !== 'simulated') {
      throw new Error(`Simulated device ${id} cannot be opened with driver ${manifest.id}`);
    }
    if (!this.#attached.has(id)) throw new DeviceClosedError(`${id} is unplugged`);
    return this.#openIo(id);
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  isPlugged(id: SimulatedDeviceId): boolean {
    return this.#attached.has(id);
  }

  plug(id: SimulatedDeviceId): void {
    if (this.#attached.has(id)) return;
    this.#attached.add(id);
    this.#notify();
  }

  /** Like pulling the cable: open ios fail with DeviceClosedError and the candidate disappears. */
  unplug(id: SimulatedDeviceId): void {
    if (!this.#attached.delete(id)) return;
    for (const closer of this.#open.get(id) ?? []) closer.abort(new DeviceClosedError(`${id} was unplugged`));
    this.#open.delete(id);
    this.#notify();
  }

  #openIo(id: SimulatedDeviceId): OpenedSimulatedDevice {
    const closer = new AbortController();
    const openIos = this.#open.get(id) ?? new Set();
    openIos.add(closer);
    this.#open.set(id, openIos);
    const clock = this.#clock;
    const closedError = () => (closer.signal.reason instanceof DeviceClosedError ? closer.signal.reason : new DeviceClosedError());

    const sleep = async (ms: number): Promise<void> => {
      if (closer.signal.aborted) throw closedError();
      try {
        await clock.sleep(ms, closer.signal);
      } catch (error) {
        throw closer.signal.aborted ? closedError() : error;
      }
    };
    const refuseBytes = async (): Promise<void> => {
      if (closer.signal.aborted) throw closedError();
      throw new Error(`${id} is simulated and takes no commands`);
    };

    return {
      transport: 'simulated',
      patient: this.#patient,
      seed: hashString(`${this.#seed}:${id}`),
      now: () => clock.now(),
      sleep,
      // A simulated device never sends bytes: reads time out until the device goes away.
      read: async (timeoutMs) => {
        await sleep(timeoutMs);
        return null;
      },
      write: refuseBytes,
      sendFeatureReport: refuseBytes,
      close: async () => {
        closer.abort(new DeviceClosedError(`${id} was closed`));
        openIos.delete(closer);
      },
    };
  }

  /** Every listener hears of the change even if an earlier one throws; the first failure is then rethrown. */
  #notify(): void {
    const failures: unknown[] = [];
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
