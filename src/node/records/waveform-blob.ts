/**
 * Waveform samples as a compact, lossless blob: device samples are small integers (pleth 0–127,
 * ECG ADC counts), so most segments take two bytes a sample instead of JSON's four to eight.
 * Layout: one format byte, then little-endian samples.
 */

const FORMATS = [
  { tag: 1, bytes: 2, fits: (v: number) => Number.isInteger(v) && v >= -32_768 && v <= 32_767, write: 'writeInt16LE', read: 'readInt16LE' },
  { tag: 2, bytes: 4, fits: (v: number) => Number.isInteger(v) && v >= -2_147_483_648 && v <= 2_147_483_647, write: 'writeInt32LE', read: 'readInt32LE' },
  { tag: 3, bytes: 8, fits: (v: number) => Number.isFinite(v), write: 'writeDoubleLE', read: 'readDoubleLE' },
] as const;

export class WaveformBlobError extends Error {
  override name = 'WaveformBlobError';
}

export function encodeSamples(samples: readonly number[]): Buffer {
  const format = FORMATS.find((f) => samples.every(f.fits));
  if (!format) throw new WaveformBlobError('waveform samples must be finite numbers');
  const blob = Buffer.alloc(1 + samples.length * format.bytes);
  blob.writeUInt8(format.tag, 0);
  samples.forEach((sample, index) => blob[format.write](sample, 1 + index * format.bytes));
  return blob;
}

export function decodeSamples(blob: Buffer): number[] {
  const format = FORMATS.find((f) => f.tag === blob[0]);
  if (!format || (blob.length - 1) % format.bytes !== 0) throw new WaveformBlobError('damaged waveform segment');
  const samples: number[] = [];
  for (let offset = 1; offset < blob.length; offset += format.bytes) samples.push(blob[format.read](offset));
  return samples;
}
