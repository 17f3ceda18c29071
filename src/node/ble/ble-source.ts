/**
 * Bluetooth Low Energy health devices as a DeviceSource: scans for the health services of
 * profiles.ts, offers each advertising device to the hub with its profile's driver, and opens one
 * by connecting, asking for a bond where the profile needs one, reading the battery level and
 * clock, and subscribing to its measurements. Everything the device sends reaches the driver as
 * GATT frames (gatt-frame.ts), so recording and replay work as for USB. Reconnects are the hub's:
 * a dropped link rejects read() with DeviceClosedError and the hub retries with its backoff.
 */
import { logError, logText } from '../../shared/log-text';
import type { DriverManifest } from '../drivers/driver';
import type { OpenDeviceIo } from '../hub/opened-device';
import type { DeviceCandidate, DeviceSource } from '../hub/source';
import { decodeBatteryLevel, decodeCurrentTime, decodeDateTime } from './gatt/date-time';
import { encodeGattFrame, decodeGattFrame, normaliseUuid, type GattOp, type GattRecord } from './gatt-frame';
import { BleFrameIo } from './ble-frame-io';
import type { AdapterState, NobleCentral, NobleCharacteristic, NoblePeripheral } from './noble-boundary';
import { BLE_PROFILES, profileById, profileForServices, UUID, type BleProfile } from './profiles';
import { StoredRecordLedger } from './stored-records';

export interface BleSourceOptions {
  loadNoble(): Promise<NobleCentral>;
  log?(message: string): void;
  /** A device not heard advertising for this long, and not connected, has left. */
  presenceMs?: number;
  /** Station wall clock, for the device clock offset. */
  now?(): number;
  /**
   * How long the first listing waits for advertisements once the adapter is on. The station
   * needs none (a device found later is announced through onChange); a one-shot listing (the
   * `devices` and `record` verbs) does, since devices advertise only every second or so.
   */
  initialScanMs?: number;
}

interface SeenDevice {
  peripheral: NoblePeripheral;
  profile: BleProfile;
  lastSeenAt: number;
  connected: boolean;
  /** Battery Level read at the last connection. */
  batteryPercent?: number;
}

const DEFAULT_PRESENCE_MS = 60_000;
const CLOCK_OFFSET_WORTH_SAYING_MS = 2 * 60_000;

export class BleSource implements DeviceSource {
  readonly transport = 'ble';
  #central: Promise<NobleCentral | null> | undefined;
  #state: AdapterState = 'unknown';
  #firstScan: Promise<void> | undefined;
  readonly #seen = new Map<string, SeenDevice>();
  readonly #listeners = new Set<() => void>();
  readonly #ledger = new StoredRecordLedger();
  readonly #log: (message: string) => void;
  readonly #now: () => number;

  constructor(private readonly options: BleSourceOptions) {
    this.#log = options.log ?? ((message) => console.warn(`[ble] ${message}`));
    this.#now = options.now ?? Date.now;
  }

