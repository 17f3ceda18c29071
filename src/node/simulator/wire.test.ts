import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { createSimulatedLinkDriver } from './link-driver';
import { LineDecoder, SimulatedLinkError, encodeMessage, parseDeviceMessage, type DeviceMessage } from './wire';
import type { DeviceIo } from '../drivers/driver';
import type { DriverOutput } from '../../shared/readings';

const messages: DeviceMessage[] = [
  { type: 'activity', activity: 'measuring' },
  { type: 'status', condition: 'probe-off' },
  { type: 'observation', metric: 'spo2', value: 97, unit: '%', time: null },
  { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [64, 70, 81, 90, 88, 75] },
  { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [64, 70], scale: { min: 0, max: 127 } },
];

describe('simulated link', () => {
  it('reassembles messages however the bytes are split into chunks', () => {
    const bytes = Uint8Array.from(messages.flatMap((m) => [...encodeMessage(m)]));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 20 }), (cuts) => {
        const decoder = new LineDecoder();
        const bounds = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const lines = bounds.slice(1).flatMap((end, i) => decoder.push(bytes.subarray(bounds[i], end)));
        expect(lines.map(parseDeviceMessage)).toEqual(messages);
      }),
    );
  });

  it.each([
    ['not JSON', 'spo2=97', /not JSON/],
    ['an unknown metric', '{"type":"observation","metric":"mood","value":1,"unit":"%","time":null}', /not a device message/],
    ['a unit that is not UCUM', '{"type":"observation","metric":"spo2","value":97,"unit":"percent","time":null}', /not a device message/],
    ['an unknown condition', '{"type":"status","condition":"on-fire"}', /not a device message/],
    ['extra fields', '{"type":"activity","activity":"idle","eval":"x"}', /not a device message/],
    ['a raw scale whose max is not above its min', '{"type":"waveform","metric":"pleth","rateHz":60,"samples":[64],"scale":{"min":127,"max":0}}', /not a device message/],
  ])('rejects %s with a clear error', (_, line, message) => {
    expect(() => parseDeviceMessage(line)).toThrow(message);
  });

  it('rejects bytes that are not UTF-8 and lines that never end', () => {
    expect(() => new LineDecoder().push(Uint8Array.of(0xff, 0x0a))).toThrow(SimulatedLinkError);
    expect(() => new LineDecoder().push(new Uint8Array(70_000).fill(0x41))).toThrow(/longer than/);
  });

  it('the driver fails with the link error on a corrupt message instead of emitting it', async () => {
    const clock = new ManualClock();
    const chunks = [encodeMessage(messages[2]!), new TextEncoder().encode('{"type":"observation","metric":"spo2","value":"97"}\n')];
    const io: DeviceIo = {
      transport: 'simulated',
      read: async () => chunks.shift() ?? null,
      write: async () => undefined,
      sendFeatureReport: async () => undefined,
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
    };
    const emitted: DriverOutput[] = [];
    const run = createSimulatedLinkDriver().run({ io, emit: (o) => emitted.push(o), setActivity: () => undefined, signal: new AbortController().signal });
    await expect(run).rejects.toThrow(SimulatedLinkError);
    expect(emitted).toEqual([messages[2]]);
  });
});
