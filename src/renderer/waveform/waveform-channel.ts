/**
 * One waveform's recent samples on the station clock, fed by WaveformBatch chunks and read by the
 * sweep renderer. Bounded: it keeps only what one sweep plus the playout delay can show.
 */
import type { WaveformBatch } from '../../shared/contract';

/** Chunks that start this close to where the previous one ended continue the trace unbroken. */
const MIN_CONTINUITY_TOLERANCE_MS = 25;
/** A chunk stamped further than this from its arrival has an untrustworthy clock and is rebased. */
const MAX_PLAUSIBLE_LATENESS_MS = 2_000;
const MAX_PLAUSIBLE_EARLINESS_MS = 500;
/** How long the largest recent lateness keeps the playout delay up before it may shrink. */
const LATENESS_MEMORY_MS = 2_000;
/** Shrinking the delay speeds the sweep up slightly; 5 % keeps that invisible. */
const DELAY_SHRINK_PER_MS = 0.05;
const MAX_PLAYOUT_DELAY_MS = 1_000;

export class WaveformChannel {
  private times: Float64Array;
  private values: Float32Array;
  /** 1 where the trace must not be joined to the previous sample (first sample, gap, resync). */
  private breaks: Uint8Array;
  /** Number of samples ever appended; sample n lives at n % capacity while n >= total - capacity. */
  private total = 0;
  private rateHz = 0;
  private deviceId: string | null = null;
  private nextExpectedAt = Number.NaN;
  private latenessSamples: { at: number; lateness: number }[] = [];
  private delayMs = 0;
  private delayUpdatedAt = Number.NaN;

  constructor(private readonly retainMs: number) {
    this.times = new Float64Array(0);
    this.values = new Float32Array(0);
    this.breaks = new Uint8Array(0);
  }

  get count(): number {
    return this.total;
  }

  /** Oldest sample index still held. */
  get firstAvailable(): number {
    return Math.max(0, this.total - this.times.length);
  }

  timeAt(index: number): number {
    return this.times[index % this.times.length]!;
  }

  valueAt(index: number): number {
    return this.values[index % this.values.length]!;
  }

  breaksBefore(index: number): boolean {
    return this.breaks[index % this.breaks.length] === 1;
  }

  /** Index of the first sample at or after `time`, searching the held samples (they are in time order per segment). */
  firstIndexAtOrAfter(time: number): number {
    let low = this.firstAvailable;
    let high = this.total;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.timeAt(mid) < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * Adds one chunk. `arrivedAt` is the station-clock time the renderer received it, used to size the
   * playout delay that lets chunked streams sweep smoothly instead of jumping a chunk at a time.
   */
  append(batch: WaveformBatch, arrivedAt: number): void {
    const count = batch.samples.length;
    if (count === 0) return;
    const periodMs = 1000 / batch.rateHz;
    this.ensureCapacity(batch.rateHz);
    let startedAt = batch.startedAt;
    const lateness = arrivedAt - startedAt;
    const clockPlausible = lateness <= MAX_PLAUSIBLE_LATENESS_MS + count * periodMs && lateness >= -MAX_PLAUSIBLE_EARLINESS_MS;
    // A chunk whose clock cannot be right is placed as if its last sample had just arrived.
    if (!clockPlausible) startedAt = arrivedAt - (count - 1) * periodMs;
    const sameStream = batch.rateHz === this.rateHz && batch.deviceId === this.deviceId;
    const tolerance = Math.max(2 * periodMs, MIN_CONTINUITY_TOLERANCE_MS);
    const continues = sameStream && clockPlausible && Math.abs(startedAt - this.nextExpectedAt) <= tolerance;
    // Continuing chunks are laid end to end so transport jitter does not wrinkle the trace.
    if (continues) startedAt = this.nextExpectedAt;
    this.rateHz = batch.rateHz;
    this.deviceId = batch.deviceId;
    for (let i = 0; i < count; i++) {
      const slot = this.total % this.times.length;
      this.times[slot] = startedAt + i * periodMs;
      this.values[slot] = batch.samples[i]!;
      this.breaks[slot] = i === 0 && !continues ? 1 : 0;
      this.total++;
    }
    this.nextExpectedAt = startedAt + count * periodMs;
    this.noteLateness(arrivedAt, arrivedAt - startedAt);
  }

  /** How far behind the station clock the sweep should run so every chunk has arrived when drawn. */
  playoutDelay(now: number): number {
    this.latenessSamples = this.latenessSamples.filter((s) => now - s.at <= LATENESS_MEMORY_MS);
    const target = this.latenessSamples.reduce((max, s) => Math.max(max, s.lateness), 0);
    if (target >= this.delayMs || Number.isNaN(this.delayUpdatedAt)) {
      this.delayMs = target;
    } else {
      this.delayMs = Math.max(target, this.delayMs - (now - this.delayUpdatedAt) * DELAY_SHRINK_PER_MS);
    }
    this.delayUpdatedAt = now;
    return this.delayMs;
  }

  private noteLateness(at: number, lateness: number): void {
    this.latenessSamples.push({ at, lateness: Math.min(Math.max(lateness, 0), MAX_PLAYOUT_DELAY_MS) });
  }

  private ensureCapacity(rateHz: number): void {
    const needed = Math.ceil(((this.retainMs + MAX_PLAYOUT_DELAY_MS) / 1000) * rateHz) + 1;
    if (needed <= this.times.length) return;
    const times = new Float64Array(needed);
    const values = new Float32Array(needed);
    const breaks = new Uint8Array(needed);
    const first = this.firstAvailable;
    // Re-home held samples so index % capacity still finds them after the resize.
    for (let index = first; index < this.total; index++) {
      const slot = index % needed;
      times[slot] = this.timeAt(index);
      values[slot] = this.valueAt(index);
      breaks[slot] = this.breaks[index % this.breaks.length]!;
    }
    this.times = times;
    this.values = values;
    this.breaks = breaks;
  }
}
