import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { stationReading, type Snapshot } from '../../shared/contract';
import { invokeContract, openContractSession, type ContractHost, type StationHandlers } from './contract-session';
import { fixedActorScreen } from './access/fixed-actor-screen';
import { standInHandlers } from './stand-in-handlers';
import type { ScreenAccess } from './access/station-access';

const NURSE = { id: 'n1', name: 'Nurse Ada', role: 'nurse' } as const;
const nurseScreen = fixedActorScreen(NURSE);
import type { FrameSink } from './frame-batcher';

const snapshot: Snapshot = { devices: [], latest: [], now: 1 };

function fakeHost(handlers: Partial<StationHandlers> = {}, screen: ScreenAccess = nurseScreen) {
  const sinks: FrameSink[] = [];
  const subscription = { pause: vi.fn(), resume: vi.fn(), close: vi.fn() };
  const host: ContractHost = {
    handlers: standInHandlers({ getSnapshot: () => snapshot, ...handlers }),
    subscribe(sink) {
      sinks.push(sink);
      return subscription;
    },
    openScreen: () => screen,
  };
  return { host, sinks, subscription };
}

describe('invokeContract', () => {
  it('calls the handler with the validated input and returns its output', async () => {
    const requestMeasurement = vi.fn(() => undefined);
    const { host } = fakeHost({ requestMeasurement });
    expect(await invokeContract(host.handlers, nurseScreen, 'getSnapshot', undefined)).toEqual({ ok: true, output: snapshot });
    expect(await invokeContract(host.handlers, nurseScreen, 'requestMeasurement', { deviceId: 'cuff' })).toEqual({ ok: true, output: undefined });
    expect(requestMeasurement).toHaveBeenCalledWith({ deviceId: 'cuff' }, { actor: NURSE, screen: nurseScreen });
  });

  it('answers a failing handler with its reason, cut to 2,000 characters, whether or not anyone listens for faults', async () => {
    const requestMeasurement = () => {
      throw new Error('x'.repeat(5_000));
    };
    const { host } = fakeHost({ requestMeasurement });
    const faults: string[] = [];
    for (const onFault of [undefined, (line: string) => faults.push(line)]) {
      expect(await invokeContract(host.handlers, nurseScreen, 'requestMeasurement', { deviceId: 'cuff' }, onFault)).toEqual({
        ok: false,
        error: { code: 'failed', message: 'x'.repeat(2_000) },
      });
    }
    expect(faults).toEqual(['requestMeasurement failed']);
  });

  it('hands each handler the actor of the session that carried the call', async () => {
    const physician = { id: 'd1', name: 'Dr Lee', role: 'physician' } as const;
    const requestMeasurement = vi.fn(() => undefined);
    const screen = fixedActorScreen(physician);
    const { host } = fakeHost({ requestMeasurement }, screen);
    const session = openContractSession(host, { sendEvent: () => undefined });
    await session.invoke('requestMeasurement', { deviceId: 'cuff' });
    expect(requestMeasurement).toHaveBeenCalledWith({ deviceId: 'cuff' }, { actor: physician, screen });
  });

  it('answers unknown-method for a clinical method its host does not serve', async () => {
    const { host } = fakeHost();
    expect(await invokeContract(host.handlers, nurseScreen, 'getClinicalState', undefined)).toEqual({
      ok: false,
      error: { code: 'unknown-method', message: 'getClinicalState is not available on this station' },
    });
  });

  it.each([['__proto__'], ['constructor'], ['toString'], ['hasOwnProperty'], [''], [42], [null], [{ toString: 'x' }]])(
    'answers unknown-method for %j without touching any handler',
    async (method) => {
      const result = await invokeContract(fakeHost().host.handlers, nurseScreen, method, undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    },
  );

  it('names an unknown method for the screen’s log: a string quoted and cut to 100 characters, anything else only by its type', async () => {
    const message = async (method: unknown) => {
      const result = await invokeContract(fakeHost().host.handlers, nurseScreen, method, undefined);
      return result.ok ? null : result.error.message;
    };
    expect(await message('dropTables')).toBe('Unknown method: "dropTables"');
    expect(await message(`x${'y'.repeat(200)}`)).toBe(`Unknown method: "x${'y'.repeat(99)}"`);
    expect(await message(42)).toBe('Unknown method: a number name');
    expect(await message(null)).toBe('Unknown method: a null name');
    const hostile = {
      toString() {
        throw new Error('stringified');
      },
    };
    expect(await message(hostile)).toBe('Unknown method: a object name');
  });

  it.each([
    ['a missing object', undefined],
    ['a number id', { deviceId: 7 }],
    ['an oversized id', { deviceId: 'x'.repeat(10_000) }],
    ['an array', ['cuff']],
  ])('answers bad-request for %s, and the handler never runs', async (_label, input) => {
    const requestMeasurement = vi.fn(() => undefined);
    const result = await invokeContract(fakeHost({ requestMeasurement }).host.handlers, nurseScreen, 'requestMeasurement', input);
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
    const result = await invokeContract(handlers, nurseScreen, 'requestMeasurement', { deviceId: 'cuff' }, (message) => faults.push(message));
    expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'Simulated cuff is not connected; plug it in first' } });
    expect(faults).toEqual(['requestMeasurement failed']);
  });

  it('refuses to pass on an answer outside the contract (an invalid reading never reaches a screen)', async () => {
    const faults: string[] = [];
    const bad = { ...snapshot, latest: [stationReading({ source: 'pulse-oximeter', deviceId: 'ox', metric: 'spo2', value: Number.NaN, unit: '%', deviceTime: null, receivedAt: 1, seq: 0 })] };
    const handlers = fakeHost({ getSnapshot: () => bad as Snapshot }).host.handlers;
    const result = await invokeContract(handlers, nurseScreen, 'getSnapshot', undefined, (message) => faults.push(message));
    expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'getSnapshot produced an invalid answer' } });
    expect(faults).toEqual(['getSnapshot produced an answer outside the contract']);
  });

  it('answers a handler that throws something other than an Error with the method name only, never the thrown value', async () => {
    const faults: unknown[] = [];
    const handlers = fakeHost({
      requestMeasurement: () => {
        throw 'patient Jane Doe, MRN 12345';
      },
    }).host.handlers;
    const result = await invokeContract(handlers, nurseScreen, 'requestMeasurement', { deviceId: 'cuff' }, (message, error) => faults.push([message, error]));
    expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'requestMeasurement failed' } });
    expect(faults).toEqual([['requestMeasurement failed', 'patient Jane Doe, MRN 12345']]);
  });

  it('answers every arbitrary message with a result and never throws', async () => {
    const { host } = fakeHost();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom('getSnapshot', 'requestMeasurement'), fc.anything()), fc.anything(), async (method, input) => {
        const result = await invokeContract(host.handlers, nurseScreen, method, input);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an input nested deeper than the bound (an IPC argument, structured and possibly cyclic) before any schema walks it', async () => {
    const requestMeasurement = vi.fn();
    const { host } = fakeHost({ requestMeasurement });
    let deep: unknown = { deviceId: 'cuff' };
    for (let level = 0; level < 100_000; level++) deep = [deep];
    const cyclic: { deviceId: string; self?: unknown } = { deviceId: 'cuff' };
    cyclic.self = cyclic;
    for (const input of [deep, cyclic]) {
      expect(await invokeContract(host.handlers, nurseScreen, 'requestMeasurement', input)).toEqual({
        ok: false,
        error: { code: 'bad-request', message: 'Invalid input for requestMeasurement: value nested deeper than 32 levels' },
      });
    }
    expect(requestMeasurement).not.toHaveBeenCalled();
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

  it('withholds an invalid event even when nobody listens for faults', () => {
    const { host, sinks } = fakeHost();
    const sent: string[] = [];
    openContractSession(host, { sendEvent: (event) => sent.push(event) });
    expect(() => sinks[0]?.send('devices', [{ id: 'ox' } as never])).not.toThrow();
    sinks[0]?.send('frame', { readings: [], waveforms: [] });
    expect(sent).toEqual(['frame']);
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

  it('withholds the patient’s data from a screen that may not see it, but never an alarm', () => {
    let seesPatient = false;
    const screen: ScreenAccess = { ...nurseScreen, maySeePatient: () => seesPatient };
    const { host, sinks } = fakeHost({}, screen);
    const sent: string[] = [];
    openContractSession(host, { sendEvent: (event) => sent.push(event) });
    const frame = { readings: [], waveforms: [] };
    sinks[0]?.send('frame', frame);
    sinks[0]?.send('devices', []);
    expect(sent).toEqual([]);
    seesPatient = true;
    sinks[0]?.send('frame', frame);
    expect(sent).toEqual(['frame']);
  });

  it('delivers the screen’s access changes as access events and ends its session when the screen goes', () => {
    const close = vi.fn();
    let notify: ((state: ReturnType<ScreenAccess['state']>) => void) | undefined;
    const { host } = fakeHost();
    host.openScreen = (listener) => {
      notify = listener;
      return { ...nurseScreen, close };
    };
    const sent: Array<[string, unknown]> = [];
    const session = openContractSession(host, { sendEvent: (event, payload) => sent.push([event, payload]) });
    const locked = { ...nurseScreen.state(), user: { ...nurseScreen.state().user!, locked: true } };
    notify?.(locked);
    expect(sent).toEqual([['access', locked]]);
    session.close();
    expect(close).toHaveBeenCalledOnce();
  });
});

describe('the access gate', () => {
  const KIOSK = { id: 'k1', name: 'Kiosk', role: 'kiosk' } as const;

  it('refuses a method the screen’s role may not call, before its handler runs', async () => {
    const setAlarmLimits = vi.fn();
    const { host } = fakeHost({ setAlarmLimits });
    const result = await invokeContract(host.handlers, fixedActorScreen(KIOSK), 'setAlarmLimits', { metric: 'spo2', low: 88 });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: 'Your role (kiosk) may not do that' } });
    expect(setAlarmLimits).not.toHaveBeenCalled();
  });

  it('lets a kiosk relay the remote physician’s acknowledgement but not acknowledge itself', async () => {
    const acknowledgeAlarm = vi.fn();
    const { host } = fakeHost({ acknowledgeAlarm });
    const kiosk = fixedActorScreen(KIOSK);
    expect(await invokeContract(host.handlers, kiosk, 'acknowledgeAlarm', { alarmId: 'a1' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await invokeContract(host.handlers, kiosk, 'acknowledgeAlarm', { alarmId: 'a1', forRemoteClinician: { visitId: 'v1' } });
    expect(acknowledgeAlarm).toHaveBeenCalledOnce();
  });

  it('runs open methods without a session and hands them only the screen', async () => {
    const getAccessState = vi.fn(() => nurseScreen.state());
    const refusingScreen: ScreenAccess = {
      ...nurseScreen,
      authorize: () => {
        throw new Error('open methods must not be authorised');
      },
    };
    const { host } = fakeHost({ getAccessState });
    expect(await invokeContract(host.handlers, refusingScreen, 'getAccessState', undefined)).toMatchObject({ ok: true });
    expect(getAccessState).toHaveBeenCalledWith(undefined, { screen: refusingScreen });
  });
});
