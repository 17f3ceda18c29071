/**
 * Turns decoded real-time frames into the station's outputs. Pure apart from the time passed in.
 *
 * Numerics policy: an observation is emitted when its value changes, and an unchanged value is
 * repeated once per second. The device repeats its numbers in each of its 60 packages/s, which
 * would flood IPC and storage with 180 identical observations a second; emitting only on change
 * would let a steady, still-valid SpO2 age past the screen's stale limit. Changes show without
 * delay, steady values stay current, and the rate stays at about three observations a second.
 * Numbers are emitted only while the device reports a usable signal: never while the probe is off
 * or the device searches, and never the 0x7F/0xFF/0xFFFF invalid markers (the decoder nulls them).
 */
import type { DriverOutput, SignalCondition } from '../../../shared/readings';
import type { Metric, UcumUnit } from '../../../shared/vitals';
import type { LiveFrame } from './decoder';
import { LIVE_PACKAGES_PER_SECOND } from './protocol';

export const NUMERIC_REPEAT_MS = 1_000;
/** Package 0x01 byte 3 bits 0-6 (device-protocols.md): the pleth is a 7-bit sample, 0..127. */
const PLETH_SCALE = { min: 0, max: 0x7f } as const;

/** Six samples are 100 ms of pleth: smooth enough to draw, a tenth of the per-package message rate. */
export const PLETH_CHUNK_SAMPLES = 6;

interface Condition {
  condition: SignalCondition;
  detail?: string;
}

const NUMERICS: readonly { metric: Metric; unit: UcumUnit; value: (frame: LiveFrame) => number | null }[] = [
  { metric: 'spo2', unit: '%', value: (frame) => frame.spo2 },
  { metric: 'pulseRate', unit: '/min', value: (frame) => frame.pulseRate },
  { metric: 'perfusionIndex', unit: '%', value: (frame) => frame.perfusionIndex },
];

export class Cms50LiveReadings {
  private pleth: number[] = [];
  private condition: Condition | null = null;
  private readonly lastEmitted = new Map<Metric, { value: number; at: number }>();
  /** From the 0x0E reply; null until the device has answered. */
  private piSupported: boolean | null = null;

  /** Records the device's answer to "is PI supported in live data". */
  setPiSupport(supported: boolean): void {
    this.piSupported = supported;
  }

  /**
   * Outputs for one frame, in device order. Returns null when the frame contradicts the device's
   * PI identifier reply, which V7 says to discard.
   */
  accept(frame: LiveFrame, now: number): DriverOutput[] | null {
    if (this.piSupported !== null && frame.piFlaggedInvalid === this.piSupported) return null;
    const outputs: DriverOutput[] = [];
    const condition = conditionOf(frame);
    if (this.condition === null || this.condition.condition !== condition.condition || this.condition.detail !== condition.detail) {
      this.flushInto(outputs);
      outputs.push({ type: 'status', ...condition });
      this.condition = condition;
      // Values shown before an interruption must be re-sent at once when the signal returns.
      this.lastEmitted.clear();
    }
    if (condition.condition === 'ok') {
      for (const numeric of NUMERICS) {
        const value = numeric.value(frame);
        if (value === null) {
          this.lastEmitted.delete(numeric.metric);
          continue;
        }
        const last = this.lastEmitted.get(numeric.metric);
        if (last !== undefined && last.value === value && now - last.at < NUMERIC_REPEAT_MS) continue;
        this.flushInto(outputs);
        outputs.push({ type: 'observation', metric: numeric.metric, value, unit: numeric.unit, time: null });
        this.lastEmitted.set(numeric.metric, { value, at: now });
      }
    }
    this.pleth.push(frame.pleth);
    if (this.pleth.length >= PLETH_CHUNK_SAMPLES) this.flushInto(outputs);
    return outputs;
  }

  /** Pleth samples not yet sent (at a pause in the stream or its end). */
  flush(): DriverOutput[] {
    const outputs: DriverOutput[] = [];
    this.flushInto(outputs);
    return outputs;
  }

  /** Forgets the signal state after the stream stopped, so the next frame reports it afresh. */
  reset(): void {
    this.condition = null;
    this.lastEmitted.clear();
  }

  private flushInto(outputs: DriverOutput[]): void {
    if (this.pleth.length === 0) return;
    outputs.push({ type: 'waveform', metric: 'pleth', rateHz: LIVE_PACKAGES_PER_SECOND, samples: this.pleth, scale: PLETH_SCALE });
    this.pleth = [];
  }
}

function conditionOf(frame: LiveFrame): Condition {
  if (frame.probeError) return { condition: 'probe-off' };
  if (frame.searchingTooLong) return { condition: 'searching', detail: 'searching too long' };
  if (frame.searching) return { condition: 'searching' };
  if (frame.spo2 === null && frame.pulseRate === null) return { condition: 'searching', detail: 'no valid SpO2 or pulse rate' };
  return { condition: 'ok' };
}
