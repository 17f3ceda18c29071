import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceInfo, StationReading, WaveformBatch } from '../../shared/contract';
import { StationReadingSchema, WaveformBatchSchema, DeviceInfoSchema } from '../../shared/contract';
import { parseCapture } from '../capture/format';
import { cms50Manifest } from '../drivers/cms50/manifest';
import { liveWire, type RawLiveFields } from '../drivers/cms50/test-bytes';
import { PeripheralHub, type PeripheralHubOptions } from './hub';
import type { RecordIo } from './opened-device';
import { NodeHidSource } from './node-hid-source';
import type { DeviceSource } from './source';
import { SerialPortSource } from './serialport-source';
import { FakeNodeHid, TEST_REPORT, TestHidDriver, fakeSerialPortModule, testHidManifest } from './test-fakes';

const POLL_MS = 500;
const OXIMETER = { path: '/dev/hidraw3', vendorId: 0x1234, productId: 0x0001, serialNumber: 'OX-42', product: 'Test oximeter' };
const OXIMETER_ID = 'hid:1234:0001:OX-42:if0';

let hid: FakeNodeHid;
let hub: PeripheralHub;
let logged: string[];
let devicesEvents: DeviceInfo[][];
let readings: StationReading[];
let waveforms: WaveformBatch[];

/** Starts the hub and lets the first opens complete. */
async function startHub(overrides: Partial<PeripheralHubOptions> = {}): Promise<void> {
  hub = new PeripheralHub({
    sources: [new NodeHidSource(async () => hid)],
    drivers: [testHidManifest],
    pollIntervalMs: POLL_MS,
    retry: { initialMs: 1_000, maxMs: 8_000 },
    platform: 'linux',
    log: (message) => logged.push(message),
    ...overrides,
  });
  hub.on('devices', (list) => devicesEvents.push(list));
  hub.on('reading', (reading) => readings.push(reading));
  hub.on('waveform', (batch) => waveforms.push(batch));
  await hub.start();
  await advance(0);
}

function device(id = OXIMETER_ID): DeviceInfo | undefined {
  return hub.devices().find((info) => info.id === id);
}

/** Lets the hub, the fake device and the driver run for `ms` of virtual time. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** Drivers notice the abort when their pending read times out (100 ms for the test driver). */
async function closeHub(): Promise<void> {
  const closing = hub.close();
  await advance(100);
  await closing;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-05T10:00:00Z') });
  hid = new FakeNodeHid();
  logged = [];
  devicesEvents = [];
  readings = [];
  waveforms = [];
  TestHidDriver.measurementRequests = 0;
});

afterEach(async () => {
  await closeHub();
  vi.useRealTimers();
});

