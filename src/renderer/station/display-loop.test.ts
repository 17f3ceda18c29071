import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stationReading, type StationReading } from '../../shared/contract';
import { FakeStationApi } from '../../../e2e/web/harness/fake-station-api';
import { DisplayLoop, type FrameShownReport } from './display-loop';
import { StationStore, type StoreEnvironment } from './station-store';

const T0 = 1_736_935_200_000;

/** Station time stands still; these tests are about the order of frames, not their clock. */
const stillEnvironment: StoreEnvironment = { localNow: () => T0, setTimer: () => null, clearTimer: () => undefined };

const spo2 = (value: number, seq: number): StationReading =>
  stationReading({ source: 'pulse-oximeter', deviceId: 'ox-1', metric: 'spo2', value, unit: '%', deviceTime: null, receivedAt: T0 - 5, seq });

let frameCallbacks: FrameRequestCallback[] = [];
let reports: FrameShownReport[] = [];
/** What happened, in order: React hearing of a change, React committing a view, a drawer drawing. */
let timeline: string[] = [];

/** Runs the frame the page would run next, then lets its microtasks (React's commit, the report) settle. */
async function runFrame(): Promise<void> {
  const callbacks = frameCallbacks;
  frameCallbacks = [];
  for (const callback of callbacks) callback(0);
  await Promise.resolve();
}

/** A store and loop with a stand-in for React: it renders a notified change in a microtask, as React does for a store update, and then marks it committed. */
async function startedScreen() {
  const api = new FakeStationApi({ devices: [], latest: [], now: T0 });
  const store = new StationStore(api, stillEnvironment);
  await store.start();
  const display = new DisplayLoop(store);
  store.subscribe(() => {
    timeline.push('notified');
    queueMicrotask(() => {
      const { version } = store.getView();
      timeline.push(`committed ${version}`);
      display.markCommitted(version);
    });
  });
  display.add(() => timeline.push('drawn'));
  display.start();
  await runFrame();
  timeline = [];
  reports = [];
  return { api, store, display };
}

beforeEach(() => {
  frameCallbacks = [];
  reports = [];
  timeline = [];
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frameCallbacks.push(callback));
  vi.stubGlobal('cancelAnimationFrame', () => {
    frameCallbacks = [];
  });
  vi.stubGlobal('window', { __vitalbridgeFrameShown: (report: FrameShownReport) => reports.push(report) });
});
afterEach(() => vi.unstubAllGlobals());

describe('DisplayLoop with StationStore', () => {
  it('lets React render the first numeric between frames at once and shows it in the very next frame', async () => {
    const { api } = await startedScreen();
    api.emit('frame', { readings: [spo2(95, 1)], waveforms: [] });
    expect(timeline).toEqual(['notified']);
    await Promise.resolve();
    expect(timeline).toEqual(['notified', expect.stringMatching(/^committed/)]);
    await runFrame();
    expect(reports.flatMap((report) => report.frames.flatMap((frame) => frame.readings.map((r) => r.seq)))).toEqual([1]);
    expect(reports[0]?.shownAtWallClock).toEqual(expect.any(Number));
  });

  it('turns a flood of frames into one React render per display frame, without showing anything a frame late', async () => {
    const { api } = await startedScreen();
    // Each frame in its own task, as messages arrive: React may render between any two of them.
    for (let seq = 1; seq <= 50; seq++) {
      api.emit('frame', { readings: [spo2(80 + (seq % 20), seq)], waveforms: [] });
      await Promise.resolve();
    }
    expect(timeline).toEqual(['notified', expect.stringMatching(/^committed/)]);
    // The held changes reach React as the next frame begins, before it draws, and are committed before that frame's report.
    await runFrame();
    expect(timeline.slice(2)).toEqual(['notified', 'drawn', 'committed 51']);
    const shown = reports.flatMap((report) => report.frames.flatMap((frame) => frame.readings.map((r) => r.seq)));
    expect(shown).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(reports).toHaveLength(1);
    // A quiet frame: nothing to announce, nothing to report.
    await runFrame();
    expect(timeline.filter((entry) => entry === 'notified')).toHaveLength(2);
    expect(reports).toHaveLength(1);
  });

  it('hands changes to React at once again when stopped, a held one included', async () => {
    const { api, display } = await startedScreen();
    api.emit('frame', { readings: [spo2(95, 1)], waveforms: [] });
    api.emit('frame', { readings: [spo2(96, 2)], waveforms: [] });
    expect(timeline).toEqual(['notified']);
    display.stop();
    expect(timeline).toEqual(['notified', 'notified']);
    api.emit('frame', { readings: [spo2(97, 3)], waveforms: [] });
    api.emit('devices', []);
    expect(timeline).toEqual(['notified', 'notified', 'notified', 'notified']);
  });
});
