import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../shared/consult/waveform-codec';
import { fakePng } from '../../shared/consult/test-fixtures';
import { invokeContract } from './contract-session';
import { fixedActorScreen } from './access/fixed-actor-screen';
import { createVisitSnapshotHandlers } from './visit-snapshots';

const chunks = (png: Uint8Array, snapshotId = 'snap-1', size = 40) => {
  const count = Math.ceil(png.length / size);
  return Array.from({ length: count }, (_, index) => ({ snapshotId, takenAt: Date.UTC(2026, 0, 2, 3, 4, 5), index, count, data: bytesToBase64(png.subarray(index * size, (index + 1) * size)) }));
};

function keeper() {
  const kept: Uint8Array[] = [];
  return { kept, keep: (png: Uint8Array) => `attachment-${kept.push(png)}` };
}

const NURSE = { id: 'n1', name: 'Nurse Ada', role: 'nurse' } as const;
const AS_NURSE = { actor: NURSE, screen: fixedActorScreen(NURSE) };

describe('saveVisitSnapshot', () => {
  it('hands the reassembled PNG to the records once the last chunk arrives', async () => {
    const { kept, keep } = keeper();
    const handlers = createVisitSnapshotHandlers({ keep });
    const png = fakePng(320, 240, 70);
    const answers = [];
    for (const part of chunks(png)) answers.push(await handlers.saveVisitSnapshot(part, AS_NURSE));
    expect(answers.slice(0, -1).every((answer) => !answer.complete)).toBe(true);
    expect(answers.at(-1)).toEqual({ complete: true, attachmentId: 'attachment-1', bytes: png.length, width: 320, height: 240 });
    expect(kept).toEqual([png]);
  });

  it('keeps a resent snapshot once and answers with the same attachment', async () => {
    const { kept, keep } = keeper();
    const handlers = createVisitSnapshotHandlers({ keep });
    const answers = [];
    for (let round = 0; round < 2; round++) for (const part of chunks(fakePng(2, 2))) answers.push(await handlers.saveVisitSnapshot(part, AS_NURSE));
    expect(answers.filter((answer) => answer.complete)).toEqual([expect.objectContaining({ attachmentId: 'attachment-1' }), expect.objectContaining({ attachmentId: 'attachment-1' })]);
    expect(kept).toHaveLength(1);
  });

  it('answers a failed invoke for bytes that are not a PNG, through the contract', async () => {
    const { kept, keep } = keeper();
    const handlers = { getSnapshot: () => ({ devices: [], latest: [], now: 0 }), getEncounterHistory: () => ({ readings: [], next: null }), requestMeasurement: () => undefined, ...createVisitSnapshotHandlers({ keep }) };
    const [only] = chunks(new Uint8Array(60).fill(1), 'bad', 100);
    expect(await invokeContract(handlers, AS_NURSE.screen, 'saveVisitSnapshot', only)).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringMatching(/not a PNG/) } });
    expect(await invokeContract(handlers, AS_NURSE.screen, 'saveVisitSnapshot', { ...only, data: 'x'.repeat(48_001) })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(kept).toHaveLength(0);
  });
});
