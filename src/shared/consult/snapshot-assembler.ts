/**
 * Puts a PNG still back together from its base64 chunks (SnapshotChunk) and checks it is a PNG
 * before anyone stores it: signature, an IHDR with sane dimensions, and the IEND trailer. Bounded:
 * a few snapshots in flight, each at most MAX_SNAPSHOT_BYTES; chunks sent twice are harmless.
 */
import { base64ToBytes } from './waveform-codec';
import { MAX_SNAPSHOT_BYTES, type SnapshotChunk } from './snapshot-chunk';

export interface AssembledSnapshot {
  snapshotId: string;
  takenAt: number;
  png: Uint8Array;
  width: number;
  height: number;
}

export type SnapshotChunkResult =
  | { kind: 'partial'; received: number; count: number }
  | { kind: 'complete'; snapshot: AssembledSnapshot }
  | { kind: 'error'; message: string };

const MAX_IN_FLIGHT = 2;
const MAX_DIMENSION = 8_192;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IEND_TRAILER = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

interface InFlight {
  takenAt: number;
  count: number;
  parts: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
}

export class SnapshotAssembler {
  private readonly inFlight = new Map<string, InFlight>();

  add(chunk: SnapshotChunk): SnapshotChunkResult {
    if (chunk.index >= chunk.count) return this.fail(chunk.snapshotId, `chunk ${chunk.index} of a ${chunk.count}-chunk snapshot`);
    let entry = this.inFlight.get(chunk.snapshotId);
    if (!entry) {
      // The oldest unfinished upload gives way: a clinician who lost a transfer starts a new one.
      if (this.inFlight.size >= MAX_IN_FLIGHT) this.inFlight.delete(this.inFlight.keys().next().value!);
      entry = { takenAt: chunk.takenAt, count: chunk.count, parts: new Array<Uint8Array | undefined>(chunk.count), received: 0, bytes: 0 };
      this.inFlight.set(chunk.snapshotId, entry);
    }
    if (entry.count !== chunk.count || entry.takenAt !== chunk.takenAt) return this.fail(chunk.snapshotId, 'chunks of one snapshot disagree on its count or time');
    if (entry.parts[chunk.index] === undefined) {
      let part: Uint8Array;
      try {
        part = base64ToBytes(chunk.data);
      } catch {
        return this.fail(chunk.snapshotId, `chunk ${chunk.index} is not base64`);
      }
      entry.bytes += part.length;
      if (entry.bytes > MAX_SNAPSHOT_BYTES) return this.fail(chunk.snapshotId, `snapshot is larger than ${MAX_SNAPSHOT_BYTES} bytes`);
      entry.parts[chunk.index] = part;
      entry.received++;
    }
    if (entry.received < entry.count) return { kind: 'partial', received: entry.received, count: entry.count };
    this.inFlight.delete(chunk.snapshotId);
    const png = new Uint8Array(entry.bytes);
    let offset = 0;
    for (const part of entry.parts) {
      png.set(part!, offset);
      offset += part!.length;
    }
    const problem = pngProblem(png);
    if (typeof problem === 'string') return { kind: 'error', message: problem };
    return { kind: 'complete', snapshot: { snapshotId: chunk.snapshotId, takenAt: entry.takenAt, png, ...problem } };
  }

  private fail(snapshotId: string, message: string): SnapshotChunkResult {
    this.inFlight.delete(snapshotId);
    return { kind: 'error', message };
  }
}

/** The image's dimensions, or why the bytes are not a PNG the station will store. */
export function pngProblem(png: Uint8Array): { width: number; height: number } | string {
  if (png.length < PNG_SIGNATURE.length + 25 + IEND_TRAILER.length) return 'too short to be a PNG';
  if (PNG_SIGNATURE.some((byte, i) => png[i] !== byte)) return 'not a PNG (signature)';
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const ihdrType = String.fromCharCode(...png.subarray(12, 16));
  if (view.getUint32(8) !== 13 || ihdrType !== 'IHDR') return 'not a PNG (no IHDR first)';
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) return `PNG of ${width}×${height} is outside 1–${MAX_DIMENSION} pixels`;
  const tail = png.subarray(png.length - IEND_TRAILER.length);
  if (IEND_TRAILER.some((byte, i) => tail[i] !== byte)) return 'PNG is truncated (no IEND)';
  return { width, height };
}
