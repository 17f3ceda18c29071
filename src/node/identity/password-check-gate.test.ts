import { describe, expect, it } from 'vitest';
import { BUSY, PasswordCheckGate } from './password-check-gate';

/** A check the test finishes by hand. */
function heldCheck() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let started = false;
  return {
    run: async () => {
      started = true;
      await done;
      return 'checked';
    },
    finish,
    started: () => started,
  };
}

describe('PasswordCheckGate', () => {
  it('runs as many checks as allowed, queues a few in order, and refuses the rest at once', async () => {
    const gate = new PasswordCheckGate({ concurrent: 2, queued: 1 });
    const checks = [heldCheck(), heldCheck(), heldCheck()];
    const results = checks.map((check) => gate.run(check.run));
    expect(await gate.run(heldCheck().run)).toBe(BUSY);
    expect(checks.map((check) => check.started())).toEqual([true, true, false]);
    checks[0]!.finish();
    await results[0];
    expect(checks[2]!.started()).toBe(true);
    checks[1]!.finish();
    checks[2]!.finish();
    expect(await Promise.all(results)).toEqual(['checked', 'checked', 'checked']);
  });

  it('frees its place when a check fails', async () => {
    const gate = new PasswordCheckGate({ concurrent: 1, queued: 0 });
    await expect(gate.run(() => Promise.reject(new Error('scrypt failed')))).rejects.toThrow('scrypt failed');
    expect(await gate.run(async () => 'checked')).toBe('checked');
  });
});
