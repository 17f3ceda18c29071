import { describe, expect, it } from 'vitest';
import { pngProblem, SnapshotAssembler } from './snapshot-assembler';
import { bytesToBase64 } from './waveform-codec';
import type { SnapshotChunk } from './vitals-protocol';
import { fakePng } from './test-fixtures';

function chunksOf(png: Uint8Array, id = 's1', size = 30): SnapshotChunk[] {
  const count = Math.ceil(png.length / size);
  return Array.from({ length: count }, (_, index) => ({ snapshotId: id, takenAt: 5, index, count, data: bytesToBase64(png.subarray(index * size, (index + 1) * size)) }));
}

describe('SnapshotAssembler', () => {
  it('reassembles chunks in any order, duplicates included, and reports the size', () => {
    const png = fakePng(640, 360, 100);
    const chunks = chunksOf(png);
    const assembler = new SnapshotAssembler();
    const shuffled = [chunks[2]!, chunks[0]!, chunks[2]!, ...chunks.slice(1).reverse()];
    const results = shuffled.map((chunk) => assembler.add(chunk));
    const complete = results.find((result) => result.kind === 'complete');
    expect(complete).toMatchObject({ kind: 'complete', snapshot: { snapshotId: 's1', takenAt: 5, width: 640, height: 360 } });
    expect(complete?.kind === 'complete' && complete.snapshot.png).toEqual(png);
  });

  it.each([
    ['not a PNG', new Uint8Array(60).fill(7), /signature/],
    ['a truncated PNG', fakePng(10, 10, 30).subarray(0, 60), /IEND/],
    ['absurd dimensions', fakePng(100_000, 1), /outside/],
  ])('rejects %s', (_label, bytes, message) => {
    const assembler = new SnapshotAssembler();
    const results = chunksOf(bytes).map((chunk) => assembler.add(chunk));
    expect(results.at(-1)).toMatchObject({ kind: 'error', message: expect.stringMatching(message) });
  });

  it('rejects chunks that disagree about their snapshot', () => {
    const assembler = new SnapshotAssembler();
    const [first, second] = chunksOf(fakePng(4, 4, 40));
    assembler.add(first!);
    expect(assembler.add({ ...second!, count: 9 })).toMatchObject({ kind: 'error' });
    expect(assembler.add({ ...first!, data: '%%%', snapshotId: 'other' })).toMatchObject({ kind: 'error', message: expect.stringMatching(/base64/) });
  });

  it('checks dimensions of a real header', () => {
    expect(pngProblem(fakePng(1, 1))).toEqual({ width: 1, height: 1 });
    expect(pngProblem(new Uint8Array(3))).toMatch(/too short/);
  });
});
