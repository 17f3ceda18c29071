/**
 * A value cut short at every byte names the field it ends in, for every decoder: a device's short
 * value is reported precisely (which field it lacks), never read as if the missing bytes were zero.
 */
import { describe, expect, it } from 'vitest';
import { decodeCurrentTime } from './date-time';
import { decodeGlucoseContext, decodeGlucoseMeasurement, decodeRacpResponse } from './glucose';
import { decodeBloodPressure, decodeHeartRate, decodeTemperature, decodeWeight } from './measurements';
import { decodePlxContinuous, decodePlxSpotCheck } from './plx';
import type { Decoded } from './reader';

const hex = (text: string): Uint8Array => Uint8Array.from(text.split(' '), (pair) => Number.parseInt(pair, 16));
const ts = (prefix: string): string[] => [`${prefix} year`, `${prefix} year`, `${prefix} month`, `${prefix} day`, `${prefix} hours`, `${prefix} minutes`, `${prefix} seconds`];
const two = (field: string): string[] => [field, field];

/** Per byte of a full value, the field that byte belongs to. */
const CASES: Array<[string, (bytes: Uint8Array) => Decoded<unknown>, string, string[]]> = [
  ['heart rate', decodeHeartRate, '19 2c 01 10 27 00 02', ['flags', ...two('heart rate'), ...two('energy expended'), ...two('RR interval')]],
  [
    'blood pressure',
    decodeBloodPressure,
    '1f 78 00 50 00 5a 00 ea 07 01 02 08 1e 00 48 00 01 00 00',
    ['flags', ...two('systolic'), ...two('diastolic'), ...two('mean arterial pressure'), ...ts('time stamp'), ...two('pulse rate'), 'user id', ...two('measurement status')],
  ],
  ['temperature', decodeTemperature, '06 6d 01 00 ff ea 07 01 02 08 1e 00 06', ['flags', 'temperature', 'temperature', 'temperature', 'temperature', ...ts('time stamp'), 'temperature type']],
  ['weight', decodeWeight, '0e b0 36 ea 07 01 02 08 1e 00 01 e6 00 d6 06', ['flags', ...two('weight'), ...ts('time stamp'), 'user id', ...two('BMI'), ...two('height')]],
  [
    'PLX spot-check',
    decodePlxSpotCheck,
    '0f 61 00 48 00 ea 07 01 02 08 1e 00 80 00 20 00 00 2c f0',
    ['flags', ...two('spot-check SpO2'), ...two('spot-check pulse rate'), ...ts('time stamp'), ...two('measurement status'), 'device and sensor status', 'device and sensor status', 'device and sensor status', ...two('pulse amplitude index')],
  ],
  [
    'PLX continuous',
    decodePlxContinuous,
    '1f 62 00 4b 00 61 00 4c 00 60 00 4a 00 00 80 00 80 00 2c f0',
    [
      'flags',
      ...two('normal SpO2'),
      ...two('normal pulse rate'),
      ...two('fast SpO2'),
      ...two('fast pulse rate'),
      ...two('slow SpO2'),
      ...two('slow pulse rate'),
      ...two('measurement status'),
      'device and sensor status',
      'device and sensor status',
      'device and sensor status',
      ...two('pulse amplitude index'),
    ],
  ],
  [
    'glucose measurement',
    decodeGlucoseMeasurement,
    '0b 01 00 ea 07 01 02 08 1e 00 05 00 5f b0 11 01 00',
    ['flags', ...two('sequence number'), ...ts('base time'), ...two('time offset'), ...two('glucose concentration'), 'type-sample location', ...two('sensor status annunciation')],
  ],
  [
    'glucose context',
    decodeGlucoseContext,
    'df 2a 00 00 01 32 00 02 21 ff ff 50 03 05 d0 40 f0',
    ['flags', ...two('sequence number'), 'extended flags', 'carbohydrate id', ...two('carbohydrate'), 'meal', 'tester-health', ...two('exercise duration'), 'exercise intensity', 'medication id', ...two('medication'), ...two('HbA1c')],
  ],
  ['current time', decodeCurrentTime, 'e4 07 06 01 11 33 1d 01 80 05', [...ts('exact time'), 'day of week', 'fractions256', 'adjust reason']],
  ['RACP count', decodeRacpResponse, '05 00 0a 00', ['op code', 'operator', ...two('number of records')]],
  ['RACP response', decodeRacpResponse, '06 00 01 01', ['op code', 'operator', 'request op code', 'response code value']],
];

describe('truncated GATT values', () => {
  it.each(CASES)('%s: cut after each byte, the reason names the missing field', (_name, decode, full, fields) => {
    const bytes = hex(full);
    expect(fields).toHaveLength(bytes.length);
    expect(decode(bytes).ok).toBe(true);
    fields.forEach((field, length) => {
      expect(decode(bytes.subarray(0, length))).toEqual({ ok: false, reason: `the ${length}-byte value ends before its ${field}` });
    });
  });

  it('skips the glucose context extended flags only when flag bit 7 says they are there', () => {
    expect(decodeGlucoseContext(hex('02 2a 00 01'))).toMatchObject({ ok: true, value: { meal: 'preprandial' } });
    expect(decodeGlucoseContext(hex('82 2a 00 00 01'))).toMatchObject({ ok: true, value: { meal: 'preprandial' } });
  });
});
