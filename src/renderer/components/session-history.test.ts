import { describe, expect, it } from 'vitest';
import { stationReading, type StationReading } from '../../shared/contract';
import { mergeHistory } from './session-history';

const at = (second: number) => Date.UTC(2025, 0, 15, 9, 0, second);
const spo2 = (value: number, second: number, seq: number): StationReading =>
  stationReading({ deviceId: 'ox', source: 'pulse-oximeter', metric: 'spo2', value, unit: '%', deviceTime: null, receivedAt: at(second), seq });

describe('the session history a screen shows', () => {
  it('joins the recorded readings and the live ones since, each reading once, oldest first', () => {
    // Recorded rows carry their row id as seq; the same reading live carries the hub's seq.
    const recorded = [spo2(97, 2, 1002), spo2(96, 1, 1001)];
    const live = [spo2(97, 2, 7), spo2(95, 3, 8)].map((reading) => ({ reading, measuredAt: reading.receivedAt, continuous: true }));
    expect(mergeHistory(recorded, live, 'spo2').map((entry) => entry.reading.value)).toEqual([96, 97, 95]);
    // Live entries come per metric (the store's history of that metric); recorded ones are picked.
    expect(mergeHistory(recorded, [], 'pulseRate')).toEqual([]);
  });
});
