/**
 * A photoplethysmogram on the CMS50 device scale (0..127 at 60 Hz), so the screen renders the
 * simulated and the real oximeter with the same waveform code.
 */
import { noise } from './noise';

export const PLETH_RATE_HZ = 60;
export const PLETH_MAX = 127;

/** Where the waveform sits with no pulse: the CMS50 reads 0x40 when it has no signal. */
const PLETH_MIDLINE = 64;

function wrappedDistance(phase: number, centre: number): number {
  const d = phase - centre;
  return d - Math.round(d);
}

function bump(phase: number, centre: number, width: number): number {
  const d = wrappedDistance(phase, centre);
  return Math.exp(-(d * d) / (2 * width * width));
}

/**
 * One heartbeat, phase 0..1 from the start of the beat: the systolic upstroke and peak, then the
 * wave reflected from the periphery. The dip between the two is the dicrotic notch.
 */
export function pulseShape(phase: number): number {
  return bump(phase, 0.18, 0.065) + 0.55 * bump(phase, 0.46, 0.1);
}

const NOISE_STREAM = 0x504c; // "PL"

export interface PlethDrive {
  pulseRate: number;
  respiratoryRate: number;
  perfusionIndex: number;
}

/**
 * Integrates cardiac and respiratory phase sample by sample, so the beat period follows the pulse
 * rate as it changes without jumps in the trace.
 */
export class PlethSynth {
  #cardiacPhase = 0;
  #respiratoryPhase = 0;
  #index = 0;
  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = seed;
  }

  next(drive: PlethDrive): number {
    const dt = 1 / PLETH_RATE_HZ;
    this.#cardiacPhase = (this.#cardiacPhase + (drive.pulseRate / 60) * dt) % 1;
    this.#respiratoryPhase = (this.#respiratoryPhase + (drive.respiratoryRate / 60) * dt) % 1;
    const breathing = Math.sin(2 * Math.PI * this.#respiratoryPhase);
    // A larger perfusion index means a larger pulsatile component on the same finger.
    const amplitude = Math.min(90, Math.max(8, drive.perfusionIndex * 16));
    const pulsatile = amplitude * (pulseShape(this.#cardiacPhase) - 0.4) * (1 + 0.06 * breathing);
    const value = PLETH_MIDLINE + pulsatile + 3 * breathing + 1.5 * noise(this.#seed, NOISE_STREAM, this.#index++);
    return Math.round(Math.min(PLETH_MAX, Math.max(0, value)));
  }
}
