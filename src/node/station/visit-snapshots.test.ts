import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../shared/consult/waveform-codec';
import { fakePng } from '../../shared/consult/test-fixtures';
import { invokeContract } from './contract-session';
import { fixedActorScreen } from './access/fixed-actor-screen';
import { HostedVisits } from './hosted-visits';
import { standInHandlers } from './stand-in-handlers';
import { createVisitSnapshotHandlers, MAX_SNAPSHOTS_PER_VISIT } from './visit-snapshots';

const chunks = (png: Uint8Array, snapshotId = 'snap-1', size = 40, visitId = 'v1') => {
  const count = Math.ceil(png.length / size);
  return Array.from({ length: count }, (_, index) => ({ visitId, snapshotId, takenAt: Date.UTC(2026, 0, 2, 3, 4, 5), index, count, data: bytesToBase64(png.subarray(index * size, (index + 1) * size)) }));
};

const NURSE = { id: 'n1', name: 'Nurse Ada', role: 'nurse' } as const;
const AS_NURSE = { actor: NURSE, screen: fixedActorScreen(NURSE) };

/** Snapshot handlers over visit v1, started at the nurse's screen with its clinician admitted and connected. */
function bench({ admitted = true } = {}) {
  const kept: Uint8Array[] = [];
  const hosted = new HostedVisits({ clinicianConnected: async () => true, onRefused: () => undefined });
  hosted.started('v1', AS_NURSE.screen);
  if (admitted) hosted.admit('v1', AS_NURSE.screen);
  const handlers = createVisitSnapshotHandlers({ hosted, keep: (png) => `attachment-${kept.push(png)}` });
  const save = async (png: Uint8Array, snapshotId?: string) => {
    const answers = [];
    for (const part of chunks(png, snapshotId)) answers.push(await handlers.saveVisitSnapshot(part, AS_NURSE));
    return answers;
  };
  return { kept, hosted, handlers, save };
}

const contractHandlers = (handlers: ReturnType<typeof bench>['handlers']) => standInHandlers(handlers);

describe('saveVisitSnapshot', () => {
  it('hands the reassembled PNG to the records once the last chunk arrives', async () => {
    const { kept, save } = bench();
    const png = fakePng(320, 240, 70);
    const answers = await save(png);
    expect(answers.slice(0, -1).every((answer) => !answer.complete)).toBe(true);
    expect(answers.at(-1)).toEqual({ complete: true, attachmentId: 'attachment-1', bytes: png.length, width: 320, height: 240 });
    expect(kept).toEqual([png]);
  });

  it('keeps a resent snapshot once and answers with the same attachment', async () => {
    const { kept, save } = bench();
    const answers = [...(await save(fakePng(2, 2))), ...(await save(fakePng(2, 2)))];
    expect(answers.filter((answer) => answer.complete)).toEqual([expect.objectContaining({ attachmentId: 'attachment-1' }), expect.objectContaining({ attachmentId: 'attachment-1' })]);
    expect(kept).toHaveLength(1);
  });

  it('answers a failed invoke for bytes that are not a PNG, through the contract', async () => {
    const { kept, handlers } = bench();
    const [only] = chunks(new Uint8Array(60).fill(1), 'bad', 100);
    expect(await invokeContract(contractHandlers(handlers), AS_NURSE.screen, 'saveVisitSnapshot', only)).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringMatching(/not a PNG/) } });
    expect(await invokeContract(contractHandlers(handlers), AS_NURSE.screen, 'saveVisitSnapshot', { ...only, data: 'x'.repeat(48_001) })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(kept).toHaveLength(0);
  });

  it('is forbidden with no visit, for another visit and before the clinician is admitted, and nothing is held', async () => {
    const { kept, handlers } = bench({ admitted: false });
    const [first] = chunks(fakePng(2, 2), 'snap-1', 10_000);
    for (const visitId of ['v1', 'made-up']) {
      expect(await invokeContract(contractHandlers(handlers), AS_NURSE.screen, 'saveVisitSnapshot', { ...first, visitId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(kept).toHaveLength(0);
  });

  it(`keeps at most ${MAX_SNAPSHOTS_PER_VISIT} snapshots per visit, and forgets them when the visit ends`, async () => {
    const { kept, hosted, save, handlers } = bench();
    for (let i = 0; i < MAX_SNAPSHOTS_PER_VISIT; i++) await save(fakePng(2, 2), `snap-${i}`);
    await expect(save(fakePng(2, 2), 'one-too-many')).rejects.toThrow(`at most ${MAX_SNAPSHOTS_PER_VISIT} snapshots`);
    expect(kept).toHaveLength(MAX_SNAPSHOTS_PER_VISIT);
    // A resend of one already kept still answers with its attachment.
    expect((await save(fakePng(2, 2), 'snap-0')).at(-1)).toMatchObject({ attachmentId: 'attachment-1' });

    hosted.ended('v1');
    await expect(save(fakePng(2, 2), 'snap-0')).rejects.toThrow(/no visit with this id/);
    // The same id hosted again starts from nothing: the ended visit's bookkeeping is gone.
    hosted.started('v1', AS_NURSE.screen);
    hosted.admit('v1', AS_NURSE.screen);
    const [again] = chunks(fakePng(2, 2), 'snap-0', 10_000);
    expect(await handlers.saveVisitSnapshot(again!, AS_NURSE)).toMatchObject({ complete: true, attachmentId: `attachment-${MAX_SNAPSHOTS_PER_VISIT + 1}` });
  });
});
