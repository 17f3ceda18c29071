import { describe, expect, it } from 'vitest';
import { decodeSamples, encodeSamples } from './waveform-blob';

describe('waveform blobs', () => {
  it.each([
    ['pleth bytes, two bytes a sample', [0, 64, 127, 3], 1 + 4 * 2],
    ['negative ECG counts', [-32_768, 0, 32_767], 1 + 3 * 2],
    ['wide integers', [40_000, -1], 1 + 2 * 4],
    ['fractions, kept exactly', [0.1, -2.5, 1e-9], 1 + 3 * 8],
  ])('%s round-trip losslessly', (_name, samples, size) => {
    const blob = encodeSamples(samples);
    expect(blob.length).toBe(size);
    expect(decodeSamples(blob)).toEqual(samples);
  });

  it('refuses non-finite samples and damaged blobs', () => {
    expect(() => encodeSamples([1, Number.NaN])).toThrow('finite');
    expect(() => decodeSamples(Buffer.from([9, 1, 2]))).toThrow('damaged waveform segment');
    expect(() => decodeSamples(Buffer.from([1, 1, 2, 3]))).toThrow('damaged waveform segment');
  });
});
