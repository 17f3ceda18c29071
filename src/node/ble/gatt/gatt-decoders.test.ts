/**
 * The GATT health decoders against the field layouts of the Bluetooth SIG specifications (GATT
 * Specification Supplement v9 "GSS", and the service specs HRS 1.0, BLS 1.1, HTS 1.0, WSS 1.0,
 * PLXS 1.0, GLS 1.0, CTS 1.1), with vectors built field by field from those sections, and against
 * a real notification a cuff sent (cited where used).
 */
import { describe, expect, it } from 'vitest';
import { decodeBatteryLevel, decodeCurrentTime, decodeDateTime } from './date-time';
import { decodeGlucoseContext, decodeGlucoseMeasurement, decodeRacpResponse, racpAbort, racpRequest } from './glucose';
import { decodeFloat, decodeSfloat } from './ieee11073';
import { decodeBloodPressure, decodeHeartRate, decodeTemperature, decodeWeight } from './measurements';
import { decodePlxContinuous, decodePlxSpotCheck } from './plx';
import type { Decoded } from './reader';

const hex = (text: string): Uint8Array => Uint8Array.from(text.split(' '), (pair) => Number.parseInt(pair, 16));
const num = (value: number) => ({ kind: 'number', value });
function ok<T>(decoded: Decoded<T>): T {
  if (!decoded.ok) throw new Error(`expected a decoded value, got: ${decoded.reason}`);
  return decoded.value;
}

describe('IEEE 11073-20601 SFLOAT (GSS section 2.2.2 medfloat16)', () => {
  it('scales the 12-bit signed mantissa by the 4-bit signed exponent', () => {
    expect(decodeSfloat(0x0072)).toEqual(num(114));
    expect(decodeSfloat(0xf16d)).toEqual(num(36.5));
    expect(decodeSfloat(0xe2f4)).toEqual(num(7.56));
    expect(decodeSfloat(0x1003)).toEqual(num(30));
    expect(decodeSfloat(0x0fff)).toEqual(num(-1));
    expect(decodeSfloat(0x77fd)).toEqual(num(20_450_000_000));
    expect(decodeSfloat(0x8803)).toEqual(num(-2045e-8));
  });

  it.each([
    [0x07ff, 'nan'],
    [0x0800, 'nres'],
    [0x07fe, '+inf'],
    [0x0802, '-inf'],
    [0x0801, 'reserved'],
  ] as const)('0x%s is the special value %s, never a number', (raw, special) => {
    expect(decodeSfloat(raw)).toEqual({ kind: 'special', special });
    // A special mantissa under a non-zero exponent is not read as a number either.
    expect(decodeSfloat(raw | 0xf000)).toEqual({ kind: 'special', special });
  });
});

describe('IEEE 11073-20601 FLOAT (GSS section 2.2.1 medfloat32)', () => {
  it('scales the 24-bit signed mantissa by the 8-bit signed exponent', () => {
    expect(decodeFloat(0xff00016d)).toEqual(num(36.5));
    expect(decodeFloat(0x00000025)).toEqual(num(37));
    expect(decodeFloat(0xfeffffff)).toEqual(num(-0.01));
    expect(decodeFloat(0x0200000c)).toEqual(num(1200));
  });

  it.each([
    [0x007fffff, 'nan'],
    [0x00800000, 'nres'],
    [0x007ffffe, '+inf'],
    [0x00800002, '-inf'],
    [0x00800001, 'reserved'],
  ] as const)('0x%s is the special value %s, never a number', (raw, special) => {
    expect(decodeFloat(raw)).toEqual({ kind: 'special', special });
    expect(decodeFloat((raw | 0xfe000000) >>> 0)).toEqual({ kind: 'special', special });
  });
});

describe('Heart Rate Measurement 0x2A37 (HRS section 3.1.1, GSS section 3.113)', () => {
  it('reads a uint8 rate with sensor contact detected and one RR interval in 1/1024 s', () => {
    expect(ok(decodeHeartRate(hex('16 48 00 04')))).toEqual({ bpm: 72, sensorContact: 'detected', energyExpendedKj: null, rrIntervalsS: [1] });
  });

  it('reads a uint16 rate, energy expended and several RR intervals; contact supported but lost', () => {
    expect(ok(decodeHeartRate(hex('1d 2c 01 10 27 00 02 00 03')))).toEqual({
      bpm: 300,
      sensorContact: 'not-detected',
      energyExpendedKj: 10_000,
      rrIntervalsS: [0.5, 0.75],
    });
  });

  it('says when the strap does not report contact, and refuses a value cut short', () => {
    expect(ok(decodeHeartRate(hex('00 3c'))).sensorContact).toBe('unsupported');
    expect(decodeHeartRate(hex('01 3c'))).toEqual({ ok: false, reason: 'the 2-byte value ends before its heart rate' });
    expect(decodeHeartRate(hex('10 3c'))).toMatchObject({ ok: false });
  });
});

