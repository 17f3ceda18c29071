import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../shared/consult/waveform-codec';
import { fakePng } from '../../shared/consult/test-fixtures';
import { invokeContract } from './contract-session';
import { createVisitSnapshotHandlers, VISIT_SNAPSHOT_DIR } from './visit-snapshots';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vitalbridge-snapshots-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const chunks = (png: Uint8Array, snapshotId = 'snap-1', size = 40) => {
  const count = Math.ceil(png.length / size);
  return Array.from({ length: count }, (_, index) => ({ snapshotId, takenAt: Date.UTC(2026, 0, 2, 3, 4, 5), index, count, data: bytesToBase64(png.subarray(index * size, (index + 1) * size)) }));
};

describe('saveVisitSnapshot', () => {
  it('writes the reassembled PNG owner-only under the data folder once the last chunk arrives', async () => {
    const handlers = createVisitSnapshotHandlers({ dataDir });
    const png = fakePng(320, 240, 70);
    const parts = chunks(png);
    const answers = [];
    for (const part of parts) answers.push(await handlers.saveVisitSnapshot(part));
    expect(answers.slice(0, -1).every((answer) => !answer.complete)).toBe(true);
    expect(answers.at(-1)).toEqual({ complete: true, fileName: `${VISIT_SNAPSHOT_DIR}/2026-01-02T03-04-05-000Z-snap-1.png`, bytes: png.length, width: 320, height: 240 });
    const file = join(dataDir, VISIT_SNAPSHOT_DIR, '2026-01-02T03-04-05-000Z-snap-1.png');
    expect(new Uint8Array(await readFile(file))).toEqual(png);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('keeps hostile ids out of the path', async () => {
    const handlers = createVisitSnapshotHandlers({ dataDir });
    let last;
    for (const part of chunks(fakePng(2, 2), '../../etc/x')) last = await handlers.saveVisitSnapshot(part);
    expect(last).toMatchObject({ fileName: `${VISIT_SNAPSHOT_DIR}/2026-01-02T03-04-05-000Z-______etc_x.png` });
    expect(await readdir(join(dataDir, VISIT_SNAPSHOT_DIR))).toHaveLength(1);
  });

  it('answers a failed invoke for bytes that are not a PNG, through the contract', async () => {
    const handlers = { getSnapshot: () => ({ devices: [], latest: [], now: 0 }), requestMeasurement: () => undefined, ...createVisitSnapshotHandlers({ dataDir }) };
    const [only] = chunks(new Uint8Array(60).fill(1), 'bad', 100);
    expect(await invokeContract(handlers, 'saveVisitSnapshot', only)).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringMatching(/not a PNG/) } });
    expect(await invokeContract(handlers, 'saveVisitSnapshot', { ...only, data: 'x'.repeat(48_001) })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});
