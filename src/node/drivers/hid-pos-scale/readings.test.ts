import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIGNAL_CONDITIONS, type DriverOutput } from '../../../shared/readings';
import { METRIC_DEFINITIONS } from '../../../shared/vitals';
import { replayCaptureToArray, type ReplayOutput } from '../../capture/replay';
import { hidPosScaleManifest } from './manifest';
import { ScaleReadings } from './readings';
import { inKilograms } from './report';

/** A report ID 3 data report; weight in the report's own unit and exponent. */
const data = (status: number, unit: number, exponent: number, raw: number) =>
  Uint8Array.of(0x03, status, unit, exponent & 0xff, raw & 0xff, (raw >> 8) & 0xff);

const STALE = data(4, 0x0b, 0xff, 999);
const OUNCES = 0x0b;
const POUNDS = 0x0c;
const KILOGRAMS = 0x03;

function feed(...reports: Uint8Array[]): DriverOutput[] {
  const readings = new ScaleReadings();
  return reports.flatMap((report) => readings.push(report));
}

const weight = (value: number, unit: string) => ({ type: 'observation', metric: 'bodyWeight', value, unit, time: null });
const status = (condition: string, detail?: string) => (detail === undefined ? { type: 'status', condition } : { type: 'status', condition, detail });

describe('ScaleReadings', () => {
  it('drops the first report after opening, even a stable weight', () => {
    expect(feed(STALE)).toEqual([]);
    expect(feed(STALE, data(4, OUNCES, -1, 356))).toEqual([status('ok', 'stable'), weight(35.6, '[oz_av]')]);
  });

  it('reports no weight while the scale is in motion, and the weight once it settles', () => {
    expect(feed(STALE, data(3, KILOGRAMS, -1, 700), data(3, KILOGRAMS, -1, 752), data(4, KILOGRAMS, -1, 745))).toEqual([
      status('motion'),
      status('ok', 'stable'),
      weight(74.5, 'kg'),
    ]);
  });

  it('marks zero, over-limit and under-zero as states without a weight, trusting the status over the weight field', () => {
    expect(feed(STALE, data(2, OUNCES, -1, 160), data(6, POUNDS, 0, 400), data(5, KILOGRAMS, -1, 12))).toEqual([
      status('zero'),
      status('over-limit'),
      status('under-zero'),
    ]);
  });

  it('reports a stable zero weight as zero, not as a reading', () => {
    expect(feed(STALE, data(4, KILOGRAMS, -1, 0))).toEqual([status('zero')]);
  });

  it('reports pounds with their exponent and does not repeat an unchanged stable weight', () => {
    expect(feed(STALE, data(4, POUNDS, -1, 1643), data(4, POUNDS, -1, 1643), data(4, POUNDS, -1, 1645))).toEqual([
      status('ok', 'stable'),
      weight(164.3, '[lb_av]'),
      weight(164.5, '[lb_av]'),
    ]);
  });

  it('reports the same weight again after the scale was in motion (a new weighing)', () => {
    const outputs = feed(STALE, data(4, KILOGRAMS, -1, 745), data(3, KILOGRAMS, -1, 745), data(4, KILOGRAMS, -1, 745));
    expect(outputs.filter((o) => o.type === 'observation')).toHaveLength(2);
  });

  it('turns faults, calibration requests, unknown statuses and unsupported units into device faults', () => {
    expect(feed(STALE, data(1, KILOGRAMS, 0, 0), data(7, KILOGRAMS, 0, 0), data(8, KILOGRAMS, 0, 0), data(42, KILOGRAMS, 0, 0))).toEqual([
      status('device-fault', 'scale fault'),
      status('device-fault', 'calibration needed'),
      status('device-fault', 're-zero needed'),
      status('device-fault', 'unknown scale status 42'),
    ]);
    expect(feed(STALE, data(4, 0x04, 0, 500))).toEqual([status('device-fault', 'the scale weighs in carat; set it to kg, g, lb or oz')]);
  });

  it('refuses weights no person can have', () => {
    expect(feed(STALE, data(4, KILOGRAMS, 1, 60_000))).toEqual([status('device-fault', 'implausible weight 600000 kg')]);
    expect(feed(STALE, data(4, POUNDS, 0, 1200))).toEqual([status('device-fault', 'implausible weight 1200 [lb_av]')]);
  });

  it('accepts the heaviest plausible weight, 500 kg, and nothing above it', () => {
    expect(feed(STALE, data(4, KILOGRAMS, 0, 500))).toEqual([status('ok', 'stable'), weight(500, 'kg')]);
    expect(feed(STALE, data(4, KILOGRAMS, -1, 5001))).toEqual([status('device-fault', 'implausible weight 500.1 kg')]);
  });

  it('reports the weight again when the scale switches unit while stable: 70 lb is not 70 kg', () => {
    expect(feed(STALE, data(4, KILOGRAMS, 0, 70), data(4, POUNDS, 0, 70))).toEqual([status('ok', 'stable'), weight(70, 'kg'), weight(70, '[lb_av]')]);
  });

  it('reports an unreadable report and ignores the scale’s other reports', () => {
    expect(feed(STALE, Uint8Array.of(0x03, 0x04), Uint8Array.of(0x01, 0x00))).toEqual([status('device-fault', 'unreadable report: data report of 2 bytes, expected 6')]);
  });
});

const UNITS = METRIC_DEFINITIONS.bodyWeight.units as readonly string[];
const PLAUSIBLE = METRIC_DEFINITIONS.bodyWeight.plausible;

function expectSafe(outputs: readonly ReplayOutput[]): void {
  for (const output of outputs) {
    if (output.type === 'observation') {
      expect(output.metric).toBe('bodyWeight');
      expect(UNITS).toContain(output.unit);
      expect(Number.isFinite(output.value)).toBe(true);
      const kilograms = inKilograms({ value: output.value, unit: output.unit });
      expect(kilograms).toBeGreaterThan(PLAUSIBLE.min);
      expect(kilograms).toBeLessThanOrEqual(PLAUSIBLE.max);
    } else if (output.type === 'status') {
      expect(SIGNAL_CONDITIONS).toContain(output.condition);
    } else {
      expect.unreachable(`unexpected ${output.type} output`);
    }
  }
}

describe('scale driver under fuzzing', () => {
  const anyReport = fc.uint8Array({ minLength: 0, maxLength: 12 });
  const dataLike = fc
    .tuple(fc.constantFrom(0x03, 0x04), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }))
    .map(([id, st, unit, exponent, raw]) => Uint8Array.of(id, st, unit, exponent, raw & 0xff, raw >> 8));

  it('never throws and never yields an out-of-range or mislabelled value from any byte sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyReport, dataLike), { maxLength: 40 }), (reports) => {
        expectSafe(feed(...reports));
      }),
      { numRuns: 500 },
    );
  });

  it('survives arbitrary reports through the whole driver loop', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 12 }), dataLike), { maxLength: 20 }), async (reports) => {
        const outputs = await replayCaptureToArray(
          { header: { device: 'hid-pos-scale', transport: 'hid', extra: [] }, records: reports.map((bytes) => ({ delayMs: 100, direction: 'in' as const, bytes })) },
          { drivers: [hidPosScaleManifest], strict: true },
        );
        expectSafe(outputs);
      }),
      { numRuns: 60 },
    );
  });
});