describe('Blood Pressure Measurement 0x2A35 (BLS section 3.1.1, GSS section 3.31)', () => {
  it('decodes a real indication with time stamp, pulse and status (flutter_blue issue #597, iOS, 2020)', () => {
    // github.com/pauldemarco/flutter_blue/issues/597: value [22,102,0,60,0,72,0,228,7,6,1,17,51,29,63,0,0,0].
    const bytes = Uint8Array.from([22, 102, 0, 60, 0, 72, 0, 228, 7, 6, 1, 17, 51, 29, 63, 0, 0, 0]);
    expect(ok(decodeBloodPressure(bytes))).toEqual({
      unit: 'mmHg',
      systolic: num(102),
      diastolic: num(60),
      meanArterialPressure: num(72),
      time: '2020-06-01T17:51:29',
      pulseRate: num(63),
      userId: null,
      status: { bodyMovement: false, cuffTooLoose: false, irregularPulse: false, pulseRateRange: 'within', improperPosition: false },
    });
  });

  it('reads kPa, a user id and every measurement status flag', () => {
    // 16.0 / 10.7 / 12.4 kPa as SFLOAT with exponent -1 (0xF0A0, 0xF06B, 0xF07C), user 2, status 0x2F.
    const value = ok(decodeBloodPressure(hex('19 a0 f0 6b f0 7c f0 02 2f 00')));
    expect(value).toMatchObject({ unit: 'kPa', systolic: num(16), diastolic: num(10.7), meanArterialPressure: num(12.4), userId: 2, time: null, pulseRate: null });
    expect(value.status).toEqual({ bodyMovement: true, cuffTooLoose: true, irregularPulse: true, pulseRateRange: 'above-upper-limit', improperPosition: true });
    expect(ok(decodeBloodPressure(hex('10 78 00 50 00 5a 00 10 00'))).status?.pulseRateRange).toBe('below-lower-limit');
    expect(ok(decodeBloodPressure(hex('10 78 00 50 00 5a 00 18 00'))).status?.pulseRateRange).toBe('reserved');
  });

  it('keeps a mean arterial pressure the cuff did not compute as the special value NaN', () => {
    expect(ok(decodeBloodPressure(hex('00 78 00 50 00 ff 07'))).meanArterialPressure).toEqual({ kind: 'special', special: 'nan' });
  });

  it('refuses a value that ends inside a field its flags announce', () => {
    expect(decodeBloodPressure(hex('02 78 00 50 00 5a 00 e4 07'))).toMatchObject({ ok: false });
  });
});

describe('Temperature Measurement 0x2A1C (HTS section 3.1.1, GSS section 3.216)', () => {
  it('reads a FLOAT in Celsius with time stamp and type (mouth)', () => {
    expect(ok(decodeTemperature(hex('06 6d 01 00 ff ea 07 01 02 08 1e 00 06')))).toEqual({ unit: 'Cel', temperature: num(36.5), time: '2026-01-02T08:30:00', type: 'mouth' });
  });

  it('reads Fahrenheit and marks an undefined type code as reserved', () => {
    expect(ok(decodeTemperature(hex('05 ad 03 00 ff 0a')))).toEqual({ unit: 'degF', temperature: num(94.1), time: null, type: 'reserved' });
  });

  it('keeps NRes as a special value', () => {
    expect(ok(decodeTemperature(hex('00 00 00 80 00'))).temperature).toEqual({ kind: 'special', special: 'nres' });
  });
});

