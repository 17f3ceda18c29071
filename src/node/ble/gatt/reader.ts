/**
 * Reads the little-endian fields of one characteristic value in order. Running past the end throws
 * TruncatedValueError, which the decoders turn into a `malformed` result: a short or damaged value
 * from a device is bad input, never an exception that escapes.
 */
import { decodeFloat, decodeSfloat, type MedFloat } from './ieee11073';

export class TruncatedValueError extends Error {
  constructor(field: string, length: number) {
    super(`the ${length}-byte value ends before its ${field}`);
    this.name = 'TruncatedValueError';
  }
}

export class FieldReader {
  #offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.#offset;
  }

  uint8(field: string): number {
    return this.#take(field, 1)[0] ?? 0;
  }

  uint16(field: string): number {
    const [low = 0, high = 0] = this.#take(field, 2);
    return low | (high << 8);
  }

  sint16(field: string): number {
    const value = this.uint16(field);
    return value >= 0x8000 ? value - 0x10000 : value;
  }

  uint24(field: string): number {
    const [b0 = 0, b1 = 0, b2 = 0] = this.#take(field, 3);
    return b0 | (b1 << 8) | (b2 << 16);
  }

  uint32(field: string): number {
    return this.uint16(field) + this.uint16(field) * 0x10000;
  }

  sfloat(field: string): MedFloat {
    return decodeSfloat(this.uint16(field));
  }

  float(field: string): MedFloat {
    return decodeFloat(this.uint32(field));
  }

  #take(field: string, count: number): Uint8Array {
    if (this.remaining < count) throw new TruncatedValueError(field, this.bytes.length);
    const slice = this.bytes.subarray(this.#offset, this.#offset + count);
    this.#offset += count;
    return slice;
  }
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Runs a decoder over a value; a truncated value becomes a `malformed` result with the reason. */
export function decodeWith<T>(bytes: Uint8Array, decode: (reader: FieldReader) => T): Decoded<T> {
  try {
    return { ok: true, value: decode(new FieldReader(bytes)) };
  } catch (error) {
    if (error instanceof TruncatedValueError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** The flag bit `mask` of `flags` is set. */
export function hasFlag(flags: number, mask: number): boolean {
  return (flags & mask) !== 0;
}

/** Named one-bit flags: names[i] is bit i of `bits`. */
export function namedFlags<Name extends string>(bits: number, names: readonly Name[]): Record<Name, boolean> {
  return Object.fromEntries(names.map((name, bit) => [name, hasFlag(bits, 2 ** bit)])) as Record<Name, boolean>;
}
