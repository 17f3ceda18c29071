/**
 * The simulator as one more DeviceSource: the hub lists, opens and loses simulated devices exactly
 * as it does USB ones, and tests or the training panel plug and unplug them at run time. Opening a
 * device starts its firmware, which talks to the driver over a byte link (see wire.ts).
 */
import { DeviceClosedError, type DeviceIo, type DriverManifest } from '../drivers/driver';
import type { DeviceCandidate, DeviceSource } from '../hub/source';
import type { Clock } from './clock';
import { glucoseMeter } from './glucose-meter';
import { simulatedManifest } from './manifests';
import { hashString } from './noise';
import { oximeterFirmware } from './oximeter';
import type { SimulatedPatient } from './patient';
import type { DevicePort, Firmware } from './port';
import { SIMULATED_DEVICE_IDS, isSimulatedDeviceId, type SimulatedDeviceId } from './scenarios';
import { bloodPressureCuff, scale, thermometer } from './spot-check';
import { MEASURE_COMMAND, encodeMessage } from './wire';

const FIRMWARE: Record<SimulatedDeviceId, Firmware> = {
  'sim-oximeter': oximeterFirmware,
  'sim-bp-cuff': bloodPressureCuff,
  'sim-thermometer': thermometer,
  'sim-scale': scale,
  'sim-glucose': glucoseMeter,
};

export interface SimulatedSourceOptions {
  patient: SimulatedPatient;
  clock: Clock;
  seed: number;
  /** Devices attached at the start; all of them unless told otherwise. */
  attached?: readonly SimulatedDeviceId[];
}

export type OpenedSimulatedDevice = DeviceIo & { close(): Promise<void> };

/** The reason a read's wait is cut short; a constant, because a default abort reason costs a DOMException with a stack. */
const WOKEN = Symbol('woken');

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}

export class SimulatedSource implements DeviceSource {
  readonly transport = 'simulated' as const;
  readonly #patient: SimulatedPatient;
  readonly #clock: Clock;
  readonly #seed: number;
  readonly #attached: Set<SimulatedDeviceId>;
  /** One abort controller per open link; aborting it closes that link. */
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
    return this.#openLink(id);
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

  /** Like pulling the cable: open links fail with DeviceClosedError and the candidate disappears. */
  unplug(id: SimulatedDeviceId): void {
    if (!this.#attached.delete(id)) return;
    for (const closer of this.#open.get(id) ?? []) closer.abort(new DeviceClosedError(`${id} was unplugged`));
    this.#open.delete(id);
    this.#notify();
  }

  #openLink(id: SimulatedDeviceId): OpenedSimulatedDevice {
    const closer = new AbortController();
    const openLinks = this.#open.get(id) ?? new Set();
    openLinks.add(closer);
    this.#open.set(id, openLinks);
    const clock = this.#clock;
    // The reason is a DeviceClosedError, or the error the firmware failed with.
    const closedError = (): Error => (closer.signal.reason instanceof Error ? closer.signal.reason : new DeviceClosedError());
    const ensureOpen = () => {
      if (closer.signal.aborted) throw closedError();
    };

    const sleep = async (ms: number): Promise<void> => {
      ensureOpen();
      try {
        await clock.sleep(ms, closer.signal);
      } catch (error) {
        throw closer.signal.aborted ? closedError() : error;
      }
    };

    const inbox: Uint8Array[] = [];
    const readers = new Set<() => void>();
    let measureRequested = false;
    let wakeFirmware: (() => void) | undefined;

    const port: DevicePort = {
      patient: this.#patient,
      seed: hashString(`${this.#seed}:${id}`),
      now: () => clock.now(),
      sleep,
      send: (message) => {
        if (closer.signal.aborted) return;
        inbox.push(encodeMessage(message));
        for (const wake of [...readers]) wake();
      },
      measureRequested: () =>
        new Promise<void>((resolve, reject) => {
          if (closer.signal.aborted) return reject(closedError());
          const onClose = () => reject(closedError());
          const take = () => {
            closer.signal.removeEventListener('abort', onClose);
            wakeFirmware = undefined;
            measureRequested = false;
            resolve();
          };
          if (measureRequested) return take();
          closer.signal.addEventListener('abort', onClose, { once: true });
          wakeFirmware = take;
        }),
      discardRequests: () => {
        measureRequested = false;
      },
    };

    FIRMWARE[id](port).catch((error: unknown) => {
      if (!closer.signal.aborted) closer.abort(new Error(`${id} firmware failed: ${error instanceof Error ? error.message : String(error)}`));
    });

    const commandDecoder = new TextDecoder();
    return {
      transport: 'simulated',
      now: () => clock.now(),
      sleep,
      read: async (timeoutMs) => {
        ensureOpen();
        if (inbox.length === 0) {
          // Woken early by the firmware sending something or by the link closing.
          const wakeUp = new AbortController();
          const wake = () => wakeUp.abort(WOKEN);
          readers.add(wake);
          closer.signal.addEventListener('abort', wake, { once: true });
          try {
            await clock.sleep(timeoutMs, wakeUp.signal);
          } catch (error) {
            if (!wakeUp.signal.aborted) throw error;
          } finally {
            readers.delete(wake);
            closer.signal.removeEventListener('abort', wake);
          }
          ensureOpen();
        }
        return inbox.length > 0 ? concat(inbox.splice(0)) : null;
      },
      write: async (data) => {
        ensureOpen();
        const command = commandDecoder.decode(data).trim();
        if (command !== MEASURE_COMMAND) throw new Error(`${id}: unknown command ${JSON.stringify(command.slice(0, 40))}`);
        if (!simulatedManifest(id).canRequestMeasurement) throw new Error(`${id} cannot be started from the station`);
        measureRequested = true;
        wakeFirmware?.();
      },
      sendFeatureReport: async () => {
        ensureOpen();
        throw new Error(`${id} is a simulated device and has no HID feature reports`);
      },
      close: async () => {
        closer.abort(new DeviceClosedError(`${id} was closed`));
        openLinks.delete(closer);
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