describe('Weight Measurement 0x2A9D (WSS section 3.2.1, GSS section 3.245)', () => {
  it('reads SI weight in 0.005 kg steps with time stamp, user, BMI and height in 0.001 m', () => {
    expect(ok(decodeWeight(hex('0e b0 36 ea 07 01 02 08 1e 00 01 e6 00 d6 06')))).toEqual({
      unit: 'kg',
      weight: 70,
      time: '2026-01-02T08:30:00',
      userId: 1,
      bmi: 23,
      height: 1.75,
    });
  });

  it('reads imperial weight in 0.01 lb steps and height in 0.1 in', () => {
    expect(ok(decodeWeight(hex('09 b0 3c e6 00 bc 02')))).toEqual({ unit: 'lb', weight: 155.36, time: null, userId: null, bmi: 23, height: 70 });
  });

  it('reads 0xFFFF as "measurement unsuccessful", not 327.675 kg', () => {
    expect(ok(decodeWeight(hex('00 ff ff'))).weight).toBeNull();
  });
});

describe('PLX Spot-check 0x2A5E and Continuous 0x2A5F (PLXS section 3.1 and 3.2, GSS sections 3.172, 3.171)', () => {
  it('reads a spot check with time stamp, both status fields and the pulse amplitude index', () => {
    const value = ok(decodePlxSpotCheck(hex('0f 61 00 48 00 ea 07 01 02 08 1e 00 80 00 20 00 00 2c f0')));
    expect(value.reading).toEqual({ spo2: num(97), pulseRate: num(72) });
    expect(value.time).toBe('2026-01-02T08:30:00');
    expect(value.measurementStatus).toMatchObject({ validatedData: true, invalidMeasurement: false });
    expect(value.deviceSensorStatus).toMatchObject({ lowPerfusion: true, sensorDisconnected: false });
    expect(value.pulseAmplitudeIndex).toEqual(num(4.4));
  });

  it('drops the time stamp of a device whose clock is not set (flag bit 4)', () => {
    const value = ok(decodePlxSpotCheck(hex('11 61 00 48 00 ea 07 01 02 08 1e 00')));
    expect(value).toMatchObject({ time: null, deviceClockNotSet: true });
  });

  it('reads continuous normal, fast and slow values, and the invalid and disconnected bits', () => {
    const value = ok(decodePlxContinuous(hex('0f 62 00 4b 00 61 00 4c 00 60 00 4a 00 00 80 00 80 00')));
    expect(value).toMatchObject({ normal: { spo2: num(98), pulseRate: num(75) }, fast: { spo2: num(97) }, slow: { pulseRate: num(74) } });
    expect(value.measurementStatus?.invalidMeasurement).toBe(true);
    expect(value.deviceSensorStatus?.sensorDisconnected).toBe(true);
  });
});

describe('Glucose Measurement 0x2A18, Context 0x2A34 and RACP 0x2A52 (GLS sections 3.106-3.109)', () => {
  it('reads the sequence number, base time plus offset and a kg/L concentration with type and location', () => {
    // 95 mg/dL = 0.00095 kg/L: mantissa 95, exponent -5 (0xB05F); capillary whole blood at the finger (0x11).
    expect(ok(decodeGlucoseMeasurement(hex('03 01 00 ea 07 01 02 08 1e 00 05 00 5f b0 11')))).toMatchObject({
      sequenceNumber: 1,
      baseTime: '2026-01-02T08:30:00',
      timeOffsetMin: 5,
      time: '2026-01-02T08:35:00',
      concentration: { value: num(0.00095), unit: 'kg/L' },
      sampleType: 'capillary-whole-blood',
      sampleLocation: 'finger',
      annunciation: null,
      contextFollows: false,
    });
  });

  it('reads mol/L, a control-solution sample, the annunciation bits and a negative offset across midnight', () => {
    const value = ok(decodeGlucoseMeasurement(hex('1f 2a 00 ea 07 01 02 00 05 00 f6 ff 37 f0 4a 61 00')));
    expect(value).toMatchObject({ sequenceNumber: 42, time: '2026-01-01T23:55:00', concentration: { value: num(5.5), unit: 'mol/L' }, sampleType: 'control-solution', sampleLocation: 'control-solution', contextFollows: true });
    expect(value.annunciation).toMatchObject({ batteryLow: true, resultAboveRange: true, resultBelowRange: true, sensorMalfunction: false, generalDeviceFault: false });
  });

  it('reads the context: carbohydrate, meal, tester/health, exercise overrun, medication in litres, HbA1c', () => {
    const value = ok(decodeGlucoseContext(hex('ff 2a 00 00 01 32 00 02 21 ff ff 50 03 05 d0 40 f0')));
    expect(value).toEqual({
      sequenceNumber: 42,
      carbohydrate: { id: 1, grams: num(50) },
      meal: 'postprandial',
      tester: 1,
      health: 2,
      exercise: { durationS: null, intensityPercent: 80 },
      medication: { id: 3, amount: num(0.005), unit: 'L' },
      hba1c: num(6.4),
    });
  });

  it('builds RACP requests for all records and for those from a sequence number on', () => {
    expect(racpRequest('report', { all: true })).toEqual(hex('01 01'));
    expect(racpRequest('count', { all: true })).toEqual(hex('04 01'));
    expect(racpRequest('report', { fromSequence: 0x0105 })).toEqual(hex('01 03 01 05 01'));
    expect(racpRequest('report', { first: true })).toEqual(hex('01 05'));
    expect(racpRequest('report', { last: true })).toEqual(hex('01 06'));
    expect(racpAbort()).toEqual(hex('03 00'));
    expect(() => racpRequest('report', { fromSequence: 0x10000 })).toThrow(RangeError);
  });

  it('reads RACP responses and refuses what is not one', () => {
    expect(ok(decodeRacpResponse(hex('05 00 0a 00')))).toEqual({ kind: 'count', records: 10 });
    expect(ok(decodeRacpResponse(hex('06 00 01 01')))).toEqual({ kind: 'response', requestOpCode: 1, result: 'success' });
    expect(ok(decodeRacpResponse(hex('06 00 01 06')))).toEqual({ kind: 'response', requestOpCode: 1, result: 'no-records-found' });
    expect(ok(decodeRacpResponse(hex('06 00 01 63')))).toMatchObject({ result: 'reserved' });
    expect(decodeRacpResponse(hex('01 00'))).toEqual({ ok: false, reason: 'op code 1 is not a response' });
    expect(decodeRacpResponse(hex('06 01 01 01'))).toEqual({ ok: false, reason: 'a response carries the null operator, not 1' });
  });
});

