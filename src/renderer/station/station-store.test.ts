import { describe, expect, it } from 'vitest';
import { stationReading, type DeviceInfo, type Snapshot, type StationReading } from '../../shared/contract';
import { FakeStationApi } from '../../../e2e/web/harness/fake-station-api';
import { deferred, ScriptedStationApi, settle } from '../access/scripted-station-api';
import { formatDate, setDisplayLocale } from '../format/display-format';
import { StationStore, type StoreEnvironment } from './station-store';

const T0 = 1_736_935_200_000;

/** A hand-driven clock and timer queue: tests move time explicitly instead of waiting. */
class ManualEnvironment implements StoreEnvironment {
  time = T0;
  private timers: { at: number; callback: () => void; handle: number }[] = [];
  private nextHandle = 1;
  localNow = () => this.time;
  setTimer = (callback: () => void, delayMs: number) => {
    const handle = this.nextHandle++;
    this.timers.push({ at: this.time + delayMs, callback, handle });
    return handle;
  };
  clearTimer = (handle: unknown) => {
    this.timers = this.timers.filter((timer) => timer.handle !== handle);
  };
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = until;
  }
}

const oximeter: DeviceInfo = { id: 'ox-1', driverId: 'sim-oximeter', name: 'Oximeter', transport: 'simulated', state: 'streaming', condition: 'ok', canRequestMeasurement: false, metrics: ['spo2', 'pulseRate', 'perfusionIndex'] };
const spo2 = (value: number, receivedAt: number, seq: number): StationReading => stationReading({ source: 'pulse-oximeter', deviceId: 'ox-1', metric: 'spo2', value, unit: '%', deviceTime: null, receivedAt, seq });

async function startedStore(api = new FakeStationApi({ devices: [oximeter], latest: [spo2(95, T0 - 1_000, 1)], now: T0 + 5_000 })) {
  const environment = new ManualEnvironment();
  const store = new StationStore(api, environment);
  await store.start();
  return { api, environment, store };
}

