/**
 * Random bytes into every GATT decoder and into the reading policy (fast-check): no exception
 * escapes, a number a decoder yields is finite, and nothing outside a metric's possible range, nor
 * any special value, becomes a reading. BLE_FUZZ_RUNS multiplies the run counts for a longer soak.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCanonicalUnit } from '../../../shared/clinical/units';
import { UUID } from '../profiles';
import { gattOutputs } from '../readings';
import { decodeBatteryLevel, decodeCurrentTime, decodeDateTime } from './date-time';
import { decodeGlucoseContext, decodeGlucoseMeasurement, decodeRacpResponse } from './glucose';
import { decodeFloat, decodeSfloat } from './ieee11073';
import { decodeBloodPressure, decodeHeartRate, decodeTemperature, decodeWeight } from './measurements';
import { decodePlxContinuous, decodePlxSpotCheck } from './plx';

const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * Number(process.env.BLE_FUZZ_RUNS ?? 1))) });
const value = fc.uint8Array({ minLength: 0, maxLength: 40 });

/** Every number anywhere in a decoded value is finite (a MedFloat special is a word, not a number). */
function expectFiniteNumbers(decoded: unknown): void {
  if (typeof decoded === 'number') expect(Number.isFinite(decoded)).toBe(true);
  else if (decoded !== null && typeof decoded === 'object' && !(decoded instanceof Uint8Array)) for (const field of Object.values(decoded)) expectFiniteNumbers(field);
}

const DECODERS = {
  decodeHeartRate,
  decodeBloodPressure,
  decodeTemperature,
  decodeWeight,
  decodePlxSpotCheck,
  decodePlxContinuous,
  decodeGlucoseMeasurement,
  decodeGlucoseContext,
  decodeRacpResponse,
  decodeDateTime,
  decodeCurrentTime,
  decodeBatteryLevel,
};

describe('GATT decoders under random bytes', () => {
  it.each(Object.entries(DECODERS))('%s never throws and yields only finite numbers', (_name, decode) => {
    fc.assert(
      fc.property(value, (bytes) => {
        const decoded = decode(bytes);
        if (decoded.ok) expectFiniteNumbers(decoded.value);
        else expect(decoded.reason.length).toBeGreaterThan(0);
      }),
      runs(2_000),
    );
  });

  it('SFLOAT and FLOAT give a finite number or a special value for every bit pattern', () => {
    for (let raw = 0; raw <= 0xffff; raw++) {
      const decoded = decodeSfloat(raw);
      if (decoded.kind === 'number') expect(Number.isFinite(decoded.value)).toBe(true);
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (raw) => {
        const decoded = decodeFloat(raw);
        if (decoded.kind === 'number') expect(Number.isFinite(decoded.value)).toBe(true);
      }),
      runs(5_000),
    );
  });
});

describe('the reading policy under random bytes', () => {
  const characteristics = [UUID.bloodPressureMeasurement, UUID.heartRateMeasurement, UUID.temperatureMeasurement, UUID.weightMeasurement, UUID.plxSpotCheck, UUID.plxContinuous, UUID.glucoseMeasurement];

  it('only ever emits observations inside their metric range, in a unit of the metric', () => {
    fc.assert(
      fc.property(fc.constantFrom(...characteristics), value, (characteristic, bytes) => {
        const { outputs } = gattOutputs({ op: 'indicate', service: '0000', characteristic, value: bytes }, 0);
        for (const output of outputs) {
          if (output.type !== 'observation') continue;
          expect(toCanonicalUnit(output.metric, output.value, output.unit).ok).toBe(true);
        }
      }),
      runs(5_000),
    );
  });

  it('never turns a special SFLOAT into a blood pressure', () => {
    const specials = [0x07ff, 0x0800, 0x07fe, 0x0802, 0x0801];
    fc.assert(
      fc.property(fc.constantFrom(...specials), fc.integer({ min: 0, max: 2 }), (special, field) => {
        const bytes = Uint8Array.of(0x00, 0x78, 0x00, 0x50, 0x00, 0x5a, 0x00);
        bytes[1 + field * 2] = special & 0xff;
        bytes[2 + field * 2] = special >> 8;
        const metrics = gattOutputs({ op: 'indicate', service: '1810', characteristic: '2a35', value: bytes }, 0).outputs.flatMap((o) => (o.type === 'observation' ? [o.metric] : []));
        expect(metrics).toHaveLength(2);
        expect(metrics).not.toContain(['systolic', 'diastolic', 'meanArterialPressure'][field]);
      }),
      runs(200),
    );
  });
});
