/**
 * The BLE capture in resources/captures replayed through the driver registry (GATT records,
 * docs/capture-format-gatt.md) must reproduce its `# expect:` line.
 */
import { describe, expect, it } from 'vitest';
import { expectation, replayFile } from './replay-helpers';

describe('BLE blood-pressure capture', () => {
  it('ble-blood-pressure-indication.cap: the real stored indication and a live one with body movement', async () => {
    expect(expectation('ble-blood-pressure-indication.cap')).toContain('measurement 0 systolic=102 diastolic=60 meanArterialPressure=72 pulseRate=63 time=2020-06-01T17:51:29');
    const replay = await replayFile('ble-blood-pressure-indication.cap', { strict: true });
    const time = '2020-06-01T17:51:29';
    expect(replay.outputs).toEqual([
      { type: 'status', condition: 'ok' },
      { type: 'observation', metric: 'systolic', value: 102, unit: 'mm[Hg]', time, measurement: 0 },
      { type: 'observation', metric: 'diastolic', value: 60, unit: 'mm[Hg]', time, measurement: 0 },
      { type: 'observation', metric: 'meanArterialPressure', value: 72, unit: 'mm[Hg]', time, measurement: 0 },
      { type: 'observation', metric: 'pulseRate', value: 63, unit: '/min', time, measurement: 0 },
      { type: 'status', condition: 'motion', detail: 'the cuff reports: body movement' },
      { type: 'observation', metric: 'systolic', value: 124, unit: 'mm[Hg]', time: null, measurement: 1 },
      { type: 'observation', metric: 'diastolic', value: 79, unit: 'mm[Hg]', time: null, measurement: 1 },
      { type: 'observation', metric: 'pulseRate', value: 68, unit: '/min', time: null, measurement: 1 },
    ]);
    expect(replay.mismatches).toEqual([]);
  });
});
