import { describe, expect, it } from 'vitest';
import type { WaveformBatch } from '../../shared/contract';
import { WaveformChannel } from './waveform-channel';

const T0 = 1_736_935_200_000;
const batch = (startedAt: number, samples: number[], overrides: Partial<WaveformBatch> = {}): WaveformBatch => ({
  deviceId: 'ox-1',
  metric: 'pleth',
  rateHz: 60,
  startedAt,
  samples,
  ...overrides,
});
const period = 1000 / 60;

function timesOf(channel: WaveformChannel): number[] {
  const times: number[] = [];
  for (let index = channel.firstAvailable; index < channel.count; index++) times.push(channel.timeAt(index));
  return times;
}

describe('WaveformChannel', () => {
  it('places samples on the station clock from startedAt and rateHz', () => {
    const channel = new WaveformChannel(10_000);
    channel.append(batch(T0, [1, 2, 3]), T0 + 60);
    expect(timesOf(channel)).toEqual([T0, T0 + period, T0 + 2 * period]);
    expect(channel.valueAt(2)).toBe(3);
    expect(channel.breaksBefore(0)).toBe(true);
  });

  it('butts jittered chunks together but breaks the trace at a real gap', () => {
    const channel = new WaveformChannel(10_000);
    channel.append(batch(T0, [1, 2, 3, 4, 5, 6]), T0 + 100);
    channel.append(batch(T0 + 6 * period + 4, [7, 8, 9, 10, 11, 12]), T0 + 200);
    expect(channel.timeAt(6)).toBeCloseTo(T0 + 6 * period, 6);
    expect(channel.breaksBefore(6)).toBe(false);
    channel.append(batch(T0 + 2_000, [13]), T0 + 2_020);
    expect(channel.timeAt(12)).toBe(T0 + 2_000);
    expect(channel.breaksBefore(12)).toBe(true);
  });

  it('starts a new trace when another device or rate takes over the channel', () => {
    const channel = new WaveformChannel(10_000);
    channel.append(batch(T0, [1]), T0 + 20);
    channel.append(batch(T0 + period, [2], { deviceId: 'ox-2' }), T0 + 40);
    expect(channel.breaksBefore(1)).toBe(true);
  });

  it('rebases chunks whose clock is implausibly far from their arrival', () => {
    const channel = new WaveformChannel(10_000);
    channel.append(batch(5_000, [1, 2]), T0);
    expect(channel.timeAt(1)).toBe(T0);
    expect(channel.timeAt(0)).toBeCloseTo(T0 - period, 6);
  });

  it('stays bounded to one sweep plus the playout margin', () => {
    const channel = new WaveformChannel(2_000);
    for (let chunk = 0; chunk < 100; chunk++) channel.append(batch(T0 + chunk * 6 * period, [0, 1, 2, 3, 4, 5]), T0 + (chunk + 1) * 6 * period);
    const held = channel.count - channel.firstAvailable;
    expect(held).toBeLessThanOrEqual(Math.ceil(3 * 60) + 1);
    expect(channel.timeAt(channel.count - 1)).toBeCloseTo(T0 + 599 * period, 6);
    expect(channel.firstIndexAtOrAfter(T0 + 599 * period - 1)).toBe(599);
  });

  it('keeps its samples when a faster stream needs more room', () => {
    const channel = new WaveformChannel(1_000);
    channel.append(batch(T0, [1, 2, 3]), T0 + 50);
    channel.append(batch(T0 + 3 * period, [4, 5], { rateHz: 500 }), T0 + 60);
    expect([channel.valueAt(0), channel.valueAt(2), channel.valueAt(4)]).toEqual([1, 3, 5]);
  });

  it('delays playout by the recent lateness of chunks and lets it shrink slowly', () => {
    const channel = new WaveformChannel(10_000);
    channel.append(batch(T0, [1, 2, 3, 4, 5, 6]), T0 + 120);
    expect(channel.playoutDelay(T0 + 120)).toBe(120);
    // Lateness memory expires after 2 s, then the delay eases down at 5 % of elapsed time.
    expect(channel.playoutDelay(T0 + 2_200)).toBeCloseTo(120 - 2_080 * 0.05, 6);
    expect(channel.playoutDelay(T0 + 10_000)).toBe(0);
  });
});
