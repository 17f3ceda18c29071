import { afterEach, describe, expect, it } from 'vitest';
import { setDisplayUnits } from '../format/display-format';
import { METRICS, type Metric } from '../../shared/vitals';
import { flowsheetColumns, flowsheetRows } from './flowsheet';
import { entryOf } from './history-test-support';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const ALL: ReadonlySet<Metric> = new Set(METRICS);
const second = (n: number) => T0 + n * 1_000;

/** Two minutes of once-a-second oximetry with a cuff measurement and a temperature in the middle. */
function session() {
  const oximetry = Array.from({ length: 120 }, (_, n) => [
    entryOf('spo2', second(n), n === 30 ? 88 : n < 60 ? 97 : 95, '%', 'pulse-oximeter'),
    entryOf('pulseRate', second(n), 70 + (n % 5), '/min', 'pulse-oximeter'),
  ]).flat();
  const cuff = [
    entryOf('systolic', second(75), 128, 'mm[Hg]', 'blood-pressure-cuff', 'cuff-1'),
    entryOf('diastolic', second(75), 82, 'mm[Hg]', 'blood-pressure-cuff', 'cuff-1'),
    entryOf('pulseRate', second(76), 74, '/min', 'blood-pressure-cuff', 'cuff-1'),
  ];
  const temperature = entryOf('bodyTemperature', second(90), 100.4, '[degF]', 'thermometer');
  return [...oximetry, ...cuff, temperature].sort((a, b) => a.measuredAt - b.measuredAt);
}

describe('flowsheet', () => {
  it('summarises continuous data per minute with median, minimum and maximum', () => {
    const rows = flowsheetRows(session(), new Set<Metric>(['spo2']), T0, second(200));
    expect(rows.map((row) => [row.at, row.kind])).toEqual([
      [T0 + 60_000, 'minute'],
      [T0, 'minute'],
    ]);
    expect(rows[1]!.cells.spo2).toEqual({ value: 97, min: 88, max: 97, count: 60 });
    expect(rows[0]!.cells.spo2).toEqual({ value: 95, min: 95, max: 95, count: 60 });
  });

  it('gives each spot measurement its own row at its time, its parts together, never inside a minute summary', () => {
    const rows = flowsheetRows(session(), ALL, T0, second(200));
    expect(rows.map((row) => row.kind)).toEqual(['spot', 'spot', 'minute', 'minute']);
    const [temperature, cuff, minute] = rows;
    expect(temperature).toMatchObject({ at: second(90), cells: { bodyTemperature: { value: 38, count: 1 } } });
    expect(cuff).toMatchObject({ at: second(75), cells: { systolic: { value: 128 }, diastolic: { value: 82 }, pulseRate: { value: 74 } } });
    // The cuff's pulse does not enter the oximeter's minute.
    expect(minute!.cells.pulseRate).toMatchObject({ min: 70, max: 74, count: 60 });
    expect(flowsheetColumns(rows)).toEqual(['spo2', 'pulseRate', 'systolic', 'diastolic', 'bodyTemperature']);
  });

  it('shows only the chosen parameters and the chosen window, dropping rows left empty', () => {
    const rows = flowsheetRows(session(), new Set<Metric>(['systolic', 'diastolic']), T0, second(200));
    expect(rows).toHaveLength(1);
    expect(flowsheetColumns(rows)).toEqual(['systolic', 'diastolic']);
    expect(flowsheetRows(session(), ALL, second(100), second(200)).map((row) => row.kind)).toEqual(['minute']);
  });
});

describe('flowsheet in the station display unit (settings devices.displayUnits)', () => {
  afterEach(() => setDisplayUnits({}));

  it('tabulates a mg/dL meter\'s glucose in mmol/L when the station shows glucose in mmol/L', () => {
    setDisplayUnits({ glucose: 'mmol/L' });
    const rows = flowsheetRows([entryOf('glucose', T0, 99, 'mg/dL', 'glucometer')], ALL, T0, second(1));
    expect(rows[0]!.cells.glucose).toMatchObject({ value: 5.5 });
  });
});
