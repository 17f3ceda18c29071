import { afterEach, describe, expect, it } from 'vitest';
import { setDisplayUnits } from '../format/display-format';
import type { Metric } from '../../shared/vitals';
import type { ReadingEntry } from '../station/station-model';
import { entryOf } from './history-test-support';
import { axisRange, bandLimits, panelTrend, TREND_PANELS, windowBounds } from './trend-model';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const panel = (id: string) => TREND_PANELS.find((candidate) => candidate.id === id)!;

describe('trend windows', () => {
  it('end now and reach back 15 min, 1 h, 8 h, 24 h, or to the encounter start', () => {
    expect(windowBounds('15min', T0, T0 - 86_400_000)).toEqual({ from: T0 - 900_000, to: T0 });
    expect(windowBounds('1h', T0, null).from).toBe(T0 - 3_600_000);
    expect(windowBounds('8h', T0, null).from).toBe(T0 - 8 * 3_600_000);
    expect(windowBounds('24h', T0, null).from).toBe(T0 - 24 * 3_600_000);
    expect(windowBounds('encounter', T0, T0 - 123_000)).toEqual({ from: T0 - 123_000, to: T0 });
    expect(windowBounds('encounter', T0, null)).toEqual({ from: T0, to: T0 });
  });
});

describe('value axes', () => {
  it('keep the clinical range while every value is inside it', () => {
    expect(axisRange(panel('spo2'), [91, 97, 100])).toEqual({ min: 80, max: 100 });
    expect(axisRange(panel('pulse'), [])).toEqual({ min: 40, max: 160 });
    expect(axisRange(panel('bodyTemperature'), [36.4])).toEqual({ min: 34, max: 40 });
  });

  it('widen to the next grid step on the side a value falls outside', () => {
    expect(axisRange(panel('spo2'), [78, 96])).toEqual({ min: 75, max: 100 });
    expect(axisRange(panel('pulse'), [35, 171])).toEqual({ min: 20, max: 180 });
    expect(axisRange(panel('bp'), [238, 120])).toEqual({ min: 40, max: 240 });
  });

  it('follow the data where there is no clinical range (weight)', () => {
    expect(axisRange(panel('bodyWeight'), [71.3, 72.1])).toEqual({ min: 70, max: 80 });
  });
});

describe('panel trends', () => {
  const oximetry = (second: number, value: number) => entryOf('spo2', T0 + second * 1_000, value, '%', 'pulse-oximeter');

  it('draw a gap (null) where the metric went stale between readings, never a line across it', () => {
    const trend = panelTrend(panel('spo2'), new Map([['spo2', [oximetry(0, 95), oximetry(1, 96), oximetry(60, 97)]]]), T0 - 1, T0 + 120_000)!;
    expect(trend.data).toEqual([
      [T0, T0 + 1_000, T0 + 1_001, T0 + 60_000],
      [95, 96, null, 97],
    ]);
  });

  it('keep to the window and to trusted values, in the unit the alarm limits use', () => {
    const temperatures = [entryOf('bodyTemperature', T0 - 10_000, 98.6, '[degF]', 'thermometer'), entryOf('bodyTemperature', T0 + 10_000, 37.2, 'Cel', 'thermometer')];
    const trend = panelTrend(panel('bodyTemperature'), new Map([['bodyTemperature', temperatures]]), T0, T0 + 60_000)!;
    expect(trend.data).toEqual([[T0 + 10_000], [37.2]]);
    expect(panelTrend(panel('bodyTemperature'), new Map([['bodyTemperature', temperatures]]), T0 - 20_000, T0)!.data[1]).toEqual([37]);
    expect(panelTrend(panel('spo2'), new Map(), T0, T0 + 1)).toBeNull();
  });

  it('align the series of one panel without joining a series across the other one’s times', () => {
    const bp = new Map<Metric, ReadingEntry[]>([
      ['systolic', [entryOf('systolic', T0, 120, 'mm[Hg]', 'blood-pressure-cuff')]],
      ['diastolic', [entryOf('diastolic', T0 + 5, 80, 'mm[Hg]', 'blood-pressure-cuff')]],
    ]);
    const trend = panelTrend(panel('bp'), bp, T0, T0 + 60_000)!;
    expect(trend.metrics).toEqual(['systolic', 'diastolic']);
    expect(trend.data).toEqual([
      [T0, T0 + 5],
      [120, undefined],
      [undefined, 80],
    ]);
  });
});

describe('limit bands', () => {
  const limits = { systolic: { low: 90, high: 180 }, diastolic: { low: 40, high: 110 }, pulseRate: { low: 50, high: 120 }, heartRate: { low: 45, high: 130 } };

  it("show the limits of the parameter drawn first, never another parameter's", () => {
    const diastolicOnly = new Map([['diastolic', [entryOf('diastolic', T0, 80, 'mm[Hg]', 'blood-pressure-cuff')]]] as const);
    expect(bandLimits(panelTrend(panel('bp'), diastolicOnly, T0, T0 + 1)!, limits)).toEqual({ metric: 'diastolic', limits: { low: 40, high: 110 } });
    const ecgOnly = new Map([['heartRate', [entryOf('heartRate', T0, 72, '/min', 'ecg')]]] as const);
    expect(bandLimits(panelTrend(panel('pulse'), ecgOnly, T0, T0 + 1)!, limits)).toEqual({ metric: 'heartRate', limits: { low: 45, high: 130 } });
  });

  it('are absent where the parameter has no limits or none are known yet', () => {
    const weight = new Map([['bodyWeight', [entryOf('bodyWeight', T0, 72, 'kg', 'scale')]]] as const);
    expect(bandLimits(panelTrend(panel('bodyWeight'), weight, T0, T0 + 1)!, limits)).toBeNull();
    expect(bandLimits(panelTrend(panel('bodyWeight'), weight, T0, T0 + 1)!, null)).toBeNull();
  });
});

describe('trend in the station display unit (settings devices.displayUnits)', () => {
  afterEach(() => setDisplayUnits({}));
  const glucose = [entryOf('glucose', T0, 104, 'mg/dL', 'glucometer'), entryOf('glucose', T0 + 60_000, 5.6, 'mmol/L', 'glucometer')];

  it('draws glucose set to mmol/L in mmol/L, each value from the meter\'s own (5.6 stays 5.6), on the mmol/L axis with the limits converted', () => {
    setDisplayUnits({ glucose: 'mmol/L' });
    const trend = panelTrend(panel('glucose'), new Map([['glucose', glucose]]), T0, T0 + 60_000)!;
    expect(trend.unit).toBe('mmol/L');
    expect(trend.data[1]).toEqual([5.77, 5.6]);
    expect(trend.range).toEqual({ min: 2, max: 17 });
    expect(bandLimits(trend, { glucose: { low: 70, high: 250 } })!.limits).toEqual({ low: 3.9, high: 13.9 });
  });

  it('draws glucose in mg/dL, the canonical unit, without a display unit', () => {
    const trend = panelTrend(panel('glucose'), new Map([['glucose', glucose]]), T0, T0 + 60_000)!;
    expect(trend.unit).toBe('mg/dL');
    expect(trend.data[1]).toEqual([104, 100]);
    expect(trend.range).toEqual({ min: 40, max: 300 });
    expect(bandLimits(trend, { glucose: { low: 70, high: 250 } })!.limits).toEqual({ low: 70, high: 250 });
  });
});
