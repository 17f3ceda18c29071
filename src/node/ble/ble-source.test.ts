/**
 * The BLE source against a fake noble (noble-boundary.ts, the subset of @stoprocent/noble the
 * source uses): scanning, adapter states, connecting, bonding, reads, subscriptions, duplicate
 * stored records, a dropped link, and the whole path through the hub to readings.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { StationReading } from '../../shared/contract';
import { PeripheralHub } from '../hub/hub';
import { BleSource } from './ble-source';
import { bleManifests } from './gatt-driver';
import { decodeGattFrame } from './gatt-frame';
import type { AdapterState, NobleCentral, NobleCharacteristic, NoblePeripheral } from './noble-boundary';

class FakeCharacteristic extends EventEmitter implements NobleCharacteristic {
  subscribed = false;
  readonly written: Buffer[] = [];
  constructor(
    readonly uuid: string,
    readonly properties: string[],
    private readonly value = Buffer.alloc(0),
  ) {
    super();
  }
  async readAsync(): Promise<Buffer> {
    return this.value;
  }
  async writeAsync(data: Buffer): Promise<void> {
    this.written.push(data);
  }
  async subscribeAsync(): Promise<void> {
    this.subscribed = true;
  }
  send(hex: string): void {
    this.emit('data', Buffer.from(hex.replace(/ /g, ''), 'hex'), true);
  }
}

class FakePeripheral extends EventEmitter implements NoblePeripheral {
  connected = false;
  pairAttempts = 0;
  constructor(
    readonly id: string,
    readonly advertisement: { localName?: string; serviceUuids?: string[] },
    readonly characteristics: FakeCharacteristic[],
    readonly rssi = -60,
  ) {
    super();
  }
  get address(): string {
    return `aa:bb:cc:${this.id}`;
  }
  async connectAsync(): Promise<void> {
    this.connected = true;
  }
  async disconnectAsync(): Promise<void> {
    this.connected = false;
  }
  async pairAsync(): Promise<void> {
    this.pairAttempts += 1;
    throw new Error('Pairing is not supported on this platform');
  }
  async discoverSomeServicesAndCharacteristicsAsync() {
    return { services: [], characteristics: this.characteristics };
  }
  dropLink(): void {
    this.connected = false;
    this.emit('disconnect', 0x08);
  }
}

class FakeNoble extends EventEmitter implements NobleCentral {
  scanningFor: string[] | null = null;
  constructor(public state: AdapterState) {
    super();
  }
  async startScanningAsync(uuids: string[]): Promise<void> {
    this.scanningFor = uuids;
  }
  async stopScanningAsync(): Promise<void> {
    this.scanningFor = null;
  }
  setState(state: AdapterState): void {
    this.state = state;
    this.emit('stateChange', state);
  }
}

function cuff(batteryHex = '55') {
  const measurement = new FakeCharacteristic('2a35', ['indicate']);
  const battery = new FakeCharacteristic('2a19', ['read', 'notify'], Buffer.from(batteryHex, 'hex'));
  const peripheral = new FakePeripheral('01', { localName: 'UA-651BLE', serviceUuids: ['1810'] }, [measurement, battery]);
  return { peripheral, measurement };
}

const STORED = '16 66 00 3c 00 48 00 e4 07 06 01 11 33 1d 3f 00 00 00';

describe('BleSource', () => {
  it('lists nothing and logs the state when the adapter is missing or off, and scans once it is on', async () => {
    const noble = new FakeNoble('unsupported');
    const logs: string[] = [];
    const source = new BleSource({ loadNoble: async () => noble, log: (m) => logs.push(m) });
    expect(await source.list()).toEqual([]);
    expect(source.adapterState).toBe('unsupported');
    expect(logs).toContain('Bluetooth adapter is unsupported');
    expect(noble.scanningFor).toBeNull();
    noble.setState('poweredOn');
    expect(noble.scanningFor).toEqual(['1810', '1809', '181d', '1822', '180d']);
  });

  it('runs without Bluetooth when noble cannot load', async () => {
    const logs: string[] = [];
    const source = new BleSource({ loadNoble: () => Promise.reject(new Error('no native binding')), log: (m) => logs.push(m) });
    expect(await source.list()).toEqual([]);
    expect(source.adapterState).toBe('unsupported');
    expect(logs[0]).toContain('Bluetooth is not available');
  });

  it('offers devices advertising a health service with their profile driver, until they stop advertising', async () => {
    const noble = new FakeNoble('poweredOn');
    let now = 1_000;
    const source = new BleSource({ loadNoble: async () => noble, log: () => undefined, now: () => now, presenceMs: 60_000 });
    await source.list();
    let changes = 0;
    source.onChange(() => changes++);
    noble.emit('discover', cuff().peripheral);
    noble.emit('discover', new FakePeripheral('02', { serviceUuids: ['feaa'] }, []));
    expect(changes).toBe(1);
    expect(await source.list()).toEqual([{ key: 'ble:01', transport: 'ble', path: 'aa:bb:cc:01', product: 'UA-651BLE', driverId: 'ble-blood-pressure', radio: { rssiDbm: -60 } }]);
    now += 60_001;
    expect(await source.list()).toEqual([]);
  });

  it('waits the initial scan window on its first listing, for a one-shot listing to hear devices advertise', async () => {
    vi.useFakeTimers();
    try {
      const noble = new FakeNoble('poweredOn');
      const source = new BleSource({ loadNoble: async () => noble, log: () => undefined, initialScanMs: 5_000, now: () => 0 });
      setTimeout(() => noble.emit('discover', cuff().peripheral), 1_000);
      const listing = source.list();
      await vi.advanceTimersByTimeAsync(4_999);
      let settled = false;
      void listing.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await listing).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('connects, tries to bond, reads the battery, subscribes, and drops a stored record sent again', async () => {
    const noble = new FakeNoble('poweredOn');
    const source = new BleSource({ loadNoble: async () => noble, log: () => undefined });
    const { peripheral, measurement } = cuff();
    await source.list();
    noble.emit('discover', peripheral);
    const [candidate] = await source.list();
    const io = await source.open(candidate!, bleManifests[0]!);
    expect(peripheral.pairAttempts).toBe(1);
    expect((await source.list())[0]?.radio).toEqual({ rssiDbm: -60, batteryPercent: 85 });
    expect(measurement.subscribed).toBe(true);
    expect(decodeGattFrame((await io.read(0))!)).toMatchObject({ op: 'read', service: '180f', characteristic: '2a19', value: Uint8Array.of(0x55) });

    measurement.send(STORED);
    measurement.send(STORED);
    measurement.send('00 78 00 50 00 5a 00');
    expect(decodeGattFrame((await io.read(0))!)).toMatchObject({ op: 'indicate', service: '1810', characteristic: '2a35' });
    expect(decodeGattFrame((await io.read(0))!)?.value).toEqual(Uint8Array.of(0, 0x78, 0, 0x50, 0, 0x5a, 0));
    expect(await io.read(0)).toBeNull();
    await io.close();
    expect(peripheral.connected).toBe(false);

    // The next connection: the same stored record again is still a repeat; a live one is new.
    const again = await source.open(candidate!, bleManifests[0]!);
    await again.read(0);
    measurement.send(STORED);
    measurement.send('00 78 00 50 00 5a 00');
    expect(decodeGattFrame((await again.read(0))!)?.value).toEqual(Uint8Array.of(0, 0x78, 0, 0x50, 0, 0x5a, 0));
    await again.close();
  });

  it('ends the session with DeviceClosedError when the link drops, and stays listed while connected', async () => {
    const noble = new FakeNoble('poweredOn');
    let now = 0;
    const source = new BleSource({ loadNoble: async () => noble, log: () => undefined, now: () => now, presenceMs: 1_000 });
    const { peripheral } = cuff();
    await source.list();
    noble.emit('discover', peripheral);
    const [candidate] = await source.list();
    const io = await source.open(candidate!, bleManifests[0]!);
    now = 10_000;
    expect(await source.list()).toHaveLength(1);
    await io.read(0);
    const pending = io.read(60_000);
    peripheral.dropLink();
    await expect(pending).rejects.toMatchObject({ name: 'DeviceClosedError', message: 'the Bluetooth link dropped' });
    await expect(io.read(0)).rejects.toMatchObject({ name: 'DeviceClosedError' });
    now = 11_001;
    expect(await source.list()).toEqual([]);
  });

  it('logs a device clock far off the station clock', async () => {
    const noble = new FakeNoble('poweredOn');
    const logs: string[] = [];
    const stationNow = new Date('2026-01-02T08:30:00').getTime();
    const source = new BleSource({ loadNoble: async () => noble, log: (m) => logs.push(m), now: () => stationNow });
    // Current Time 2026-01-02 08:00:00: 30 minutes behind.
    const clock = new FakeCharacteristic('2a2b', ['read'], Buffer.from('ea07010208000005000000'.slice(0, 20), 'hex'));
    const peripheral = new FakePeripheral('03', { serviceUuids: ['1809'] }, [new FakeCharacteristic('2a1c', ['indicate']), clock]);
    await source.list();
    noble.emit('discover', peripheral);
    const [candidate] = await source.list();
    const io = await source.open(candidate!, bleManifests[1]!);
    expect(logs, logs.join('\n')).toContain('"aa:bb:cc:03": the device clock is -30 min off the station\'s');
    expect(decodeGattFrame((await io.read(0))!)).toMatchObject({ op: 'read', service: '1805', characteristic: '2a2b' });
    await io.close();
  });

  it('brings a BLE cuff through the hub to readings grouped as one measurement', async () => {
    const noble = new FakeNoble('poweredOn');
    const source = new BleSource({ loadNoble: async () => noble, log: () => undefined });
    const hub = new PeripheralHub({ sources: [source], drivers: bleManifests, pollIntervalMs: 60_000, log: () => undefined });
    const { peripheral, measurement } = cuff();
    const readings: StationReading[] = [];
    hub.on('reading', (reading) => readings.push(reading));
    await hub.start();
    const subscribed = new Promise<void>((resolve) => {
      const original = measurement.subscribeAsync.bind(measurement);
      measurement.subscribeAsync = async () => {
        await original();
        resolve();
      };
    });
    noble.emit('discover', peripheral);
    await subscribed;
    const four = new Promise<void>((resolve) => hub.on('reading', () => readings.length === 4 && resolve()));
    measurement.send(STORED);
    await four;
    await hub.close();
    expect(readings.map((r) => [r.metric, r.value, r.unit, r.deviceTime, r.source])).toEqual([
      ['systolic', 102, 'mm[Hg]', '2020-06-01T17:51:29', 'blood-pressure-cuff'],
      ['diastolic', 60, 'mm[Hg]', '2020-06-01T17:51:29', 'blood-pressure-cuff'],
      ['meanArterialPressure', 72, 'mm[Hg]', '2020-06-01T17:51:29', 'blood-pressure-cuff'],
      ['pulseRate', 63, '/min', '2020-06-01T17:51:29', 'blood-pressure-cuff'],
    ]);
    expect(new Set(readings.map((r) => r.measurementId)).size).toBe(1);
    expect(readings[0]?.measurementId).not.toBeNull();
    expect(hub.devices()[0]).toMatchObject({ id: 'ble:01', transport: 'ble', driverId: 'ble-blood-pressure', radio: { rssiDbm: -60, batteryPercent: 85 } });
  });
});
