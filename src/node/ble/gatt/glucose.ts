/**
 * Glucose Service values (GLS 1.0 section 3, GATT Specification Supplement sections 3.101-3.103
 * and 3.187): Glucose Measurement 0x2A18, Glucose Measurement Context 0x2A34 and the Record Access
 * Control Point 0x2A52 (RACP) through which the stored records are asked for. Decoders and the
 * request builder only: these values are not turned into readings here (the station's glucose
 * metric is wired to them separately).
 */
import { readDateTime } from './date-time';
import type { MedFloat } from './ieee11073';
import { decodeWith, hasFlag, namedFlags, type Decoded } from './reader';

/** Type nibble of the Type-Sample Location field (GLS section 3.106.2.6). */
export const GLUCOSE_SAMPLE_TYPES = [
  'reserved',
  'capillary-whole-blood',
  'capillary-plasma',
  'venous-whole-blood',
  'venous-plasma',
  'arterial-whole-blood',
  'arterial-plasma',
  'undetermined-whole-blood',
  'undetermined-plasma',
  'interstitial-fluid',
  'control-solution',
] as const;
export type GlucoseSampleType = (typeof GLUCOSE_SAMPLE_TYPES)[number];

const SAMPLE_LOCATIONS: Readonly<Record<number, string>> = { 1: 'finger', 2: 'alternate-site-test', 3: 'earlobe', 4: 'control-solution', 15: 'not-available' };

export interface GlucoseMeasurement {
  /** Record sequence number: what makes a stored record unique (GLS section 3.106.2.1). */
  sequenceNumber: number;
  /** Base time plus the time offset, when both are known. */
  time: string | null;
  baseTime: string | null;
  timeOffsetMin: number | null;
  /** kg/L or mol/L as the meter sends them; null when flag bit 1 is clear. */
  concentration: { value: MedFloat; unit: 'kg/L' | 'mol/L' } | null;
  sampleType: GlucoseSampleType | null;
  sampleLocation: string | null;
  /** Sensor Status Annunciation bits (GLS section 3.106.2.8), null when absent. */
  annunciation: GlucoseAnnunciation | null;
  contextFollows: boolean;
}

export interface GlucoseAnnunciation {
  batteryLow: boolean;
  sensorMalfunction: boolean;
  sampleSizeInsufficient: boolean;
  stripInsertionError: boolean;
  stripTypeIncorrect: boolean;
  resultAboveRange: boolean;
  resultBelowRange: boolean;
  temperatureTooHigh: boolean;
  temperatureTooLow: boolean;
  readInterrupted: boolean;
  generalDeviceFault: boolean;
  timeFault: boolean;
}

export function decodeGlucoseMeasurement(bytes: Uint8Array): Decoded<GlucoseMeasurement> {
  return decodeWith(bytes, (reader) => {
    const flags = reader.uint8('flags');
    const sequenceNumber = reader.uint16('sequence number');
    const baseTime = readDateTime(reader, 'base time');
    const timeOffsetMin = hasFlag(flags, 0x01) ? reader.sint16('time offset') : null;
    let concentration: GlucoseMeasurement['concentration'] = null;
    let sampleType: GlucoseSampleType | null = null;
    let sampleLocation: string | null = null;
    if (hasFlag(flags, 0x02)) {
      concentration = { value: reader.sfloat('glucose concentration'), unit: hasFlag(flags, 0x04) ? 'mol/L' : 'kg/L' };
      const typeLocation = reader.uint8('type-sample location');
      sampleType = GLUCOSE_SAMPLE_TYPES[typeLocation & 0x0f] ?? 'reserved';
      sampleLocation = SAMPLE_LOCATIONS[typeLocation >> 4] ?? 'reserved';
    }
    const annunciation = hasFlag(flags, 0x08) ? annunciationOf(reader.uint16('sensor status annunciation')) : null;
    return {
      sequenceNumber,
      time: baseTime === null ? null : offsetTime(baseTime, timeOffsetMin ?? 0),
      baseTime,
      timeOffsetMin,
      concentration,
      sampleType,
      sampleLocation,
      annunciation,
      contextFollows: hasFlag(flags, 0x10),
    };
  });
}

function offsetTime(baseTime: string, offsetMin: number): string {
  return new Date(Date.parse(`${baseTime}Z`) + offsetMin * 60_000).toISOString().slice(0, 19);
}

/** Sensor Status Annunciation bits 0..11, in bit order (12..15 are reserved). */
const ANNUNCIATION_BITS = [
  'batteryLow',
  'sensorMalfunction',
  'sampleSizeInsufficient',
  'stripInsertionError',
  'stripTypeIncorrect',
  'resultAboveRange',
  'resultBelowRange',
  'temperatureTooHigh',
  'temperatureTooLow',
  'readInterrupted',
  'generalDeviceFault',
  'timeFault',
] as const satisfies ReadonlyArray<keyof GlucoseAnnunciation>;

function annunciationOf(bits: number): GlucoseAnnunciation {
  return namedFlags(bits, ANNUNCIATION_BITS);
}

const MEALS: Readonly<Record<number, string>> = { 1: 'preprandial', 2: 'postprandial', 3: 'fasting', 4: 'casual', 5: 'bedtime' };

