import { describe, expect, it } from 'vitest';
import { loadNoble } from './noble-boundary';

describe('loadNoble', () => {
  it('leaves SIGINT to the station: the real noble adds no handler that would exit(1) before the records are flushed', async () => {
    const before = process.listeners('SIGINT');
    const central = await loadNoble();
    expect(['poweredOn', 'poweredOff', 'unauthorized', 'unsupported', 'unknown', 'resetting']).toContain(central.state);
    expect(process.listeners('SIGINT')).toEqual(before);
  });
});
