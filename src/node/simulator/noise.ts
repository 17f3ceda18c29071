/**
 * Seeded noise as a pure function of (seed, stream, index): the same seed gives the same
 * signal however the samples happen to be chunked or scheduled.
 */

/** A 32-bit integer finaliser with good avalanche (the "lowbias32" mix). */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [-1, 1). */
export function noise(seed: number, stream: number, index: number): number {
  const h = mix(mix(mix(seed) ^ Math.imul(stream + 1, 0x9e3779b9)) ^ index);
  return (h / 2 ** 32) * 2 - 1;
}

/** FNV-1a, to turn a device id into a stream of its own. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
