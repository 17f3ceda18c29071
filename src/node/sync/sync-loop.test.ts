import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { PushReport } from './push';
import { pushUntilStopped, SyncWakeUp } from './sync-loop';

const HOUR = 3_600_000;

describe("the sync loop's wake-up (staff's Send now and Retry)", () => {
  it('ends a long sleep at once', async () => {
    const wakeUp = new SyncWakeUp();
    const sleeping = wakeUp.sleep(HOUR, new AbortController().signal);
    wakeUp.wake();
    await sleeping;
  });

  it('keeps a wake-up that came while the loop was pushing for its next sleep, and only that one', async () => {
    const wakeUp = new SyncWakeUp();
    wakeUp.wake();
    await wakeUp.sleep(HOUR, new AbortController().signal);
    const stop = new AbortController();
    const second = wakeUp.sleep(HOUR, stop.signal).then(() => 'woke');
    expect(await Promise.race([second, nextTurn('still asleep')])).toBe('still asleep');
    stop.abort();
    expect(await second).toBe('woke');
  });

  it('pushes again when woken, not an idle poll later', async () => {
    const wakeUp = new SyncWakeUp();
    const stop = new AbortController();
    let pushes = 0;
    const nothingDue: PushReport = { sent: 0, retrying: 0, parked: 0, answer: null };
    const running = pushUntilStopped({
      pusher: { push: async () => ((pushes += 1), nothingDue) },
      outbox: { nextDueAt: () => null },
      signal: stop.signal,
      now: Date.now,
      idlePollMs: HOUR,
      wakeUp,
    });
    await expect.poll(() => pushes).toBe(1);
    wakeUp.wake();
    await expect.poll(() => pushes).toBe(2);
    stop.abort();
    await running;
  });
});
