import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stationReading, type DeviceInfo, type EventPayload, type FrameBatch, type StationEventName, type StationReading, type WaveformBatch } from '../../shared/contract';
import { FrameBatcher, type FrameSink } from './frame-batcher';

let seq = 0;
const reading = (metric: StationReading['metric'], value: number, extra: Partial<Pick<StationReading, 'deviceId' | 'deviceTime'>> = {}): StationReading =>
  stationReading({
    source: 'pulse-oximeter',
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
const device: DeviceInfo = { id: 'ox', driverId: 'cms50', name: 'Oximeter', transport: 'hid', state: 'streaming', condition: 'ok', canRequestMeasurement: false, metrics: ['spo2', 'pulseRate', 'perfusionIndex'] };

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
  it('coalesces everything that arrives in one turn into a single frame event', () => {
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

  it('holds waveform news that follows a delivery until a frame has passed since that delivery', () => {
    const batcher = new FrameBatcher({ frameMs: 16 });
    const { sink, frames, frameTimes } = recordingSink();
    batcher.subscribe(sink);
    vi.advanceTimersByTime(1_000);
    batcher.pushWaveform(pleth(0, [1]));
    vi.advanceTimersByTime(0);
    const firstAt = frameTimes[0]!;
    vi.advanceTimersByTime(5);
    batcher.pushWaveform(pleth(5, [2]));
    vi.advanceTimersByTime(10);
    expect(frames).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(frames).toHaveLength(2);
    expect(frameTimes[1]! - firstAt).toBe(16);
    expect(frames[1]?.waveforms.flatMap((w) => w.samples)).toEqual([2]);
  });

  it('sends a numeric arriving under continuous waveform load at the end of its turn, with the samples queued so far', () => {
    const batcher = new FrameBatcher({ frameMs: 16 });
    const { sink, frames, frameTimes } = recordingSink();
    batcher.subscribe(sink);
    vi.advanceTimersByTime(1_000);
    // A 500 Hz ECG in 5-sample reports every 10 ms and a 60 Hz pleth: the waveform news never pauses for a frame.
    let ecgSample = 0;
    const ecgReport = () => {
      batcher.pushWaveform({ deviceId: 'ecg', metric: 'ecg', rateHz: 500, startedAt: performance.now(), samples: Array.from({ length: 5 }, () => ecgSample++) });
    };
    let ms = 0;
    const loadFor = (duration: number) => {
      for (const end = ms + duration; ms < end; ms++) {
        if (ms % 10 === 0) ecgReport();
        if (ms % 17 === 0) batcher.pushWaveform(pleth(performance.now(), [ms]));
        vi.advanceTimersByTime(1);
      }
    };
    loadFor(200);
    // Line up mid-frame: 5 ms after a cadence delivery, the load still running.
    const delivered = frames.length;
    while (frames.length === delivered) loadFor(1);
    const lastDeliveryAt = frameTimes.at(-1)!;
    loadFor(5);
    const before = frames.length;
    expect(before).toBe(delivered + 1);
    ecgReport();
    const pushedAt = performance.now();
    // The heart rate comes with an ECG report, mid-frame: it does not wait for the frame cadence.
    batcher.pushReading(reading('heartRate', 61, { deviceId: 'ecg' }));
    vi.advanceTimersByTime(0);
    expect(frames).toHaveLength(before + 1);
    expect(frameTimes.at(-1)).toBe(pushedAt);
    expect(pushedAt - lastDeliveryAt).toBeLessThan(16);
    const frame = frames.at(-1)!;
    expect(frame.readings.map((r) => [r.metric, r.value])).toEqual([['heartRate', 61]]);
    expect(frame.waveforms.filter((w) => w.metric === 'ecg').flatMap((w) => w.samples).at(-1)).toBe(ecgSample - 1);
    // Every ECG sample reached the consumer exactly once and in order, around the early delivery too.
    vi.advanceTimersByTime(16);
    expect(frames.flatMap((f) => f.waveforms.filter((w) => w.metric === 'ecg').flatMap((w) => w.samples))).toEqual(Array.from({ length: ecgSample }, (_, i) => i));
  });

  it('under pure waveform load sends at most one frame per frame period and coalesces in between', () => {
    const batcher = new FrameBatcher({ frameMs: 16 });
    const { sink, frames, frameTimes } = recordingSink();
    batcher.subscribe(sink);
    vi.advanceTimersByTime(1_000);
    // A chunk every 2 ms for 320 ms: 160 chunks.
    for (let i = 0; i < 160; i++) {
      batcher.pushWaveform(pleth(i * 2, [i]));
      vi.advanceTimersByTime(2);
    }
    vi.advanceTimersByTime(16);
    const gaps = frameTimes.slice(1).map((at, i) => at - frameTimes[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(16);
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(320 / 16) + 1);
    expect(frames.flatMap((f) => f.waveforms.flatMap((w) => w.samples))).toEqual(Array.from({ length: 160 }, (_, i) => i));
  });

  it('caps a numeric flood at three deliveries per frame period by default, coalescing the rest without losing the newest', () => {
    const batcher = new FrameBatcher({ frameMs: 16 });
    const { sink, frames, frameTimes } = recordingSink();
    batcher.subscribe(sink);
    vi.advanceTimersByTime(1_000);
    const startedAt = performance.now();
    // A broken device: a reading and a waveform sample every millisecond for 320 ms, each in its own turn.
    for (let i = 0; i < 320; i++) {
      batcher.pushReading(reading('spo2', i % 100));
      batcher.pushWaveform(pleth(i, [i]));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(32);
    for (const at of frameTimes) {
      expect(frameTimes.filter((other) => other >= at && other < at + 16).length).toBeLessThanOrEqual(3);
    }
    expect(frames.length).toBeLessThanOrEqual(3 * Math.ceil((performance.now() - startedAt) / 16));
    // Far fewer messages than readings, yet a flush in every frame period and nothing lost.
    expect(frames.length).toBeGreaterThanOrEqual(320 / 16);
    expect(frames.flatMap((f) => f.waveforms.flatMap((w) => w.samples))).toEqual(Array.from({ length: 320 }, (_, i) => i));
    expect(frames.at(-1)?.readings.map((r) => r.value)).toEqual([319 % 100]);
  });

  it('never coalesces stored readings under the flood cap: every record arrives once, in order', () => {
    const batcher = new FrameBatcher({ frameMs: 16, maxFlushesPerFrame: 1 });
    const { sink, frames } = recordingSink();
    batcher.subscribe(sink);
    for (let i = 0; i < 100; i++) {
      batcher.pushReading(reading('systolic', 100 + i, { deviceTime: `2024-02-01T08:${String(i % 60).padStart(2, '0')}:00` }));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(16);
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(116 / 16));
    expect(frames.flatMap((f) => f.readings.map((r) => r.value))).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
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

  it('polls a sink that is not ready once per frame, however urgent the numerics waiting for it, then sends them', () => {
    let ready = false;
    let polls = 0;
    const batcher = new FrameBatcher({ frameMs: 16 });
    const { sink, frames } = recordingSink(() => {
      polls++;
      return ready;
    });
    batcher.subscribe(sink);
    batcher.pushReading(reading('spo2', 97));
    vi.advanceTimersByTime(160);
    expect(frames).toHaveLength(0);
    // One check when the reading is scheduled and one per delivery attempt, one attempt per frame.
    expect(polls).toBeLessThanOrEqual(2 * (160 / 16 + 2));
    ready = true;
    vi.advanceTimersByTime(16);
    expect(frames.map((f) => f.readings.map((r) => r.value))).toEqual([[97]]);
  });

  it('serves each consumer from its own queue: a paused one does not hold back a live one', () => {
    const batcher = new FrameBatcher();
    const live = recordingSink();
    const hidden = recordingSink();
    batcher.subscribe(live.sink);
    const hiddenSubscription = batcher.subscribe(hidden.sink);
    hiddenSubscription.pause();
    for (let i = 0; i < 10; i++) {
      batcher.pushReading(reading('spo2', 90 + i));
      vi.advanceTimersByTime(0);
      expect(live.frames).toHaveLength(i + 1);
      vi.advanceTimersByTime(16);
    }
    expect(live.frames.map((f) => f.readings[0]?.value)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(hidden.frames).toHaveLength(0);
    hiddenSubscription.resume();
    vi.advanceTimersByTime(0);
    expect(hidden.frames.map((f) => f.readings.map((r) => r.value))).toEqual([[99]]);
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