describe('Date Time 0x2A08, Current Time 0x2A2B, Battery Level 0x2A19 (GSS sections 3.70, 3.62, 3.27)', () => {
  it('reads a date time without a zone, and null for unknown or impossible fields', () => {
    expect(ok(decodeDateTime(hex('e4 07 06 01 11 33 1d')))).toBe('2020-06-01T17:51:29');
    expect(ok(decodeDateTime(hex('00 00 06 01 11 33 1d')))).toBeNull();
    expect(ok(decodeDateTime(hex('ea 07 00 01 00 00 00')))).toBeNull();
    expect(ok(decodeDateTime(hex('ea 07 02 1e 00 00 00')))).toBeNull();
    expect(ok(decodeDateTime(hex('ea 07 0d 01 00 00 00')))).toBeNull();
    expect(ok(decodeDateTime(hex('ea 07 01 01 18 00 00')))).toBeNull();
    expect(ok(decodeDateTime(hex('ea 07 01 01 00 3c 00')))).toBeNull();
    expect(ok(decodeDateTime(hex('ea 07 01 01 00 00 3c')))).toBeNull();
    expect(ok(decodeDateTime(hex('2e 06 01 01 00 00 00')))).toBe('1582-01-01T00:00:00');
    expect(ok(decodeDateTime(hex('0f 27 0c 1f 17 3b 3b')))).toBe('9999-12-31T23:59:59');
    expect(ok(decodeDateTime(hex('10 27 01 01 00 00 00')))).toBeNull();
    expect(decodeDateTime(hex('e4 07 06 01 11 33'))).toMatchObject({ ok: false });
  });

  it('reads the current time with its fractions and adjust reason', () => {
    expect(ok(decodeCurrentTime(hex('e4 07 06 01 11 33 1d 01 80 05')))).toEqual({
      time: '2020-06-01T17:51:29',
      fractionMs: 500,
      adjustReason: { manual: true, externalReference: false, timeZoneChanged: true, dstChanged: false },
    });
    expect(ok(decodeCurrentTime(hex('e4 07 06 01 11 33 1d 01 00 0a'))).adjustReason).toEqual({ manual: false, externalReference: true, timeZoneChanged: false, dstChanged: true });
  });

  it('reads the battery level in percent and refuses one above 100', () => {
    expect(ok(decodeBatteryLevel(hex('64')))).toBe(100);
    expect(decodeBatteryLevel(hex('65'))).toEqual({ ok: false, reason: 'battery level 101 is above 100 %' });
    expect(decodeBatteryLevel(new Uint8Array(0))).toMatchObject({ ok: false });
  });
});
