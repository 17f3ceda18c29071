import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from './capture-file';
import { DIRECTIONS, parseCapture, type CaptureRecord } from './format';
import { RecordStore } from './record-store';

const capturesDir = join(import.meta.dirname, '../../../resources/captures');

/** What a replay reads of a record: everything but the comments before it. */
function withoutComments({ comments, ...record }: CaptureRecord): CaptureRecord {
  void comments;
  return record;
}

describe('RecordStore (a replay\'s compact records)', () => {
  it('gives back every record pushed, past its first allocation, with its bytes unchanged', () => {
    const store = new RecordStore();
    const pushed: CaptureRecord[] = Array.from({ length: 5000 }, (_, i) => ({
      delayMs: i % 7 === 0 ? 0.5 : i,
      direction: DIRECTIONS[i % DIRECTIONS.length] ?? 'in',
      bytes: Uint8Array.from({ length: (i % 70) + 1 }, (_, b) => (i + b) & 0xff),
      line: i + 2,
    }));
    for (const record of pushed) store.push(record);
    expect(store.length).toBe(pushed.length);
    expect(Array.from({ length: store.length }, (_, i) => store.at(i))).toEqual(pushed);
    expect(store.at(-1)).toBeUndefined();
    expect(store.at(pushed.length)).toBeUndefined();
  });

  it.each(readdirSync(capturesDir).filter((name) => name.endsWith('.cap')))('holds the records of %s as parsing its whole text does', async (name) => {
    const file = join(capturesDir, name);
    const parsed = parseCapture(readFileSync(file, 'utf8'));
    const stored = await readCaptureFile(file, new RecordStore());
    expect(stored.header).toEqual(parsed.header);
    expect(stored.trailingComments).toEqual(parsed.trailingComments);
    expect(Array.from({ length: stored.records.length }, (_, i) => stored.records.at(i))).toEqual(parsed.records.map(withoutComments));
  });
});
