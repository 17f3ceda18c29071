import { describe, expect, it } from 'vitest';
import type { DriverOutput } from '../../../shared/readings';
import { Cms50LiveReadings, NUMERIC_REPEAT_MS, PLETH_CHUNK_SAMPLES } from './live-readings';
import { goodFrame } from './test-bytes';

const observations = (outputs: readonly DriverOutput[] | null) => (outputs ?? []).filter((output) => output.type === 'observation');
const statuses = (outputs: readonly DriverOutput[] | null) => (outputs ?? []).filter((output) => output.type === 'status');

describe('CMS50 live readings', () => {
  it('reports the signal state and the valid numbers of the first frame', () => {
    const readings = new Cms50LiveReadings();
    expect(readings.accept(goodFrame(), 0)).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'spo2', value: 97, unit: '%', time: null },
      { type: 'observation', metric: 'pulseRate', value: 65, unit: '/min', time: null },
    ]);
  });

  it('emits a changed value at once and repeats an unchanged one once per second', () => {
    const readings = new Cms50LiveReadings();
    readings.accept(goodFrame(), 0);
    expect(observations(readings.accept(goodFrame(), NUMERIC_REPEAT_MS - 1))).toEqual([]);
    expect(observations(readings.accept(goodFrame({ spo2: 96 }), NUMERIC_REPEAT_MS - 1))).toEqual([{ type: 'observation', metric: 'spo2', value: 96, unit: '%', time: null }]);
    expect(observations(readings.accept(goodFrame({ spo2: 96 }), NUMERIC_REPEAT_MS)).map((o) => o.metric)).toEqual(['pulseRate']);
    expect(observations(readings.accept(goodFrame({ spo2: 96 }), 2 * NUMERIC_REPEAT_MS - 1)).map((o) => o.metric)).toEqual(['spo2']);
  });

  it('emits a valid PI with its unit, and none when the device marks it invalid', () => {
    const readings = new Cms50LiveReadings();
    expect(observations(readings.accept(goodFrame({ piFlaggedInvalid: false, perfusionIndex: 2.91 }), 0))).toContainEqual({
      type: 'observation',
      metric: 'perfusionIndex',
      value: 2.91,
      unit: '%',
      time: null,
    });
    expect(observations(readings.accept(goodFrame({ piFlaggedInvalid: true, perfusionIndex: null }), 5000)).map((o) => o.metric)).toEqual(['spo2', 'pulseRate']);
  });

  it('emits no numbers while the probe is off or the device searches, and resends them when the signal returns', () => {
    const readings = new Cms50LiveReadings();
    readings.accept(goodFrame(), 0);
    const probeOff = readings.accept(goodFrame({ probeError: true, pleth: 64, spo2: null, pulseRate: null }), 10);
    expect(statuses(probeOff)).toEqual([{ type: 'status', condition: 'probe-off' }]);
    expect(observations(probeOff)).toEqual([]);
    // A device that flags searching while still sending numbers must not have them shown as current.
    const searching = readings.accept(goodFrame({ searching: true }), 20);
    expect(statuses(searching)).toEqual([{ type: 'status', condition: 'searching' }]);
    expect(observations(searching)).toEqual([]);
    const back = readings.accept(goodFrame(), 30);
    expect(statuses(back)).toEqual([{ type: 'status', condition: 'ok' }]);
    expect(observations(back).map((o) => o.value)).toEqual([97, 65]);
  });

  it('reports searching too long and invalid numbers without flags as searching with a reason', () => {
    const readings = new Cms50LiveReadings();
    expect(statuses(readings.accept(goodFrame({ searchingTooLong: true }), 0))).toEqual([{ type: 'status', condition: 'searching', detail: 'searching too long' }]);
    expect(statuses(readings.accept(goodFrame({ spo2: null, pulseRate: null }), 10))).toEqual([
      { type: 'status', condition: 'searching', detail: 'no valid SpO2 or pulse rate' },
    ]);
    expect(statuses(readings.accept(goodFrame({ spo2: null, pulseRate: null }), 20))).toEqual([]);
  });

  it('keeps reporting the one valid number while the other is marked invalid', () => {
    expect(new Cms50LiveReadings().accept(goodFrame({ spo2: null }), 0)).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'pulseRate', value: 65, unit: '/min', time: null },
    ]);
    expect(new Cms50LiveReadings().accept(goodFrame({ pulseRate: null }), 0)).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'spo2', value: 97, unit: '%', time: null },
    ]);
  });

  it('sends pleth in chunks of six samples on its 7-bit scale (0..127), and flushes before any other output', () => {
    const PLETH_SCALE = { min: 0, max: 127 };
    const readings = new Cms50LiveReadings();
    const outputs: DriverOutput[] = [];
    for (let i = 0; i < PLETH_CHUNK_SAMPLES + 2; i++) outputs.push(...(readings.accept(goodFrame({ pleth: i }), 0) ?? []));
    outputs.push(...(readings.accept(goodFrame({ pleth: 99, probeError: true, spo2: null, pulseRate: null }), 0) ?? []));
    outputs.push(...readings.flush());
    expect(outputs.filter((o) => o.type !== 'observation')).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [0, 1, 2, 3, 4, 5], scale: PLETH_SCALE },
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [6, 7], scale: PLETH_SCALE },
      { type: 'status', condition: 'probe-off' },
      { type: 'waveform', metric: 'pleth', rateHz: 60, samples: [99], scale: PLETH_SCALE },
    ]);
    expect(readings.flush()).toEqual([]);
  });

  it('discards frames whose PI flag contradicts the 0x0E reply, as V7 requires', () => {
    const readings = new Cms50LiveReadings();
    readings.setPiSupport(false);
    expect(readings.accept(goodFrame({ piFlaggedInvalid: false }), 0)).toBeNull();
    expect(readings.accept(goodFrame({ piFlaggedInvalid: true }), 0)).not.toBeNull();
    readings.setPiSupport(true);
    expect(readings.accept(goodFrame({ piFlaggedInvalid: true }), 0)).toBeNull();
  });

  it('reports the signal state afresh after a reset', () => {
    const readings = new Cms50LiveReadings();
    readings.accept(goodFrame(), 0);
    readings.reset();
    expect(statuses(readings.accept(goodFrame(), 1))).toEqual([{ type: 'status', condition: 'ok' }]);
  });
});
