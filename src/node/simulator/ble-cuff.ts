/**
 * A simulated Bluetooth blood-pressure cuff, behind a simulated noble: the station's real BleSource,
 * GATT driver and 0x2A35 decoder run against it, so web mode with --simulate and the e2e suite show
 * a Bluetooth device end to end. The cuff advertises the Blood Pressure Service, answers a battery
 * read, and indicates a measurement every 15 minutes while connected (a real cuff measures when
 * its button is pressed), encoded as BLS 1.1 section 3.1.1 lays it out. The first comes after a
 * full interval, not at once: the USB-like simulated cuff's measurements on request stay the only
 * blood pressures of a short session, which the e2e specs of the other screens count on.
 */
import { EventEmitter } from 'node:events';
import type { Observation } from '../../shared/readings';
import type { AdapterState, NobleCentral, NobleCharacteristic, NoblePeripheral } from '../ble/noble-boundary';
import { UUID } from '../ble/profiles';
import type { Clock } from './clock';
import { noise } from './noise';
import type { SimulatedPatient } from './patient';
import { readCuff } from './spot-check';

export const SIM_BLE_CUFF_ID = 'sim-ble-cuff';
/** Between connection and measurements of the simulated cuff: often enough for a demo, far apart enough to read. */
export const SIM_BLE_CUFF_INTERVAL_MS = 15 * 60_000;
const BATTERY_PERCENT = 87;
const FLAG_PULSE_RATE_PRESENT = 0x04;

/** A whole-number value as an SFLOAT with exponent 0 (mantissa up to 2045, below the special values). */
function sfloatBytes(value: number): number[] {
  const mantissa = Math.round(value) & 0x0fff;
  return [mantissa & 0xff, mantissa >> 8];
}

/** A Blood Pressure Measurement value (mmHg, pulse present, no time stamp: a live measurement). */
export function encodeBloodPressure(readings: readonly Observation[]): Buffer {
  const value = (metric: Observation['metric']): number => readings.find((reading) => reading.metric === metric)?.value ?? 0;
  return Buffer.from([
    FLAG_PULSE_RATE_PRESENT,
    ...sfloatBytes(value('systolic')),
    ...sfloatBytes(value('diastolic')),
    ...sfloatBytes(value('meanArterialPressure')),
    ...sfloatBytes(value('pulseRate')),
  ]);
}

class SimulatedCharacteristic extends EventEmitter implements NobleCharacteristic {
  constructor(
    readonly uuid: string,
    readonly properties: readonly string[],
    private readonly value: Buffer,
    private readonly subscribed: () => void,
  ) {
    super();
  }
  async readAsync(): Promise<Buffer> {
    return this.value;
  }
  async writeAsync(): Promise<void> {
    throw new Error(`the simulated cuff's ${this.uuid} is not writable`);
  }
  async subscribeAsync(): Promise<void> {
    this.subscribed();
  }
}

class SimulatedCuffPeripheral extends EventEmitter implements NoblePeripheral {
  readonly id = SIM_BLE_CUFF_ID;
  readonly address = 'sim:ble-cuff';
  readonly rssi = -58;
  readonly advertisement = { localName: 'Simulated Bluetooth cuff', serviceUuids: [UUID.bloodPressureService] };
  #connection: AbortController | undefined;
  readonly #measurement: SimulatedCharacteristic;
  readonly #battery = new SimulatedCharacteristic(UUID.batteryLevel, ['read'], Buffer.from([BATTERY_PERCENT]), () => undefined);

  constructor(
    private readonly patient: SimulatedPatient,
    private readonly clock: Clock,
    private readonly seed: number,
  ) {
    super();
    this.#measurement = new SimulatedCharacteristic(UUID.bloodPressureMeasurement, ['indicate'], Buffer.alloc(0), () => this.#measureWhileConnected());
  }

  async connectAsync(): Promise<void> {
    this.#connection?.abort();
    this.#connection = new AbortController();
  }
  async disconnectAsync(): Promise<void> {
    this.#connection?.abort();
    this.#connection = undefined;
  }
  async discoverSomeServicesAndCharacteristicsAsync() {
    return { services: [], characteristics: [this.#measurement, this.#battery] };
  }

  /** Takes a measurement per interval , until disconnected. */
  #measureWhileConnected(): void {
    const signal = this.#connection?.signal;
    if (signal === undefined) return;
    void (async () => {
      for (let index = 0; ; index++) {
        await this.clock.sleep(SIM_BLE_CUFF_INTERVAL_MS, signal);
        const readings = readCuff(this.patient.vitalsAt(this.clock.now()), (stream) => noise(this.seed, stream, index));
        this.#measurement.emit('data', encodeBloodPressure(readings), false);
      }
    })().catch(() => undefined);
  }
}

/** The adapter of the simulation: always powered on, with the one cuff in range. */
class SimulatedNoble extends EventEmitter implements NobleCentral {
  readonly state: AdapterState = 'poweredOn';
  constructor(private readonly cuff: SimulatedCuffPeripheral) {
    super();
  }
  async startScanningAsync(): Promise<void> {
    queueMicrotask(() => this.emit('discover', this.cuff));
  }
  async stopScanningAsync(): Promise<void> {}
}

export function simulatedNoble(patient: SimulatedPatient, clock: Clock, seed: number): NobleCentral {
  return new SimulatedNoble(new SimulatedCuffPeripheral(patient, clock, seed));
}
