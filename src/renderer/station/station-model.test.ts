import { describe, expect, it } from 'vitest';
import { stationReading, type DeviceInfo, type StationReading } from '../../shared/contract';
import { StationModel, parseDeviceTime } from './station-model';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

const oximeter = (overrides: Partial<DeviceInfo> = {}): DeviceInfo => ({
  id: 'ox-1',
  driverId: 'cms50',
  name: 'Pulse oximeter',
  transport: 'simulated',
  state: 'streaming',
  condition: 'ok',
  canRequestMeasurement: false,
  metrics: ['spo2', 'pulseRate', 'perfusionIndex'],
  ...overrides,
});
const cuff = (overrides: Partial<DeviceInfo> = {}): DeviceInfo => ({
  id: 'cuff-1',
  driverId: 'omron',
  name: 'BP cuff',
  transport: 'hid',
  state: 'idle',
  condition: 'ok',
  canRequestMeasurement: true,
  metrics: ['systolic', 'diastolic', 'meanArterialPressure', 'pulseRate'],
  ...overrides,
});
let seq = 0;
const reading = (overrides: Partial<Omit<StationReading, 'loinc' | 'mdc' | 'provenance' | 'measurementId'>>): StationReading =>
  stationReading({
    source: 'pulse-oximeter',
    deviceId: 'ox-1',
    metric: 'spo2',
    value: 97,
    unit: '%',
    deviceTime: null,
    receivedAt: T0,
    seq: seq++,
    ...overrides,
  });

function modelWith(devices: DeviceInfo[], readings: StationReading[]): StationModel {
  const model = new StationModel();
  model.setDevices(devices, T0);
  model.applyFrame({ readings, waveforms: [] });
  return model;
}

