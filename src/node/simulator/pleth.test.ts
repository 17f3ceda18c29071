import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLETH_MAX, PLETH_RATE_HZ, PlethSynth, pulseShape } from './pleth';
import { dominantRatePerMin } from './test-harness';

function synthesise(seed: number, seconds: number, drive: { pulseRate: number; respiratoryRate: number; perfusionIndex: number }): number[] {
  const synth = new PlethSynth(seed);
  return Array.from({ length: seconds * PLETH_RATE_HZ }, () => synth.next(drive));
}

describe('pulseShape', () => {
  it('has a systolic peak, then a dicrotic notch, then a smaller diastolic peak', () => {
    const beat = Array.from({ length: 200 }, (_, i) => pulseShape(i / 200));
    const localMaxima = beat.flatMap((v, i) => (v > beat.at(i - 1)! && v > beat[(i + 1) % beat.length]! ? [i] : []));
    const localMinima = beat.flatMap((v, i) => (v < beat.at(i - 1)! && v < beat[(i + 1) % beat.length]! ? [i] : []));
    expect(localMaxima).toHaveLength(2);
    const [systolic, diastolic] = localMaxima as [number, number];
    const notch = localMinima.find((i) => i > systolic && i < diastolic);
    expect(notch).toBeDefined();
    expect(beat[systolic]).toBeGreaterThan(beat[diastolic]!);
    // The notch must be visible on screen, not a rounding artefact.
    expect(beat[diastolic]! - beat[notch!]!).toBeGreaterThan(0.1);
  });

  it('is continuous across the start of the next beat', () => {
    expect(Math.abs(pulseShape(0) - pulseShape(0.9999))).toBeLessThan(1e-3);
  });
});

describe('PlethSynth', () => {
  it.each([38, 72, 142])('beats at the pulse rate (%i /min)', (pulseRate) => {
    const samples = synthesise(7, 30, { pulseRate, respiratoryRate: 14, perfusionIndex: 4 });
    expect(dominantRatePerMin(samples, PLETH_RATE_HZ)).toBeCloseTo(pulseRate, 0);
  });

  it('stays on the CMS50 device scale: whole numbers in 0..127, whatever the patient', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.double({ min: 20, max: 250, noNaN: true }),
        fc.double({ min: 4, max: 60, noNaN: true }),
        fc.double({ min: 0, max: 22, noNaN: true }),
        (seed, pulseRate, respiratoryRate, perfusionIndex) => {
          const samples = synthesise(seed, 3, { pulseRate, respiratoryRate, perfusionIndex });
          return samples.every((s) => Number.isInteger(s) && s >= 0 && s <= PLETH_MAX);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('swings more with a higher perfusion index and wanders with breathing', () => {
    const swing = (samples: number[]) => Math.max(...samples) - Math.min(...samples);
    const weak = synthesise(3, 10, { pulseRate: 72, respiratoryRate: 14, perfusionIndex: 0.8 });
    const strong = synthesise(3, 10, { pulseRate: 72, respiratoryRate: 14, perfusionIndex: 5 });
    expect(swing(strong)).toBeGreaterThan(3 * swing(weak));
    // Beat-to-beat maxima differ because of respiratory modulation (14 /min is about 5 beats per breath).
    const beatMaxima = Array.from({ length: 10 }, (_, beat) => Math.max(...strong.slice(beat * 50, beat * 50 + 50)));
    expect(Math.max(...beatMaxima) - Math.min(...beatMaxima)).toBeGreaterThanOrEqual(3);
  });

  it('gives the same trace for the same seed and a different one for another seed', () => {
    const drive = { pulseRate: 80, respiratoryRate: 16, perfusionIndex: 3 };
    expect(synthesise(11, 5, drive)).toEqual(synthesise(11, 5, drive));
    expect(synthesise(11, 5, drive)).not.toEqual(synthesise(12, 5, drive));
  });
});
