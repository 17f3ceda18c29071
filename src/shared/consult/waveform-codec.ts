/**
 * Compact text encoding of waveform samples for the consultation data channel. A JSON array spends
 * 3–4 characters per 7-bit pleth sample; delta-encoding into Int8 and base64 spends 1.33. Integer
 * signals whose steps exceed a byte use Int16 deltas; anything else (non-integer samples) falls back
 * to Float32, which is ample for drawing but not for measurement: no number is derived from it.
 *
 * Runtime-neutral: uses btoa/atob (browsers and Node 20) rather than Buffer.
 */

export const WAVEFORM_ENCODINGS = ['delta8', 'delta16', 'f32'] as const;
export type WaveformEncoding = (typeof WAVEFORM_ENCODINGS)[number];

export interface EncodedSamples {
  encoding: WaveformEncoding;
  count: number;
  /** The first sample; deltas start from it (0 and unused for f32). */
  base: number;
  /** Base64 of the little-endian deltas (count − 1 of them) or of all Float32 samples. */
  data: string;
}

export class WaveformDecodeError extends Error {
  override readonly name = 'WaveformDecodeError';
}

const INT16_LIMIT = 32_767;

export function encodeSamples(samples: readonly number[]): EncodedSamples {
  const count = samples.length;
  if (count === 0) return { encoding: 'delta8', count, base: 0, data: '' };
  const first = samples[0]!;
  let widestStep = 0;
  let integral = Number.isInteger(first) && Math.abs(first) <= Number.MAX_SAFE_INTEGER;
  for (let i = 1; i < count && integral; i++) {
    const sample = samples[i]!;
    if (!Number.isInteger(sample)) integral = false;
    else widestStep = Math.max(widestStep, Math.abs(sample - samples[i - 1]!));
  }
  if (integral && widestStep <= 127) {
    const deltas = new Int8Array(count - 1);
    for (let i = 1; i < count; i++) deltas[i - 1] = samples[i]! - samples[i - 1]!;
    return { encoding: 'delta8', count, base: first, data: bytesToBase64(new Uint8Array(deltas.buffer)) };
  }
  if (integral && widestStep <= INT16_LIMIT) {
    const view = new DataView(new ArrayBuffer((count - 1) * 2));
    for (let i = 1; i < count; i++) view.setInt16((i - 1) * 2, samples[i]! - samples[i - 1]!, true);
    return { encoding: 'delta16', count, base: first, data: bytesToBase64(new Uint8Array(view.buffer)) };
  }
  const view = new DataView(new ArrayBuffer(count * 4));
  for (let i = 0; i < count; i++) view.setFloat32(i * 4, samples[i]!, true);
  return { encoding: 'f32', count, base: 0, data: bytesToBase64(new Uint8Array(view.buffer)) };
}

/** The samples back; throws WaveformDecodeError when the data does not hold exactly `count` of them. */
export function decodeSamples(encoded: EncodedSamples): number[] {
  const { encoding, count, base } = encoded;
  if (count === 0) return [];
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(encoded.data);
  } catch {
    throw new WaveformDecodeError('waveform data is not base64');
  }
  const expectedBytes = encoding === 'delta8' ? count - 1 : encoding === 'delta16' ? (count - 1) * 2 : count * 4;
  if (bytes.length !== expectedBytes) throw new WaveformDecodeError(`waveform data holds ${bytes.length} bytes, ${encoding} × ${count} samples needs ${expectedBytes}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Array<number>(count);
  if (encoding === 'f32') {
    for (let i = 0; i < count; i++) {
      const sample = view.getFloat32(i * 4, true);
      if (!Number.isFinite(sample)) throw new WaveformDecodeError('waveform data holds a non-finite sample');
      samples[i] = sample;
    }
    return samples;
  }
  samples[0] = base;
  for (let i = 1; i < count; i++) {
    const delta = encoding === 'delta8' ? view.getInt8(i - 1) : view.getInt16((i - 1) * 2, true);
    samples[i] = samples[i - 1]! + delta;
  }
  return samples;
}

const BASE64_CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked: String.fromCharCode with a spread of a large array overflows the argument limit.
  for (let offset = 0; offset < bytes.length; offset += BASE64_CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + BASE64_CHUNK));
  }
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
