import { describe, expect, it } from 'vitest';
import { measurableMetrics, TileLayout } from './tile-visibility';

const OXIMETER = { metrics: ['spo2', 'pulseRate', 'perfusionIndex'] } as const;
const CUFF = { metrics: ['systolic', 'diastolic', 'meanArterialPressure', 'pulseRate'] } as const;
const THERMOMETER = { metrics: ['bodyTemperature'] } as const;

const shown = (devices: readonly { metrics: readonly string[] }[], withValue: string[] = [], alwaysShow: string[] = []) =>
  [...measurableMetrics({ devices: devices as never, withValue: withValue as never, alwaysShow: alwaysShow as never })].sort();

describe('which parameters get a tile', () => {
  it('those a listed device measures', () => {
    expect(shown([OXIMETER, CUFF])).toEqual(['diastolic', 'meanArterialPressure', 'perfusionIndex', 'pulseRate', 'spo2', 'systolic']);
  });

  it('those with a value in this encounter, after their device is gone', () => {
    expect(shown([], ['bodyWeight'])).toEqual(['bodyWeight']);
  });

  it('those the station always shows', () => {
    expect(shown([OXIMETER], [], ['respiratoryRate'])).toEqual(['perfusionIndex', 'pulseRate', 'respiratoryRate', 'spo2']);
  });

  it('none when nothing measures anything and nothing is always shown', () => {
    expect(shown([])).toEqual([]);
  });
});

describe('where the tiles go', () => {
  it('starts in the monitor order with the NEWS2 summary after the tiles', () => {
    const layout = new TileLayout();
    expect(layout.arrange(new Set(['bodyTemperature', 'spo2', 'systolic', 'diastolic', 'pulseRate']))).toEqual(['spo2', 'pulseRate', 'bloodPressure', 'bodyTemperature', 'summary']);
  });

  it('places nothing for good before anything is known', () => {
    const layout = new TileLayout();
    expect(layout.arrange(new Set())).toEqual(['summary']);
    expect(layout.arrange(new Set(['spo2']))).toEqual(['spo2', 'summary']);
  });

  it('puts parameters that appear later after everything already shown, so nothing moves', () => {
    const layout = new TileLayout();
    layout.arrange(new Set(shown([OXIMETER]) as never));
    const withThermometer = layout.arrange(new Set(shown([OXIMETER, THERMOMETER]) as never));
    expect(withThermometer).toEqual(['spo2', 'pulseRate', 'perfusionIndex', 'summary', 'bodyTemperature']);
    expect(layout.arrange(new Set(shown([OXIMETER, THERMOMETER, CUFF]) as never))).toEqual(['spo2', 'pulseRate', 'perfusionIndex', 'summary', 'bodyTemperature', 'bloodPressure']);
  });

  it('drops a parameter nothing supplies any more and keeps the others in their order', () => {
    const layout = new TileLayout();
    layout.arrange(new Set(['spo2', 'pulseRate', 'bodyTemperature']));
    expect(layout.arrange(new Set(['spo2', 'bodyTemperature']))).toEqual(['spo2', 'bodyTemperature', 'summary']);
  });
});