describe('PeripheralHub discovery and matching', () => {
  it('opens a matching device, runs its driver and ignores devices no driver claims', async () => {
    const oximeter = hid.attach(OXIMETER);
    hid.attach({ path: '/dev/hidraw0', vendorId: 0x046d, productId: 0xc52b, product: 'Keyboard' });
    await startHub();
    await advance(0);

    expect(hub.devices()).toEqual([
      { id: OXIMETER_ID, driverId: 'test-hid-oximeter', name: 'Test oximeter', transport: 'hid', state: 'streaming', condition: 'ok', canRequestMeasurement: true, metrics: ['spo2', 'pulseRate', 'bodyTemperature'] },
    ]);
    expect(oximeter.openCount).toBe(1);
    for (const list of devicesEvents) for (const info of list) expect(DeviceInfoSchema.parse(info)).toEqual(info);
    expect(devicesEvents.map((list) => list.map((info) => info.state))).toEqual([['connecting'], ['streaming']]);
  });

  it('rescans at once when a source reports a change, without waiting for the poll', async () => {
    const listeners = new Set<() => void>();
    const hidSource = new NodeHidSource(async () => hid);
    const notifying: DeviceSource = {
      transport: 'hid',
      list: () => hidSource.list(),
      open: (candidate, manifest) => hidSource.open(candidate, manifest),
      onChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    await startHub({ sources: [notifying], pollIntervalMs: 60_000 });
    hid.attach(OXIMETER);
    for (const listener of listeners) listener();
    await advance(0);
    expect(device()?.state).toBe('streaming');
    await closeHub();
    expect(listeners.size).toBe(0);
  });

  it('notices a device plugged in while running', async () => {
    await startHub();
    expect(hub.devices()).toEqual([]);
    hid.attach(OXIMETER).send(TEST_REPORT.spo2, 97);
    await advance(POLL_MS);
    expect(device()?.state).toBe('streaming');
    expect(readings.map((r) => r.value)).toEqual([97]);
  });
});

describe('PeripheralHub readings', () => {
  it('forwards valid observations in device order with a hub-wide increasing seq', async () => {
    const oximeter = hid.attach(OXIMETER);
    await startHub();
    oximeter.send(TEST_REPORT.spo2, 97);
    oximeter.send(TEST_REPORT.pulseRate, 65);
    oximeter.send(TEST_REPORT.spo2, 96);
    await advance(10);

    expect(readings.map(({ metric, value, unit }) => [metric, value, unit])).toEqual([
      ['spo2', 97, '%'],
      ['pulseRate', 65, '/min'],
      ['spo2', 96, '%'],
    ]);
    expect(readings.map((r) => r.seq)).toEqual([0, 1, 2]);
    // Codes as clinical-references.md gives them: SpO2 LOINC 2708-6 + 59408-5, MDC_PULS_OXIM_SAT_O2 = 2::19384;
    // pulse rate LOINC 8867-4, MDC_PULS_OXIM_PULS_RATE = 2::18458.
    expect(readings.map(({ loinc, mdc }) => [loinc, mdc])).toEqual([
      [['2708-6', '59408-5'], 2 * 65_536 + 19_384],
      [['8867-4'], 2 * 65_536 + 18_458],
      [['2708-6', '59408-5'], 2 * 65_536 + 19_384],
    ]);
    for (const reading of readings) {
      expect(StationReadingSchema.parse(reading)).toEqual(reading);
      expect(reading).toMatchObject({ deviceId: OXIMETER_ID, deviceTime: null, provenance: 'live', receivedAt: Date.parse('2026-01-05T10:00:00Z') });
    }
    expect(hub.latest().map(({ metric, value }) => [metric, value])).toEqual([
      ['spo2', 96],
      ['pulseRate', 65],
    ]);
  });

  it('drops implausible values with a logged reason and never forwards them', async () => {
    const oximeter = hid.attach(OXIMETER);
    await startHub();
    oximeter.send(TEST_REPORT.spo2, 97);
    oximeter.send(TEST_REPORT.spo2, 150);
    oximeter.send(TEST_REPORT.spo2InWrongUnit, 97);
    oximeter.send(TEST_REPORT.temperatureF, 98); // 98.6 °F is 37 °C: plausible once converted
    oximeter.send(TEST_REPORT.temperatureF, 140); // 140.6 °F is 60.3 °C: not a body temperature
    await advance(10);

    expect(readings.map(({ metric, value }) => [metric, value])).toEqual([
      ['spo2', 97],
      ['bodyTemperature', 98.6],
    ]);
    expect(readings.map((r) => r.seq)).toEqual([0, 1]);
    expect(logged.filter((line) => line.startsWith('dropped'))).toHaveLength(3);
    expect(logged.join('\n')).toMatch(/spo2: SpO₂ outside the possible range 0–100 %/);
    // The log names the fault, never the measured value (health data stays out of logs).
    expect(logged.join('\n')).not.toMatch(/150|140\.6/);
    expect(logged.join('\n')).toMatch(/spo2: SpO₂ cannot be measured in \/min/);
    expect(hub.latest().find((r) => r.metric === 'spo2')?.value).toBe(97);
  });

  it('places consecutive pleth chunks back to back and shows a real gap as a gap', async () => {
    const oximeter = hid.attach(OXIMETER);
    await startHub();
    const t0 = Date.now();
    // 5 samples at 50 Hz = 100 ms per chunk, arriving with a little jitter.
    oximeter.send(TEST_REPORT.pleth, 10, 11, 12, 13, 14);
    await advance(110);
    oximeter.send(TEST_REPORT.pleth, 15, 16, 17, 18, 19);
    await advance(2_000); // the device stalls for two seconds
    oximeter.send(TEST_REPORT.pleth, 20, 21, 22, 23, 24);
    await advance(10);

    for (const batch of waveforms) expect(WaveformBatchSchema.parse(batch)).toEqual(batch);
    expect(waveforms.map((batch) => batch.startedAt - t0)).toEqual([-100, 0, 2_010]);
    expect(waveforms[1]?.samples).toEqual([15, 16, 17, 18, 19]);
  });

  it("forwards the raw scale a driver declares with its pleth, and drops a chunk whose scale is not a range, with a logged reason", async () => {
    const oximeter = hid.attach(OXIMETER);
    await startHub();
    oximeter.send(TEST_REPORT.pleth, 10, 11);
    oximeter.send(TEST_REPORT.plethUpsideDownScale, 12, 13);
    await advance(10);
    expect(waveforms.map((batch) => [batch.samples, batch.scale])).toEqual([[[10, 11], { min: 0, max: 255 }]]);
    expect(logged.join('\n')).toMatch(/pleth: bad raw scale/);
  });
});

describe('PeripheralHub states and plug cycles', () => {
  it('shows probe-off with the action a nurse can take, and returns to streaming', async () => {
    const oximeter = hid.attach(OXIMETER);
    await startHub();
    oximeter.send(TEST_REPORT.probeOff);
    await advance(10);
    expect(device()).toMatchObject({ state: 'probe-off', condition: 'probe-off', action: 'Put the finger fully into the oximeter' });
    oximeter.send(TEST_REPORT.probeOk);
    await advance(10);
    expect(device()).toMatchObject({ state: 'streaming', condition: 'ok' });
    expect(device()?.action).toBeUndefined();
  });

  it('marks an unplugged device disconnected, stops its readings and reconnects it under the same id', async () => {
    const oximeter = hid.attach(OXIMETER);
    await startHub();
    oximeter.send(TEST_REPORT.spo2, 97);
    await advance(10);

    oximeter.unplug();
    await advance(POLL_MS);
    expect(device()).toMatchObject({ state: 'disconnected', reason: 'The device was unplugged or switched off', action: 'Plug the device back in' });
    expect(oximeter.openHandles).toBe(0);
    oximeter.send(TEST_REPORT.spo2, 91); // nothing may come from a device that is gone
    await advance(5 * POLL_MS);
    expect(readings.map((r) => r.value)).toEqual([97]);
    expect(device()?.state).toBe('disconnected');

    // Linux gives the replugged device a new hidraw node; its serial number keeps the id.
    oximeter.info.path = '/dev/hidraw7';
    oximeter.replug();
    await advance(POLL_MS);
    expect(device()?.state).toBe('streaming');
    expect(hub.devices()).toHaveLength(1);
    expect(oximeter.openCount).toBe(2);
    await advance(10);
    expect(readings.map((r) => r.value)).toEqual([97, 91]);
    expect(readings.map((r) => r.seq)).toEqual([0, 1]);
  });

  it('closes a device unplugged while it was still opening, never starting its driver', async () => {
    const oximeter = hid.attach(OXIMETER);
    // The OS hands out the handle, but the open resolves only when the test says so (slow USB stack).
    const hidSource = new NodeHidSource(async () => hid);
    let finishOpen!: () => void;
    const opened = new Promise<void>((resolve) => (finishOpen = resolve));
    const slowSource: DeviceSource = {
      transport: hidSource.transport,
      list: () => hidSource.list(),
      open: async (candidate, manifest) => {
        const io = await hidSource.open(candidate, manifest);
        await opened;
        return io;
      },
    };
    await startHub({ sources: [slowSource] });
    expect(device()?.state).toBe('connecting');
    expect(oximeter.openHandles).toBe(1);

    oximeter.unplug();
    await advance(POLL_MS);
    expect(device()?.state).toBe('disconnected');
    const eventsAfterUnplug = devicesEvents.length;
    finishOpen();
    await advance(POLL_MS);

    expect(oximeter.openHandles).toBe(0);
    expect(devicesEvents.slice(eventsAfterUnplug).flat().map((info) => info.state)).not.toContain('streaming');
    expect(device()?.state).toBe('disconnected');
    expect(logged).toEqual([]);
  });

  it('runs several devices at once, each in its own state', async () => {
    const first = hid.attach(OXIMETER);
    const second = hid.attach({ ...OXIMETER, path: '/dev/hidraw4', serialNumber: 'OX-43' });
    await startHub();
    first.send(TEST_REPORT.spo2, 97);
    second.send(TEST_REPORT.spo2, 88);
    second.send(TEST_REPORT.probeOff);
    await advance(10);
    expect(hub.devices().map(({ id, state }) => [id, state])).toEqual([
      [OXIMETER_ID, 'streaming'],
      ['hid:1234:0001:OX-43:if0', 'probe-off'],
    ]);
    expect(readings.map(({ deviceId, value }) => [deviceId, value])).toEqual([
      [OXIMETER_ID, 97],
      ['hid:1234:0001:OX-43:if0', 88],
    ]);
  });
});

describe('PeripheralHub failures', () => {
  it('explains a Linux permission failure with the udev rule and retries with backoff', async () => {
    const oximeter = hid.attach(OXIMETER);
    oximeter.openError = new Error('cannot open device with path /dev/hidraw3');
    await startHub();
    expect(device()).toMatchObject({
      state: 'error',
      action: 'Install the VitalBridge udev rule (resources/udev/60-vitalbridge.rules) and re-plug the device',
    });
    expect(device()?.reason).toContain('did not allow VitalBridge to open the device');

    oximeter.openError = undefined;
    await advance(999);
    expect(device()?.state).toBe('error');
    await advance(1);
    expect(device()?.state).toBe('streaming');
  });

  it('tells the user to close the other program when the device is busy', async () => {
    const oximeter = hid.attach(OXIMETER);
    oximeter.openError = Object.assign(new Error('EBUSY: resource busy or locked'), { code: 'EBUSY' });
    await startHub();
    expect(device()).toMatchObject({ state: 'error', action: 'Close the other program using the device' });
  });

  it('survives a driver that throws: error state with the reason, retry with doubling backoff', async () => {
    const oximeter = hid.attach(OXIMETER);
    await startHub();
    oximeter.send(TEST_REPORT.crash);
    await advance(0);
    expect(device()).toMatchObject({ state: 'error' });
    expect(device()?.reason).toBe('The Test oximeter connection failed (corrupt frame from device)');
    expect(oximeter.openHandles).toBe(0);

    await advance(1_000);
    expect(oximeter.openCount).toBe(2);
    oximeter.send(TEST_REPORT.crash);
    await advance(0);
    expect(device()?.state).toBe('error');
    await advance(1_999);
    expect(oximeter.openCount).toBe(2);
    await advance(1);
    expect(oximeter.openCount).toBe(3);
    oximeter.send(TEST_REPORT.spo2, 95);
    await advance(10);
    expect(device()?.state).toBe('streaming');
    expect(readings.map((r) => r.value)).toEqual([95]);
  });

  it('keeps known devices when a source cannot be listed, instead of reporting them unplugged', async () => {
    hid.attach(OXIMETER);
    await startHub();
    hid.listError = new Error('hidapi enumeration failed');
    await advance(3 * POLL_MS);
    expect(device()?.state).toBe('streaming');
    expect(logged.filter((line) => line === 'listing hid devices failed: hidapi enumeration failed')).toHaveLength(1);
  });

  it('marks a session that ends by itself idle and reopens it when a measurement is requested', async () => {
    const oximeter = hid.attach(OXIMETER);
    await startHub();
    oximeter.send(TEST_REPORT.finish);
    await advance(10);
    expect(device()).toMatchObject({ state: 'idle', reason: 'The device has sent all its data' });
    expect(oximeter.openHandles).toBe(0);

    hub.requestMeasurement(OXIMETER_ID);
    await advance(0);
    expect(device()?.state).toBe('streaming');
    expect(TestHidDriver.measurementRequests).toBe(1);
    hub.requestMeasurement(OXIMETER_ID);
    expect(TestHidDriver.measurementRequests).toBe(2);
    expect(() => hub.requestMeasurement('hid:nope')).toThrow('no device with id hid:nope');
  });
});

describe('PeripheralHub shutdown and recording', () => {
  it('close aborts drivers, closes every device and leaves no timer behind', async () => {
    const first = hid.attach(OXIMETER);
    const second = hid.attach({ ...OXIMETER, path: '/dev/hidraw4', serialNumber: 'OX-43' });
    second.openError = Object.assign(new Error('busy'), { code: 'EBUSY' });
    await startHub();
    expect(device('hid:1234:0001:OX-43:if0')?.state).toBe('error'); // a retry timer is pending
    await closeHub();
    expect(first.openHandles).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    first.send(TEST_REPORT.spo2, 97);
    await advance(POLL_MS * 4);
    expect(readings).toEqual([]);
  });

  it('records a device from the start of a fresh session', async () => {
    const oximeter = hid.attach(OXIMETER);
    const recorded: string[] = [];
    const recordIo: RecordIo = async (io, target) => ({
      ...io,
      transport: io.transport,
      read: async (timeoutMs) => {
        const data = await io.read(timeoutMs);
        if (data !== null) recorded.push(`${target.outPath} in ${[...data].join(' ')}`);
        return data;
      },
      close: () => io.close(),
      now: () => io.now(),
      sleep: (ms) => io.sleep(ms),
      write: (data) => io.write(data),
      sendFeatureReport: (data) => io.sendFeatureReport(data),
    });
    await startHub({ recordIo });
    const starting = hub.startRecording(OXIMETER_ID, 'session.cap');
    await advance(100); // the running driver notices the restart at its next read timeout
    const recording = await starting;
    expect(oximeter.openCount).toBe(2);
    oximeter.send(TEST_REPORT.spo2, 97);
    await advance(10);
    const stopping = recording.stop();
    await advance(100);
    await stopping;
    oximeter.send(TEST_REPORT.spo2, 96);
    await advance(10);
    expect(recorded).toEqual(['session.cap in 1 97']);
    expect(readings.map((r) => r.value)).toEqual([97, 96]);
  });

  it('fails startRecording with the open failure a nurse can act on', async () => {
    const oximeter = hid.attach(OXIMETER);
    const recordIo = vi.fn<RecordIo>(async (io) => io);
    await startHub({ recordIo });
    oximeter.openError = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const starting = expect(hub.startRecording(OXIMETER_ID, 'never-written.cap')).rejects.toThrow(
      'Install the VitalBridge udev rule (resources/udev/60-vitalbridge.rules) and re-plug the device',
    );
    await advance(100);
    await starting;
    expect(recordIo).not.toHaveBeenCalled();
    expect(device()?.state).toBe('error');
  });
});

describe('PeripheralHub with the real CMS50 driver over a fake serial port', () => {
  it('streams SpO2, pulse and pleth from the shared capture', async () => {
    const capture = parseCapture(readFileSync(new URL('../../../resources/captures/cms50dplus-live-sniff.cap', import.meta.url), 'utf8'));
    const serial = fakeSerialPortModule([{ path: '/dev/ttyUSB0', vendorId: '10c4', productId: 'ea60', serialNumber: '0001', manufacturer: 'Silicon Labs' }]);
    await startHub({ sources: [new NodeHidSource(async () => hid), new SerialPortSource(async () => serial.module)], drivers: [testHidManifest, cms50Manifest] });
    const port = serial.opened[0];
    expect(port?.options).toMatchObject({ path: '/dev/ttyUSB0', baudRate: 115_200, dataBits: 8, parity: 'none', stopBits: 1, xon: false, xoff: false });
    for (const record of capture.records) if (record.direction === 'in') port?.receive(...record.bytes);
    await advance(1_100);

    expect(device('serial:10c4:ea60:0001')).toMatchObject({ driverId: 'contec-cms50', state: 'streaming' });
    expect(readings.find((r) => r.metric === 'spo2')?.value).toBe(97);
    expect(readings.find((r) => r.metric === 'pulseRate')?.value).toBe(65);
    expect(readings.some((r) => r.metric === 'perfusionIndex')).toBe(false);
    expect(waveforms.flatMap((batch) => batch.samples).slice(0, 6)).toEqual([51, 48, 46, 44, 43, 42]);

    port?.disconnect();
    await advance(0);
    expect(device('serial:10c4:ea60:0001')?.state).toBe('disconnected');
  });

  it('never turns a value the oximeter marks invalid (0x7F, 0xFF, probe error, searching) into a reading', async () => {
    const serial = fakeSerialPortModule([{ path: '/dev/ttyUSB0', vendorId: '10c4', productId: 'ea60', serialNumber: '0001', manufacturer: 'Silicon Labs' }]);
    await startHub({ sources: [new SerialPortSource(async () => serial.module)], drivers: [cms50Manifest] });
    const port = serial.opened[0]!;
    const send = (fields: Partial<RawLiveFields>, packages = 60) => {
      for (let i = 0; i < packages; i++) port.receive(...liveWire({ status: 0x05, pleth: 40, bargraph: 2, pulse: 70, spo2: 96, piHundredths: 300, ...fields }));
    };
    send({});
    send({ spo2: 0x7f, pulse: 0xff, piHundredths: 0xffff });
    send({ status: 0x80 | 0x05, spo2: 93, pulse: 88 }); // probe error: the numbers on the wire are left-overs
    send({ status: 0x10 | 0x05, spo2: 91, pulse: 89 }); // searching too long
    send({ spo2: 98, pulse: 72 });
    await advance(1_100);

    expect(readings.length).toBeGreaterThan(0);
    const shown = (metric: string) => [...new Set(readings.filter((r) => r.metric === metric).map((r) => r.value))];
    expect(shown('spo2')).toEqual([96, 98]);
    expect(shown('pulseRate')).toEqual([70, 72]);
    expect(shown('perfusionIndex')).toEqual([3]);
    for (const reading of readings) expect(StationReadingSchema.parse(reading)).toEqual(reading);
  });
});
