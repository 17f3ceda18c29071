import { describe, expect, it } from 'vitest';
import { stationReading, type StationReading } from '../../shared/contract';
import type { News2StatePayload } from '../../shared/contract-clinical';
import { formatClock } from '../format/display-format';
import type { TileView } from '../station/station-model';
import { vitalsTableText } from './vitals-table';

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

const reading = (overrides: Partial<Pick<StationReading, 'metric' | 'value' | 'unit' | 'deviceTime' | 'source'>>): StationReading =>
  stationReading({ source: 'pulse-oximeter', deviceId: 'ox-1', metric: 'spo2', value: 97, unit: '%', deviceTime: null, receivedAt: T0, seq: 1, ...overrides });
const tile = (state: TileView['state'], r: StationReading | null, measuredAt = T0): TileView => ({
  metric: r?.metric ?? 'spo2',
  state,
  entry: r && { reading: r, measuredAt, continuous: true },
  reason: null,
  caution: null,
});
const news2 = (assessment: News2StatePayload['assessment']): News2StatePayload => ({ manual: {} as News2StatePayload['manual'], assessment, trend: [] });

describe('vitalsTableText', () => {
  it('writes the values as the tiles show them (label, decimals, unit symbol, time), a stale one marked, invalid and absent ones left out', () => {
    const text = vitalsTableText(
      [
        tile('live', reading({ metric: 'spo2', value: 96.6, unit: '%' })),
        tile('stale', reading({ metric: 'pulseRate', value: 72, unit: '/min' }), T0 - 60_000),
        tile('invalid', reading({ metric: 'perfusionIndex', value: 4.12, unit: '%' })),
        tile('absent', null),
        tile('live', reading({ metric: 'bodyTemperature', value: 37.25, unit: 'Cel', source: 'thermometer', deviceTime: '2025-01-15T09:58:00' })),
      ],
      null,
      T0 + 5_000,
    );
    expect(text?.split('\n')).toEqual([
      `Vitals at ${formatClock(T0 + 5_000)}:`,
      `Vital sign   Value           Measured`,
      `SpO₂         97 %            ${formatClock(T0)}`,
      `Pulse        72 bpm (stale)  ${formatClock(T0 - 60_000)}`,
      `Temperature  37.3 °C         2025-01-15 09:58:00 (device clock)`,
    ]);
    expect(text).not.toContain('Perfusion');
  });

  it('adds NEWS2 with its risk and the time of its oldest input, or why it cannot be scored; null when nothing is current', () => {
    const scored = news2({
      ok: true,
      input: {} as never,
      provenance: { spo2: { kind: 'device', deviceId: 'ox', metric: 'spo2', receivedAt: T0 - 30_000 } } as never,
      result: { total: 5, risk: 'medium', scores: {} as never, redScoreParameters: [], clinicalResponse: { monitoring: '', response: '' } },
    });
    expect(vitalsTableText([], scored, T0)?.split('\n').at(-1)).toBe(`NEWS2       5 (Medium: urgent response)  inputs from ${formatClock(T0 - 30_000)}`);
    const refused = news2({ ok: false, problems: [{}, {}] } as never);
    expect(vitalsTableText([], refused, T0)?.split('\n').at(-1)).toBe('NEWS2       cannot be scored  2 input(s) missing or too old');
    expect(vitalsTableText([tile('invalid', reading({})), tile('absent', null)], null, T0)).toBeNull();
  });
});