export interface GlucoseContext {
  /** Matches the measurement's sequence number. */
  sequenceNumber: number;
  carbohydrate: { id: number; grams: MedFloat } | null;
  meal: string | null;
  tester: number | null;
  health: number | null;
  exercise: { durationS: number | null; intensityPercent: number } | null;
  medication: { id: number; amount: MedFloat; unit: 'kg' | 'L' } | null;
  /** HbA1c in %. */
  hba1c: MedFloat | null;
}

export function decodeGlucoseContext(bytes: Uint8Array): Decoded<GlucoseContext> {
  return decodeWith(bytes, (reader) => {
    const flags = reader.uint8('flags');
    const sequenceNumber = reader.uint16('sequence number');
    if (hasFlag(flags, 0x80)) reader.uint8('extended flags');
    const carbohydrate = hasFlag(flags, 0x01) ? { id: reader.uint8('carbohydrate id'), grams: reader.sfloat('carbohydrate') } : null;
    const meal = hasFlag(flags, 0x02) ? (MEALS[reader.uint8('meal')] ?? 'reserved') : null;
    let tester: number | null = null;
    let health: number | null = null;
    if (hasFlag(flags, 0x04)) {
      const testerHealth = reader.uint8('tester-health');
      tester = testerHealth & 0x0f;
      health = testerHealth >> 4;
    }
    let exercise: GlucoseContext['exercise'] = null;
    if (hasFlag(flags, 0x08)) {
      const duration = reader.uint16('exercise duration');
      // 65535 is "overrun": longer than the field can say.
      exercise = { durationS: duration === 0xffff ? null : duration, intensityPercent: reader.uint8('exercise intensity') };
    }
    const medication = hasFlag(flags, 0x10) ? { id: reader.uint8('medication id'), amount: reader.sfloat('medication'), unit: hasFlag(flags, 0x20) ? ('L' as const) : ('kg' as const) } : null;
    const hba1c = hasFlag(flags, 0x40) ? reader.sfloat('HbA1c') : null;
    return { sequenceNumber, carbohydrate, meal, tester, health, exercise, medication, hba1c };
  });
}

/** RACP op codes (GLS section 3.109.3 / GATT Specification Supplement section 3.187). */
export const RACP_OP = { reportStoredRecords: 0x01, deleteStoredRecords: 0x02, abort: 0x03, reportNumberOfRecords: 0x04, numberOfRecordsResponse: 0x05, responseCode: 0x06 } as const;
const RACP_OPERATOR = { null: 0x00, allRecords: 0x01, lessOrEqual: 0x02, greaterOrEqual: 0x03, withinRange: 0x04, first: 0x05, last: 0x06 } as const;
const FILTER_SEQUENCE_NUMBER = 0x01;

export type RacpRecords = { all: true } | { fromSequence: number } | { first: true } | { last: true };

/** A request for stored records: all of them, or those from a sequence number on (the ones not yet downloaded). */
export function racpRequest(op: 'report' | 'count', records: RacpRecords): Uint8Array {
  const opCode = op === 'report' ? RACP_OP.reportStoredRecords : RACP_OP.reportNumberOfRecords;
  if ('all' in records) return Uint8Array.of(opCode, RACP_OPERATOR.allRecords);
  if ('first' in records) return Uint8Array.of(opCode, RACP_OPERATOR.first);
  if ('last' in records) return Uint8Array.of(opCode, RACP_OPERATOR.last);
  const from = records.fromSequence;
  if (!Number.isInteger(from) || from < 0 || from > 0xffff) throw new RangeError(`sequence number ${from} is not a uint16`);
  return Uint8Array.of(opCode, RACP_OPERATOR.greaterOrEqual, FILTER_SEQUENCE_NUMBER, from & 0xff, from >> 8);
}

export function racpAbort(): Uint8Array {
  return Uint8Array.of(RACP_OP.abort, RACP_OPERATOR.null);
}

const RACP_RESPONSES: Readonly<Record<number, string>> = {
  1: 'success',
  2: 'op-code-not-supported',
  3: 'invalid-operator',
  4: 'operator-not-supported',
  5: 'invalid-operand',
  6: 'no-records-found',
  7: 'abort-unsuccessful',
  8: 'procedure-not-completed',
  9: 'operand-not-supported',
};

export type RacpResponse = { kind: 'count'; records: number } | { kind: 'response'; requestOpCode: number; result: string };

export function decodeRacpResponse(bytes: Uint8Array): Decoded<RacpResponse> {
  const decoded = decodeWith(bytes, (reader): RacpResponse | string => {
    const opCode = reader.uint8('op code');
    const operator = reader.uint8('operator');
    if (operator !== RACP_OPERATOR.null) return `a response carries the null operator, not ${operator}`;
    if (opCode === RACP_OP.numberOfRecordsResponse) return { kind: 'count', records: reader.uint16('number of records') };
    if (opCode === RACP_OP.responseCode) {
      const requestOpCode = reader.uint8('request op code');
      const code = reader.uint8('response code value');
      return { kind: 'response', requestOpCode, result: RACP_RESPONSES[code] ?? 'reserved' };
    }
    return `op code ${opCode} is not a response`;
  });
  if (!decoded.ok) return decoded;
  return typeof decoded.value === 'string' ? { ok: false, reason: decoded.value } : { ok: true, value: decoded.value };
}