  /** The adapter's state as noble reports it; 'unsupported' when noble cannot load on this machine. */
  get adapterState(): AdapterState {
    return this.#state;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Devices heard advertising a health service lately, or connected; none while the adapter is off. */
  async list(): Promise<DeviceCandidate[]> {
    await this.#start();
    if (this.#state !== 'poweredOn') return [];
    this.#firstScan ??= new Promise((resolve) => setTimeout(resolve, this.options.initialScanMs ?? 0));
    await this.#firstScan;
    const now = this.#now();
    const presenceMs = this.options.presenceMs ?? DEFAULT_PRESENCE_MS;
    return [...this.#seen.entries()]
      .filter(([, device]) => device.connected || now - device.lastSeenAt <= presenceMs)
      .map(([key, device]) => ({
        key,
        transport: 'ble',
        path: device.peripheral.address || device.peripheral.id,
        product: device.peripheral.advertisement.localName,
        driverId: device.profile.id,
        ...radioOf(device),
      }));
  }

  async open(candidate: DeviceCandidate, manifest: DriverManifest): Promise<OpenDeviceIo> {
    const device = this.#seen.get(candidate.key);
    const profile = profileById(manifest.id);
    if (device === undefined || profile === undefined) throw new Error(`${candidate.path} is not a Bluetooth health device the station has seen`);
    const { peripheral } = device;
    await peripheral.connectAsync();
    device.connected = true;
    let characteristics: NobleCharacteristic[] = [];
    const io = new BleFrameIo({
      write: (record) => this.#write(characteristics, record),
      close: async () => {
        device.connected = false;
        device.lastSeenAt = this.#now();
        await peripheral.disconnectAsync().catch(() => undefined);
      },
    });
    const onDisconnect = (): void => {
      device.connected = false;
      device.lastSeenAt = this.#now();
      io.markGone('the Bluetooth link dropped');
    };
    peripheral.once('disconnect', onDisconnect);
    try {
      if (profile.bond) await this.#bond(peripheral);
      ({ characteristics } = await peripheral.discoverSomeServicesAndCharacteristicsAsync(
        [profile.service, UUID.batteryService, UUID.currentTimeService],
        [...profile.measurements, UUID.batteryLevel, UUID.currentTime, UUID.dateTime],
      ));
      const battery = await this.#read(characteristics, UUID.batteryService, UUID.batteryLevel, io);
      const level = battery === null ? null : decodeBatteryLevel(battery);
      if (level?.ok) {
        device.batteryPercent = level.value;
        this.#changed();
      }
      await this.#readClock(characteristics, profile, peripheral, io);
      for (const characteristic of characteristics) {
        const uuid = normaliseUuid(characteristic.uuid);
        if (uuid === null || !profile.measurements.includes(uuid)) continue;
        const op: GattOp = characteristic.properties.includes('indicate') ? 'indicate' : 'notify';
        const onData = (data: Buffer): void => {
          const record: GattRecord = { op, service: profile.service, characteristic: uuid, value: new Uint8Array(data) };
          // Stored records come again on every connection until the device forgets them.
          if (this.#ledger.isRepeat(candidate.key, record)) return;
          io.deliver(encodeGattFrame(record));
        };
        characteristic.on('data', onData);
        io.onClose(() => characteristic.removeListener('data', onData));
        await characteristic.subscribeAsync();
      }
    } catch (error) {
      peripheral.removeListener('disconnect', onDisconnect);
      await io.close();
      throw error;
    }
    io.onClose(() => peripheral.removeListener('disconnect', onDisconnect));
    return io;
  }

  /** Loads noble once, follows the adapter's state and scans while it is powered on. */
  #start(): Promise<NobleCentral | null> {
    this.#central ??= this.options.loadNoble().then(
      (central) => {
        central.on('stateChange', (state) => this.#stateChanged(central, state));
        central.on('discover', (peripheral) => this.#discovered(peripheral));
        this.#stateChanged(central, central.state);
        return central;
      },
      (error: unknown) => {
        this.#log(`Bluetooth is not available: ${logError(error)}`);
        this.#state = 'unsupported';
        return null;
      },
    );
    return this.#central;
  }

  #stateChanged(central: NobleCentral, state: AdapterState): void {
    if (state === this.#state) return;
    this.#log(`Bluetooth adapter is ${state}`);
    this.#state = state;
    if (state === 'poweredOn') {
      central.startScanningAsync(BLE_PROFILES.map((profile) => profile.service), true).catch((error: unknown) => this.#log(`scanning failed: ${logError(error)}`));
    }
    this.#changed();
  }

  #discovered(peripheral: NoblePeripheral): void {
    const services = (peripheral.advertisement.serviceUuids ?? []).map(normaliseUuid).filter((uuid): uuid is string => uuid !== null);
    const profile = profileForServices(services);
    if (profile === undefined) return;
    const key = `ble:${peripheral.id}`;
    const known = this.#seen.get(key);
    if (known !== undefined) {
      known.lastSeenAt = this.#now();
      return;
    }
    this.#seen.set(key, { peripheral, profile, lastSeenAt: this.#now(), connected: false });
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Noble pairs only on Windows; elsewhere the OS pairs the device once (the Add a device steps). */
  async #bond(peripheral: NoblePeripheral): Promise<void> {
    try {
      await peripheral.pairAsync?.();
    } catch (error) {
      this.#log(`pairing ${logText(peripheral.address)} through noble: ${logError(error)}; relying on the operating system's bond`);
    }
  }

  /** Reads a characteristic the device may have, handing the value to the driver as a `read` record. */
  async #read(characteristics: readonly NobleCharacteristic[], service: string, uuid: string, io: BleFrameIo): Promise<Uint8Array | null> {
    const characteristic = characteristics.find((c) => normaliseUuid(c.uuid) === uuid && c.properties.includes('read'));
    if (characteristic === undefined) return null;
    const value = new Uint8Array(await characteristic.readAsync());
    io.deliver(encodeGattFrame({ op: 'read', service, characteristic: uuid, value }));
    return value;
  }

  /**
   * The device's clock (Current Time, else the profile's Date Time) against the station's. Stored
   * readings keep the device's own time, so a clock far off is logged for whoever reads them.
   */
  async #readClock(characteristics: readonly NobleCharacteristic[], profile: BleProfile, peripheral: NoblePeripheral, io: BleFrameIo): Promise<void> {
    const currentTime = await this.#read(characteristics, UUID.currentTimeService, UUID.currentTime, io);
    let time: string | null = null;
    if (currentTime !== null) {
      const decoded = decodeCurrentTime(currentTime);
      time = decoded.ok ? decoded.value.time : null;
    } else {
      const dateTime = await this.#read(characteristics, profile.service, UUID.dateTime, io);
      const decoded = dateTime === null ? null : decodeDateTime(dateTime);
      time = decoded?.ok ? decoded.value : null;
    }
    if (time === null) return;
    const offsetMs = clockOffsetMs(time, this.#now());
    if (Math.abs(offsetMs) >= CLOCK_OFFSET_WORTH_SAYING_MS) this.#log(`${logText(peripheral.address)}: the device clock is ${Math.round(offsetMs / 60_000)} min off the station's`);
  }

  async #write(characteristics: readonly NobleCharacteristic[], frame: Uint8Array): Promise<void> {
    const record = decodeGattFrame(frame);
    const characteristic = record === null ? undefined : characteristics.find((c) => normaliseUuid(c.uuid) === record.characteristic);
    if (record === null || characteristic === undefined) throw new Error('the device has no such characteristic to write');
    await characteristic.writeAsync(Buffer.from(record.value), false);
  }
}

/** Device wall time (no zone, read as the station's local time) minus the station's clock. */
export function clockOffsetMs(deviceTime: string, stationNow: number): number {
  return new Date(deviceTime).getTime() - stationNow;
}

/** Signal and battery as the device panel shows them; an RSSI noble could not measure (127) is left out. */
function radioOf(device: SeenDevice): Pick<DeviceCandidate, 'radio'> {
  const rssiDbm = device.peripheral.rssi;
  if (!Number.isInteger(rssiDbm) || rssiDbm < -127 || rssiDbm > 20) return {};
  return { radio: device.batteryPercent === undefined ? { rssiDbm } : { rssiDbm, batteryPercent: device.batteryPercent } };
}