describe('StationStore', () => {
  it('listens before it asks for the snapshot and aligns to the station clock', async () => {
    const { api, store } = await startedStore();
    expect(api.listenerCount('frame')).toBe(1);
    expect(api.calls[0]?.method).toBe('getSnapshot');
    expect(store.stationNow()).toBe(T0 + 5_000);
    const view = store.getView();
    expect(view.connection.state).toBe('connected');
    expect(view.tiles.find((tile) => tile.metric === 'spo2')).toMatchObject({ state: 'live' });
  });

  it('shows a parameter on the monitor once an administrator sets it to always show, without a new snapshot', async () => {
    const { api, store } = await startedStore();
    expect(store.getView().monitorSlots).toEqual(['spo2', 'pulseRate', 'perfusionIndex', 'summary']);
    api.emit('monitorSettings', { alwaysShow: ['respiratoryRate'] });
    expect(store.getView().monitorSlots).toEqual(['spo2', 'pulseRate', 'perfusionIndex', 'summary', 'respiratoryRate']);
    expect(api.calls.filter((call) => call.method === 'getSnapshot')).toHaveLength(1);
  });

  it("formats dates in the station's locale setting once the snapshot brings it", async () => {
    setDisplayLocale('en-GB');
    try {
      await startedStore(new FakeStationApi({ devices: [oximeter], latest: [], now: T0, locale: 'en-US' }));
      expect(formatDate(new Date(2026, 11, 7, 12).getTime())).toBe('Dec 7, 2026');
    } finally {
      setDisplayLocale(null);
    }
  });

  it('re-renders when a tile ages into stale, without any new event', async () => {
    const { environment, store } = await startedStore();
    let notifications = 0;
    store.subscribe(() => notifications++);
    environment.advance(4_000);
    expect(store.getView().tiles.find((tile) => tile.metric === 'spo2')?.state).toBe('live');
    environment.advance(1_001);
    expect(notifications).toBe(1);
    expect(store.getView().tiles.find((tile) => tile.metric === 'spo2')?.state).toBe('stale');
  });

  it('feeds waveforms to their channel without notifying React', async () => {
    const { api, store } = await startedStore();
    let notifications = 0;
    store.subscribe(() => notifications++);
    api.emit('frame', { readings: [], waveforms: [{ deviceId: 'ox-1', metric: 'pleth', rateHz: 60, startedAt: T0 + 4_900, samples: [10, 20, 30] }] });
    expect(notifications).toBe(0);
    expect(store.waveform('pleth')?.count).toBe(3);
    expect(store.waveform('ecg')).toBeNull();
  });

  it('hands out arrived readings once the view showing them has been committed', async () => {
    const { api, store } = await startedStore();
    api.emit('frame', { readings: [spo2(93, T0 + 4_990, 2)], waveforms: [] });
    const version = store.getView().version;
    expect(store.takeShownArrivals(version - 1)).toEqual([]);
    const shown = store.takeShownArrivals(version);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ arrivedAt: T0 + 5_000, arrivedAtWallClock: expect.any(Number), readings: [{ deviceId: 'ox-1', seq: 2, metric: 'spo2', receivedAt: T0 + 4_990 }] });
    expect(store.takeShownArrivals(version)).toEqual([]);
  });

  it('says so when the station cannot be reached, and keeps asking with backoff', async () => {
    const api = new FakeStationApi({ devices: [oximeter], latest: [], now: T0 });
    const answer = api.invoke.bind(api);
    let failures = 2;
    api.invoke = (method, input) => (failures-- > 0 ? Promise.reject(new Error('socket closed')) : answer(method, input));
    const { environment, store } = await startedStore(api);
    expect(store.getView().connection).toEqual({ state: 'failed', message: 'socket closed' });
    environment.advance(1_000);
    await Promise.resolve();
    expect(store.getView().connection.state).toBe('failed');
    environment.advance(2_000);
    await expect.poll(() => store.getView().connection.state).toBe('connected');
    expect(store.getView().devices).toHaveLength(1);
  });

  it('takes a refused snapshot (nobody who may see the patient is signed in) as no fault: no error, no retry', async () => {
    const api = new ScriptedStationApi().refuse('getSnapshot');
    const environment = new ManualEnvironment();
    const store = new StationStore(api, environment);
    await store.start();
    expect(store.getView().connection).toEqual({ state: 'connected', message: null });
    environment.advance(60_000);
    expect(api.callsOf('getSnapshot')).toHaveLength(1);
  });

  it('loads the snapshot again on reload, once someone who may see the patient is signed in', async () => {
    const api = new ScriptedStationApi().refuse('getSnapshot');
    const store = new StationStore(api, new ManualEnvironment());
    await store.start();
    api.answer('getSnapshot', () => ({ devices: [oximeter], latest: [spo2(95, T0 - 1_000, 1)], now: T0 }));
    store.reload();
    await settle();
    expect(store.getView().devices).toEqual([oximeter]);
    expect(store.getView().tiles.find((tile) => tile.metric === 'spo2')).toMatchObject({ state: 'live' });
  });

  it('forgets every device, reading and waveform when cleared, so a locked screen keeps none', async () => {
    const { api, store } = await startedStore();
    api.emit('frame', { readings: [spo2(93, T0 + 4_990, 2)], waveforms: [{ deviceId: 'ox-1', metric: 'pleth', rateHz: 60, startedAt: T0 + 4_900, samples: [10, 20, 30] }] });
    let notifications = 0;
    store.subscribe(() => notifications++);
    store.clearPatientData();
    expect(notifications).toBe(1);
    expect(store.getView().devices).toEqual([]);
    expect(store.getView().tiles.every((tile) => tile.state === 'absent')).toBe(true);
    expect(store.history('spo2')).toEqual([]);
    expect(store.waveform('pleth')).toBeNull();
    expect(store.takeShownArrivals(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('does not bring back a snapshot asked for before the screen was cleared', async () => {
    const api = new ScriptedStationApi().refuse('getSnapshot');
    const store = new StationStore(api, new ManualEnvironment());
    await store.start();
    const late = deferred<Snapshot>();
    api.answer('getSnapshot', () => late.promise);
    store.reload();
    store.clearPatientData();
    late.resolve({ devices: [oximeter], latest: [spo2(95, T0 - 1_000, 1)], now: T0 });
    await settle();
    expect(store.getView().devices).toEqual([]);
  });

  it('stops listening when disposed', async () => {
    const { api, store } = await startedStore();
    store.dispose();
    expect(api.listenerCount('frame')).toBe(0);
    expect(api.listenerCount('devices')).toBe(0);
  });
});
