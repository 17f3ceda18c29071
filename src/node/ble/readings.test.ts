/** Which decoded GATT values become readings (readings.ts), one rule per case. */
import { describe, expect, it } from 'vitest';
import type { GattRecord } from './gatt-frame';
import { gattOutputs } from './readings';

const hex = (text: string): Uint8Array => Uint8Array.from(text.split(' '), (pair) => Number.parseInt(pair, 16));
const record = (characteristic: string, value: string): GattRecord => ({ op: 'indicate', service: '0000', characteristic, value: hex(value) });

describe('gattOutputs', () => {
  it('converts a kPa cuff to mmHg (760 mmHg = 101.325 kPa), rounded to the mmHg a cuff shows', () => {
    expect(gattOutputs(record('2a35', '01 a0 f0 6b f0 7c f0'), 3).outputs).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'systolic', value: 120, unit: 'mm[Hg]', time: null, measurement: 3 },
      { type: 'observation', metric: 'diastolic', value: 80, unit: 'mm[Hg]', time: null, measurement: 3 },
      { type: 'observation', metric: 'meanArterialPressure', value: 93, unit: 'mm[Hg]', time: null, measurement: 3 },
    ]);
  });

  it('says every cuff status flag, and motion only for body movement', () => {
    expect(gattOutputs(record('2a35', '10 78 00 50 00 5a 00 2e 00'), 0).outputs[0]).toEqual({
      type: 'status',
      condition: 'ok',
      detail: 'the cuff reports: cuff too loose, irregular pulse, pulse above the range, improper measurement position',
    });
    expect(gattOutputs(record('2a35', '10 78 00 50 00 5a 00 11 00'), 0).outputs[0]).toEqual({ type: 'status', condition: 'motion', detail: 'the cuff reports: body movement, pulse below the range' });
    expect(gattOutputs(record('2a35', '10 78 00 50 00 5a 00 00 00'), 0).outputs[0]).toEqual({ type: 'status', condition: 'ok' });
  });

  it('reads a strap heart rate only with skin contact, as a live value with no measurement number', () => {
    expect(gattOutputs(record('2a37', '06 48'), 0).outputs).toEqual([{ type: 'status', condition: 'ok' }, { type: 'observation', metric: 'heartRate', value: 72, unit: '/min', time: null }]);
    expect(gattOutputs(record('2a37', '04 48'), 0).outputs).toEqual([{ type: 'status', condition: 'probe-off', detail: 'the strap has no skin contact' }]);
  });

  it('keeps the thermometer unit and drops a temperature outside the possible range', () => {
    expect(gattOutputs(record('2a1c', '01 ad 03 00 ff'), 1).outputs).toEqual([{ type: 'status', condition: 'ok' }, { type: 'observation', metric: 'bodyTemperature', value: 94.1, unit: '[degF]', time: null, measurement: 1 }]);
    expect(gattOutputs(record('2a1c', '00 c3 01 00 ff'), 1).outputs).toEqual([{ type: 'status', condition: 'ok' }]);
  });

  it('reads a weight in kg or lb, and an unsuccessful one as a device fault', () => {
    expect(gattOutputs(record('2a9d', '00 b0 36'), 0).outputs).toEqual([{ type: 'status', condition: 'ok' }, { type: 'observation', metric: 'bodyWeight', value: 70, unit: 'kg', time: null, measurement: 0 }]);
    expect(gattOutputs(record('2a9d', '01 b0 3c'), 0).outputs[1]).toMatchObject({ value: 155.36, unit: '[lb_av]' });
    expect(gattOutputs(record('2a9d', '00 ff ff'), 0).outputs).toEqual([{ type: 'status', condition: 'device-fault', detail: 'the scale reports the measurement as unsuccessful' }]);
  });

  it.each([
    ['sensor disconnected', '0c 61 00 48 00 00 00 00 80 00', { type: 'status', condition: 'probe-off' }],
    ['sensor unconnected to user', '0c 61 00 48 00 00 00 00 08 00', { type: 'status', condition: 'probe-off' }],
    ['invalid measurement', '04 61 00 48 00 00 80', { type: 'status', condition: 'searching', detail: 'the oximeter marks the value as not a valid measurement' }],
    ['measurement unavailable', '04 61 00 48 00 00 20', { type: 'status', condition: 'searching', detail: 'the oximeter marks the value as not a valid measurement' }],
    ['demonstration data', '04 61 00 48 00 00 04', { type: 'status', condition: 'searching', detail: 'the oximeter marks the value as not a valid measurement' }],
    ['testing data', '04 61 00 48 00 00 08', { type: 'status', condition: 'searching', detail: 'the oximeter marks the value as not a valid measurement' }],
    ['calibration ongoing', '04 61 00 48 00 00 10', { type: 'status', condition: 'searching', detail: 'the oximeter marks the value as not a valid measurement' }],
  ])('gives no PLX continuous reading when %s', (_case, value, status) => {
    expect(gattOutputs(record('2a5f', value), 0).outputs).toEqual([status]);
  });

  it.each([
    ['poor signal', '08 61 00 48 00 10 00 00'],
    ['inadequate signal', '08 61 00 48 00 08 00 00'],
    ['low perfusion', '08 61 00 48 00 20 00 00'],
  ])('marks PLX readings with %s as weak signal', (_case, value) => {
    expect(gattOutputs(record('2a5f', value), 0).outputs).toEqual([
      { type: 'status', condition: 'weak-signal' },
      { type: 'observation', metric: 'spo2', value: 97, unit: '%', time: null },
      { type: 'observation', metric: 'pulseRate', value: 72, unit: '/min', time: null },
    ]);
  });

  it('numbers a spot check with its time stamp; ignores characteristics it does not read', () => {
    expect(gattOutputs(record('2a5e', '01 61 00 48 00 ea 07 01 02 08 1e 00'), 5).outputs[1]).toEqual({ type: 'observation', metric: 'spo2', value: 97, unit: '%', time: '2026-01-02T08:30:00', measurement: 5 });
    expect(gattOutputs(record('2a18', '00 01 00 ea 07 01 02 08 1e 00'), 0)).toEqual({ outputs: [] });
  });
});
