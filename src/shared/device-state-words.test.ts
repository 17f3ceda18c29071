import { describe, expect, it } from 'vitest';
import { DEVICE_STATES } from './contract';
import { canStartMeasurement, deviceStateWords } from './device-state-words';

describe('device state words', () => {
  it('calls an idle device "Ready" on every screen', () => {
    expect(deviceStateWords('idle')).toBe('Ready');
  });

  it('names every state in words, never the protocol identifier', () => {
    for (const state of DEVICE_STATES) {
      const words = deviceStateWords(state);
      expect(words).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/);
    }
  });

  it('lets a measurement start only from a state that can take one', () => {
    const startable = DEVICE_STATES.filter(canStartMeasurement);
    expect(startable).toEqual(['streaming', 'idle', 'probe-off']);
  });
});
