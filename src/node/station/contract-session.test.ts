import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { stationReading, type Snapshot } from '../../shared/contract';
import { invokeContract, LOCAL_STATION_SCREEN_ACTOR, openContractSession, type ContractHost, type StationHandlers } from './contract-session';
import type { FrameSink } from './frame-batcher';

const snapshot: Snapshot = { devices: [], latest: [], now: 1 };

function fakeHost(handlers: Partial<StationHandlers> = {}) {
  const sinks: FrameSink[] = [];
  const subscription = { pause: vi.fn(), resume: vi.fn(), close: vi.fn() };
  const host: ContractHost = {
    handlers: { getSnapshot: () => snapshot, requestMeasurement: () => undefined, ...handlers },
    subscribe(sink) {
      sinks.push(sink);
      return subscription;
    },
  };
  return { host, sinks, subscription };
}

describe('invokeContract', () => {
  it('calls the handler with the validated input and returns its output', async () => {
    const requestMeasurement = vi.fn(() => undefined);
    const { host } = fakeHost({ requestMeasurement });
    expect(await invokeContract(host.handlers, 'getSnapshot', undefined)).toEqual({ ok: true, output: snapshot });
    expect(await invokeContract(host.handlers, 'requestMeasurement', { deviceId: 'cuff' })).toEqual({ ok: true, output: undefined });
    expect(requestMeasurement).toHaveBeenCalledWith({ deviceId: 'cuff' }, { actor: LOCAL_STATION_SCREEN_ACTOR });
  });

  it('hands each handler the actor of the session that carried the call', async () => {
    const physician = { id: 'd1', name: 'Dr Lee', role: 'physician' } as const;
    const requestMeasurement = vi.fn(() => undefined);
    const { host } = fakeHost({ requestMeasurement });
    const session = openContractSession(host, { sendEvent: () => undefined }, { actor: physician });
    await session.invoke('requestMeasurement', { deviceId: 'cuff' });
    expect(requestMeasurement).toHaveBeenCalledWith({ deviceId: 'cuff' }, { actor: physician });
  });

  it('answers unknown-method for a clinical method its host does not serve', async () => {
    const { host } = fakeHost();
    expect(await invokeContract(host.handlers, 'getClinicalState', undefined)).toEqual({
      ok: false,
      error: { code: 'unknown-method', message: 'getClinicalState is not available on this station' },
    });
  });

  it.each([['__proto__'], ['constructor'], ['toString'], ['hasOwnProperty'], [''], [42], [null], [{ toString: 'x' }]])(
    'answers unknown-method for %j without touching any handler',
    async (method) => {
      const result = await invokeContract(fakeHost().host.handlers, method, undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    },
  );

  it.each([
    ['a missing object', undefined],
    ['a number id', { deviceId: 7 }],
    ['an oversized id', { deviceId: 'x'.repeat(10_000) }],
    ['an array', ['cuff']],
  ])('answers bad-request for %s, and the handler never runs', async (_label, input) => {
    const requestMeasurement = vi.fn(() => undefined);
    const result = await invokeContract(fakeHost({ requestMeasurement }).host.handlers, 'requestMeasurement', input);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('requestMeasurement') } });
    expect(requestMeasurement).not.toHaveBeenCalled();
  });

  it('turns a throwing handler into a failed result carrying its message', async () => {
    const faults: string[] = [];
    const handlers = fakeHost({
      requestMeasurement: () => {
        throw new Error('Simulated cuff is not connected; plug it in first');
      },
    }).host.handlers;
    const result = await invokeContract(handlers, 'requestMeasurement', { deviceId: 'cuff' }, (message) => faults.push(message));
    expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'Simulated cuff is not connected; plug it in first' } });
    expect(faults).toEqual(['requestMeasurement failed']);
  });

  it('refuses to pass on an answer outside the contract (an invalid reading never reaches a screen)', async () => {
    const faults: string[] = [];
    const bad = { ...snapshot, latest: [stationReading({ deviceId: 'ox', metric: 'spo2', value: Number.NaN, unit: '%', deviceTime: null, receivedAt: 1, seq: 0 })] };
    const handlers = fakeHost({ getSnapshot: () => bad as Snapshot }).host.handlers;
    const result = await invokeContract(handlers, 'getSnapshot', undefined, (message) => faults.push(message));
    expect(result).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(faults).toEqual(['getSnapshot produced an answer outside the contract']);
  });

  it('answers every arbitrary message with a result and never throws', async () => {
    const { host } = fakeHost();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom('getSnapshot', 'requestMeasurement'), fc.anything()), fc.anything(), async (method, input) => {
        const result = await invokeContract(host.handlers, method, input);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});

describe('openContractSession', () => {
  it('forwards valid events and withholds invalid ones', () => {
    const { host, sinks } = fakeHost();
    const sent: Array<[string, unknown]> = [];
    const faults: string[] = [];
    openContractSession(host, { sendEvent: (event, payload) => sent.push([event, payload]) }, { onFault: (message) => faults.push(message) });
    const sink = sinks[0];
    sink?.send('frame', { readings: [], waveforms: [{ deviceId: 'ox', metric: 'pleth', rateHz: 60, startedAt: 0, samples: [1, 2] }] });
    sink?.send('frame', { readings: [], waveforms: [{ deviceId: 'ox', metric: 'pleth', rateHz: 60, startedAt: 0, samples: [1, Number.POSITIVE_INFINITY] }] });
    sink?.send('devices', [{ id: 'ox' } as never]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.[0]).toBe('frame');
    expect(faults).toEqual(['frame event outside the contract was not sent', 'devices event outside the contract was not sent']);
  });

  it('hands the transport’s readiness and the screen’s visibility to the subscription', () => {
    const { host, sinks, subscription } = fakeHost();
    let ready = true;
    const session = openContractSession(host, { sendEvent: () => undefined, isReady: () => ready });
    ready = false;
    expect(sinks[0]?.isReady?.()).toBe(false);
    session.pause();
    session.resume();
    session.close();
    expect(subscription.pause).toHaveBeenCalledOnce();
    expect(subscription.resume).toHaveBeenCalledOnce();
    expect(subscription.close).toHaveBeenCalledOnce();
  });
});
