import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionLimits } from './connection-limits';

/** A socket that records whether it is being read. */
function pausable() {
  const socket = { reading: true, pause: () => (socket.reading = false), resume: () => (socket.reading = true) };
  return socket;
}

afterEach(() => vi.useRealTimers());

describe('ConnectionLimits', () => {
  it('stops reading a connection at its in-flight limit and reads again when an answer goes out', () => {
    const socket = pausable();
    const limits = new ConnectionLimits(socket, { burst: 100, perSecond: 100, inFlight: 2 });
    expect([limits.admit(), socket.reading, limits.admit(), socket.reading]).toEqual([true, true, true, false]);
    // A message already read from the network when reading stopped is refused, not queued.
    expect(limits.admit()).toBe(false);
    limits.done();
    expect(socket.reading).toBe(true);
    expect(limits.admit()).toBe(true);
    limits.close();
  });

  it('stops reading a connection past its rate and reads again once half its burst is back', () => {
    vi.useFakeTimers();
    let now = 0;
    const socket = pausable();
    const limits = new ConnectionLimits(socket, { burst: 4, perSecond: 10, inFlight: 100 }, () => now);
    for (let i = 0; i < 4; i++) {
      expect(limits.admit()).toBe(true);
      limits.done();
    }
    expect(socket.reading).toBe(false);
    expect(limits.admit()).toBe(false);
    now += 150;
    vi.advanceTimersByTime(150);
    expect(socket.reading).toBe(false);
    now += 50;
    vi.advanceTimersByTime(50);
    expect(socket.reading).toBe(true);
    expect([limits.admit(), limits.admit()]).toEqual([true, true]);
    limits.close();
  });
});