describe('StationModel tiles', () => {
  it('shows a metric without readings as absent', () => {
    expect(new StationModel().tile('glucose', T0)).toMatchObject({ state: 'absent', entry: null });
  });

  it('keeps a live value live until its staleAfterMs has passed, then stale with the value kept', () => {
    const model = modelWith([oximeter()], [reading({ value: 96 })]);
    expect(model.tile('spo2', T0 + 10_000).state).toBe('live');
    const stale = model.tile('spo2', T0 + 10_001);
    expect(stale.state).toBe('stale');
    expect(stale.entry?.reading.value).toBe(96);
  });

  it('marks streamed values invalid while the device reports probe off, stale after it recovers until a new value arrives', () => {
    const model = modelWith([oximeter()], [reading({ metric: 'pulseRate', value: 72, unit: '/min' })]);
    model.setDevices([oximeter({ state: 'probe-off', condition: 'probe-off' })], T0 + 1_000);
    expect(model.tile('pulseRate', T0 + 1_000)).toMatchObject({ state: 'invalid', reason: 'Probe off' });
    model.setDevices([oximeter()], T0 + 2_000);
    expect(model.tile('pulseRate', T0 + 2_000)).toMatchObject({ state: 'stale', reason: 'Waiting for a new reading' });
    model.applyFrame({ readings: [reading({ metric: 'pulseRate', value: 75, unit: '/min', receivedAt: T0 + 2_500 })], waveforms: [] });
    expect(model.tile('pulseRate', T0 + 2_600)).toMatchObject({ state: 'live', reason: null });
  });

  it('turns streamed values stale at once when their device is unplugged or vanishes', () => {
    const model = modelWith([oximeter()], [reading({})]);
    model.setDevices([oximeter({ state: 'disconnected' })], T0 + 500);
    expect(model.tile('spo2', T0 + 500)).toMatchObject({ state: 'stale', reason: 'Device disconnected' });
    model.setDevices([], T0 + 600);
    expect(model.tile('spo2', T0 + 600).state).toBe('stale');
  });

  it('keeps a spot measurement valid for its own lifetime after the cuff is unplugged', () => {
    const model = modelWith([cuff({ state: 'measuring' })], [reading({ deviceId: 'cuff-1', metric: 'systolic', value: 121, unit: 'mm[Hg]' })]);
    model.setDevices([cuff({ state: 'disconnected' })], T0 + 1_000);
    expect(model.tile('systolic', T0 + 20 * 60_000).state).toBe('live');
    expect(model.tile('systolic', T0 + 30 * 60_000 + 1).state).toBe('stale');
  });

  it('ages stored readings from the device clock, so an old memory is never shown as current', () => {
    const model = modelWith([cuff()], [reading({ deviceId: 'cuff-1', metric: 'systolic', value: 130, unit: 'mm[Hg]', deviceTime: '2007-03-01T08:15:00' })]);
    const tile = model.tile('systolic', T0 + 1);
    expect(tile.state).toBe('stale');
    expect(tile.entry?.measuredAt).toBe(parseDeviceTime('2007-03-01T08:15:00'));
  });

  it('does not trust a device clock that runs ahead of the station', () => {
    const model = modelWith([cuff()], [reading({ deviceId: 'cuff-1', metric: 'systolic', unit: 'mm[Hg]', deviceTime: '2099-01-01T00:00:00' })]);
    expect(model.tile('systolic', T0).entry?.measuredAt).toBe(T0);
  });

  it('shows the most recent measurement when older memories arrive after it', () => {
    const model = modelWith(
      [cuff()],
      [
        reading({ deviceId: 'cuff-1', metric: 'systolic', value: 118, unit: 'mm[Hg]', receivedAt: T0 }),
        reading({ deviceId: 'cuff-1', metric: 'systolic', value: 140, unit: 'mm[Hg]', deviceTime: '2024-12-01T09:00:00', receivedAt: T0 + 5 }),
      ],
    );
    expect(model.tile('systolic', T0 + 10).entry?.reading.value).toBe(118);
    expect(model.history('systolic')).toHaveLength(2);
  });

  it('refuses values outside the physically possible range or in a foreign unit', () => {
    expect(modelWith([oximeter()], [reading({ value: 130 })]).tile('spo2', T0).state).toBe('invalid');
    expect(modelWith([oximeter()], [reading({ unit: 'kg' })]).tile('spo2', T0).state).toBe('invalid');
  });

  it('keeps weak-signal values live but says so', () => {
    const model = modelWith([oximeter({ condition: 'weak-signal' })], [reading({})]);
    expect(model.tile('spo2', T0)).toMatchObject({ state: 'live', caution: 'Weak signal' });
  });

  it('ignores a reading delivered twice', () => {
    const duplicate = reading({});
    const model = modelWith([oximeter()], [duplicate, duplicate]);
    expect(model.history('spo2')).toHaveLength(1);
  });

  it('names the next moment a tile turns stale by age', () => {
    const model = modelWith([oximeter()], [reading({}), reading({ deviceId: 'cuff-1', metric: 'bodyTemperature', value: 37, unit: 'Cel' })]);
    expect(model.nextExpiry(T0)).toBe(T0 + 10_001);
    expect(model.nextExpiry(T0 + 10_001)).toBe(T0 + 30 * 60_000 + 1);
    expect(model.nextExpiry(T0 + 31 * 60_000)).toBeNull();
  });
});

describe('parseDeviceTime', () => {
  it('reads zone-less device times as local time and rejects garbage', () => {
    expect(parseDeviceTime('2007-03-01T08:15:00')).toBe(new Date(2007, 2, 1, 8, 15, 0).getTime());
    expect(parseDeviceTime('2007-03-01 08:15')).toBe(new Date(2007, 2, 1, 8, 15).getTime());
    expect(parseDeviceTime('yesterday')).toBeNull();
    expect(parseDeviceTime('2007-13-45T99:99:99')).toBeNull();
  });
});

describe('the monitor shows only what can be measured', () => {
  it('tiles for the listed devices, a value of the encounter and the station’s always-shown parameters; a device added later goes after them', () => {
    const model = new StationModel();
    const weight = reading({ source: 'scale', deviceId: 'scale-gone', metric: 'bodyWeight', value: 70, unit: 'kg' });
    model.applySnapshot({ devices: [oximeter()], latest: [weight], now: T0, alwaysShow: ['respiratoryRate'] }, T0);
    expect(model.monitorSlots()).toEqual(['spo2', 'pulseRate', 'respiratoryRate', 'bodyWeight', 'perfusionIndex', 'summary']);
    model.setDevices([oximeter(), cuff()], T0 + 1_000);
    expect(model.monitorSlots()).toEqual(['spo2', 'pulseRate', 'respiratoryRate', 'bodyWeight', 'perfusionIndex', 'summary', 'bloodPressure']);
  });
});
