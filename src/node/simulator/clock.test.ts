import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';

describe('ManualClock', () => {
  it('wakes sleepers in due order, each at its own time, and only when advanced', async () => {
    const clock = new ManualClock(1000);
    const woken: [string, number][] = [];
    const sleeper = (name: string, ms: number) => clock.sleep(ms).then(() => woken.push([name, clock.now()]));
    void sleeper('late', 300);
    void sleeper('early', 100);
    void sleeper('tie-first', 200);
    void sleeper('tie-second', 200);
    await clock.advance(150);
    expect(woken).toEqual([['early', 1100]]);
    await clock.advance(1000);
    expect(woken).toEqual([
      ['early', 1100],
      ['tie-first', 1200],
      ['tie-second', 1200],
      ['late', 1300],
    ]);
    expect(clock.now()).toBe(2150);
  });

  it('runs a sleeper loop step by step within one advance', async () => {
    const clock = new ManualClock();
    const ticks: number[] = [];
    void (async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(100);
        ticks.push(clock.now());
      }
    })();
    await clock.advance(1000);
    expect(ticks).toEqual([100, 200, 300, 400, 500]);
  });

  it('rejects an aborted sleep with the abort reason and never wakes it', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(100, controller.signal);
    controller.abort(new Error('gone'));
    await expect(sleeping).rejects.toThrow('gone');
    await expect(clock.sleep(10, controller.signal)).rejects.toThrow('gone');
  });

  it('refuses a sleep that is not a finite number', () => {
    expect(() => new ManualClock().sleep(Number.NaN)).toThrow(RangeError);
  });
});
