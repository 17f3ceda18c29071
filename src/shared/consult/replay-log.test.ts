import { describe, expect, it } from 'vitest';
import { ReplayLog } from './replay-log';

describe('ReplayLog', () => {
  it('numbers items from 1 and replays everything after a seq', () => {
    const log = new ReplayLog<string>(10);
    for (const body of ['a', 'b', 'c']) log.append(body);
    expect(log.lastSeq).toBe(3);
    expect(log.after(1)).toEqual({ kind: 'replay', items: [{ seq: 2, body: 'b' }, { seq: 3, body: 'c' }] });
    expect(log.after(3)).toEqual({ kind: 'replay', items: [] });
    expect(log.after(4)).toBeNull();
  });

  it('releases acked items and reports a gap for a seq before them', () => {
    const log = new ReplayLog<string>(10);
    for (const body of ['a', 'b', 'c', 'd']) log.append(body);
    expect(log.ack(2)).toBe(true);
    expect(log.size).toBe(2);
    expect(log.after(2)).toEqual({ kind: 'replay', items: [{ seq: 3, body: 'c' }, { seq: 4, body: 'd' }] });
    expect(log.after(0)).toEqual({ kind: 'gap', lost: 2 });
    expect(log.ack(9)).toBe(false);
  });

  it('evicts the oldest unacked items beyond its capacity and counts them', () => {
    const log = new ReplayLog<number>(3);
    for (let i = 1; i <= 5; i++) log.append(i);
    expect(log.size).toBe(3);
    expect(log.droppedUnacked).toBe(2);
    expect(log.after(0)).toEqual({ kind: 'gap', lost: 2 });
    expect(log.after(2)).toMatchObject({ kind: 'replay', items: [{ seq: 3 }, { seq: 4 }, { seq: 5 }] });
  });

  it('stays correct across compaction of a long acked prefix', () => {
    const log = new ReplayLog<number>(100);
    for (let i = 1; i <= 5_000; i++) {
      log.append(i);
      if (i % 7 === 0) log.ack(i - 3);
    }
    expect(log.after(4_996)).toMatchObject({ kind: 'replay', items: [{ seq: 4_997 }, { seq: 4_998 }, { seq: 4_999 }, { seq: 5_000 }] });
    expect(log.droppedUnacked).toBe(0);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new ReplayLog(0)).toThrow(RangeError);
  });
});
