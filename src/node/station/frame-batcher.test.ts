import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stationReading, type DeviceInfo, type EventPayload, type FrameBatch, type StationEventName, type StationReading, type WaveformBatch } from '../../shared/contract';
import { FrameBatcher, type FrameSink } from './frame-batcher';

let seq = 0;
const reading = (metric: StationReading['metric'], value: number, extra: Partial<Pick<StationReading, 'deviceId' | 'deviceTime'>> = {}): StationReading =>
  stationReading({
    deviceId: 'ox',
    metric,
    value,
    unit: metric === 'spo2' ? '%' : metric === 'systolic' ? 'mm[Hg]' : '/min',
    deviceTime: null,
    receivedAt: 1_000 + seq,
    seq: seq++,
    ...extra,
  });
const pleth = (startedAt: number, samples: number[], deviceId = 'ox'): WaveformBatch => ({ deviceId, metric: 'pleth', rateHz: 60, startedAt, samples });
const device: DeviceInfo = { id: 'ox', driverId: 'cms50', name: 'Oximeter', transport: 'hid', state: 'streaming', condition: 'ok', canRequestMeasurement: false };

function recordingSink(ready: () => boolean = () => true) {
  const frames: FrameBatch[] = [];
  /** performance.now() (faked) at each frame's delivery. */
  const frameTimes: number[] = [];
  const devices: DeviceInfo[][] = [];
  const sink: FrameSink = {
    send<E extends StationEventName>(event: E, payload: EventPayload<E>) {
      if (event === 'frame') {
        frames.push(payload as FrameBatch);
        frameTimes.push(performance.now());
      } else devices.push(payload as DeviceInfo[]);
    },
    isReady: ready,
  };
  return { sink, frames, frameTimes, devices };
}

beforeEach(() => {
  vi.useFakeTimers();
  seq = 0;
});
afterEach(() => vi.useRealTimers());

describe('FrameBatcher', () => {
  it('coalesces everything that arrives within one frame into a single frame event', () => {
    const batcher = new FrameBatcher({ frameMs: 16 });
    const { sink, frames } = recordingSink();
    batcher.subscribe(sink);
    batcher.pushReading(reading('spo2', 97));
    batcher.pushReading(reading('pulseRate', 72));
    batcher.pushWaveform(pleth(0, [1, 2, 3]));
    batcher.pushWaveform(pleth(50, [4, 5]));
    expect(frames).toHaveLength(0);
    vi.advanceTimersByTime(16);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.readings.map((r) => [r.metric, r.value])).toEqual([['spo2', 97], ['pulseRate', 72]]);
    expect(frames[0]?.waveforms.flatMap((w) => w.samples)).toEqual([1, 2, 3, 4, 5]);
    vi.advanceTimersByTime(100);
    expect(frames).toHaveLength(1);
  });

  it('delivers news after a quiet spell at the end of the current turn, without waiting a frame', () => {
    const batcher = new FrameBatcher({ frameMs: 16 });
    const { sink, frames, frameTimes } = recordingSink();
    batcher.subscribe(sink);
    vi.advanceTimersByTime(1_000);
    const pushedAt = performance.now();
    batcher.pushReading(reading('spo2', 97));
    batcher.pushReading(reading('pulseRate', 72));
    expect(frames).toHaveLength(0);
    vi.advanceTimersByTime(0);
    expect(frames).toHaveLength(1);
    expect(frameTimes[0]).toBe(pushedAt);
    // Both outputs of the same turn travel together; the leading edge does not split them.
    expect(frames[0]?.readings.map((r) => r.metric)).toEqual(['spo2', 'pulseRate']);
  });

  it('holds news that follows a delivery until a frame has passed since that delivery', () => {
    const batcher = new FrameBatcher({ frameMs: 16 });
    const { sink, frames, frameTimes } = recordingSink();
    batcher.subscribe(sink);
    vi.advanceTimersByTime(1_000);
    batcher.pushReading(reading('spo2', 97));
    vi.advanceTimersByTime(0);
    const firstAt = frameTimes[0]!;
    vi.advanceTimersByTime(5);
    batcher.pushReading(reading('spo2', 96));
    vi.advanceTimersByTime(10);
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(frames).toHaveLength(2);
    expect(frameTimes[1]! - firstAt).toBe(16);
    expect(frames[1]?.readings.map((r) => r.value)).toEqual([96]);
  });

  it('under a steady stream sends at most one frame per frame period and coalesces in between', () => {
    const batcher = new FrameBatcher({ frameMs: 16 });
    const { sink, frames, frameTimes } = recordingSink();
    batcher.subscribe(sink);
    vi.advanceTimersByTime(1_000);
    // A reading every 2 ms for 320 ms: 160 readings.
    for (let i = 0; i < 160; i++) {
      batcher.pushReading(reading('spo2', i % 100));
      batcher.pushWaveform(pleth(i * 2, [i]));
      vi.advanceTimersByTime(2);
    }
    vi.advanceTimersByTime(16);
    const gaps = frameTimes.slice(1).map((at, i) => at - frameTimes[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(16);
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(320 / 16) + 1);
    expect(frames.flatMap((f) => f.waveforms.flatMap((w) => w.samples))).toEqual(Array.from({ length: 160 }, (_, i) => i));
    expect(frames.at(-1)?.readings.map((r) => r.value)).toEqual([159 % 100]);
  });

  it('keeps only the newest live value per device and metric for a paused consumer, and delivers it on resume', () => {
    const batcher = new FrameBatcher();
    const { sink, frames } = recordingSink();
    const subscription = batcher.subscribe(sink);
    subscription.pause();
    for (let i = 0; i < 500; i++) {
      batcher.pushReading(reading('spo2', 90 + (i % 10)));
      batcher.pushReading(reading('pulseRate', 60 + (i % 30)));
    }
    batcher.pushReading(reading('spo2', 88, { deviceId: 'other' }));
    vi.advanceTimersByTime(5_000);
    expect(frames).toHaveLength(0);
    subscription.resume();
    vi.advanceTimersByTime(16);
    expect(frames).toHaveLength(1);
    const shown = frames[0]?.readings.map((r) => `${r.deviceId}/${r.metric}=${r.value}`);
    expect(shown).toEqual(['ox/spo2=99', 'ox/pulseRate=79', 'other/spo2=88']);
  });

  it('never coalesces stored readings from a device memory, however slow the consumer', () => {
    const batcher = new FrameBatcher();
    const { sink, frames } = recordingSink();
    const subscription = batcher.subscribe(sink);
    subscription.pause();
    for (let i = 0; i < 50; i++) batcher.pushReading(reading('systolic', 110 + i, { deviceTime: `2024-01-${String(i % 28 + 1).padStart(2, '0')}T08:00:00` }));
    subscription.resume();
    vi.advanceTimersByTime(16);
    expect(frames[0]?.readings.map((r) => r.value)).toEqual(Array.from({ length: 50 }, (_, i) => 110 + i));
  });

  it('bounds a hidden consumer’s waveform backlog per channel, dropping the oldest samples first', () => {
    const batcher = new FrameBatcher({ maxSamplesPerChannel: 100 });
    const { sink, frames } = recordingSink();
    const subscription = batcher.subscribe(sink);
    subscription.pause();
    // 60 chunks of 5 samples at 60 Hz: 300 samples, values 0..299.
    for (let chunk = 0; chunk < 60; chunk++) batcher.pushWaveform(pleth(chunk * 83.3, Array.from({ length: 5 }, (_, i) => chunk * 5 + i)));
    batcher.pushWaveform(pleth(0, [7, 7, 7], 'second-oximeter'));
    subscription.resume();
    vi.advanceTimersByTime(16);
    const waveforms = frames[0]?.waveforms ?? [];
    const first = waveforms.filter((w) => w.deviceId === 'ox');
    const samples = first.flatMap((w) => w.samples);
    expect(samples).toHaveLength(100);
    expect(samples[0]).toBe(200);
    expect(samples.at(-1)).toBe(299);
    expect(waveforms.filter((w) => w.deviceId === 'second-oximeter').flatMap((w) => w.samples)).toEqual([7, 7, 7]);
  });

  it('moves the start time of a trimmed chunk to its first kept sample', () => {
    const batcher = new FrameBatcher({ maxSamplesPerChannel: 4 });
    const { sink, frames } = recordingSink();
    const subscription = batcher.subscribe(sink);
    subscription.pause();
    batcher.pushWaveform(pleth(1_000, [0, 1, 2, 3, 4, 5]));
    subscription.resume();
    vi.advanceTimersByTime(16);
    expect(frames[0]?.waveforms).toEqual([{ ...pleth(1_000 + (2 * 1000) / 60, [2, 3, 4, 5]) }]);
  });

  it('holds frames back while the sink reports it is not ready (slow socket) and coalesces meanwhile', () => {
    let ready = false;
    const batcher = new FrameBatcher({ maxSamplesPerChannel: 10 });
    const { sink, frames } = recordingSink(() => ready);
    batcher.subscribe(sink);
    for (let i = 0; i < 100; i++) {
      batcher.pushReading(reading('spo2', i));
      batcher.pushWaveform(pleth(i * 16, [i]));
      vi.advanceTimersByTime(16);
    }
    expect(frames).toHaveLength(0);
    ready = true;
    vi.advanceTimersByTime(16);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.readings.map((r) => r.value)).toEqual([99]);
    expect(frames[0]?.waveforms.flatMap((w) => w.samples)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
  });

  it('serves each consumer from its own queue: a paused one does not hold back a live one', () => {
    const batcher = new FrameBatcher();
    const live = recordingSink();
    const hidden = recordingSink();
    batcher.subscribe(live.sink);
    batcher.subscribe(hidden.sink).pause();
    for (let i = 0; i < 10; i++) {
      batcher.pushReading(reading('spo2', 90 + i));
      vi.advanceTimersByTime(16);
    }
    expect(live.frames.map((f) => f.readings[0]?.value)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(hidden.frames).toHaveLength(0);
  });

  it('sends a new consumer the current device list, and the latest list to a consumer that was paused', () => {
    const batcher = new FrameBatcher();
    batcher.pushDevices([device]);
    const { sink, devices } = recordingSink();
    const subscription = batcher.subscribe(sink);
    vi.advanceTimersByTime(16);
    expect(devices).toEqual([[device]]);
    subscription.pause();
    batcher.pushDevices([{ ...device, state: 'probe-off', condition: 'probe-off' }]);
    batcher.pushDevices([{ ...device, state: 'disconnected' }]);
    subscription.resume();
    vi.advanceTimersByTime(16);
    expect(devices.map((list) => list[0]?.state)).toEqual(['streaming', 'disconnected']);
  });

  it('drops a consumer whose sink throws and keeps serving the others', () => {
    const faults: unknown[] = [];
    const batcher = new FrameBatcher({ onSinkError: (error) => faults.push(error) });
    const good = recordingSink();
    batcher.subscribe({ send: () => { throw new Error('window destroyed'); } });
    batcher.subscribe(good.sink);
    batcher.pushReading(reading('spo2', 95));
    vi.advanceTimersByTime(16);
    batcher.pushReading(reading('spo2', 96));
    vi.advanceTimersByTime(16);
    expect(faults).toHaveLength(1);
    expect(batcher.consumerCount).toBe(1);
    expect(good.frames.map((f) => f.readings[0]?.value)).toEqual([95, 96]);
  });

  it('runs no timer when nobody is waiting for data', () => {
    const batcher = new FrameBatcher();
    batcher.pushReading(reading('spo2', 95));
    expect(vi.getTimerCount()).toBe(0);
    const subscription = batcher.subscribe(recordingSink().sink);
    subscription.pause();
    batcher.pushReading(reading('spo2', 96));
    expect(vi.getTimerCount()).toBe(0);
  });
});
