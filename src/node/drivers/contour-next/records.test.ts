import { describe, expect, it } from 'vitest';
import { decodeTransfer, isoTime, parseHeader, parseResult, type MeterHeader } from './records';
import { VERIFYING_FRAMES } from './spec-vectors';

/** A real Contour USB header, from glucometers-tech/glucometerutils drivers/tests/test_contourusb.py. */
const REAL_HEADER =
  'H|\\^&||7w3LBL|Bayer7390^01.24\\01.04\\09.02.20^7390-2336773^7403-|A=1^C=63^G=1^I=0200^R=0^S=1^U=0^V=10600^X=070070070180130150250^Y=360126090050099050300089^Z=1|1714||||||1|201909221304';

function header(text = REAL_HEADER): MeterHeader {
  const parsed = parseHeader(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.header;
}

describe('parseHeader', () => {
  it('reads model, versions, serial, unit, stored count and meter time of the real Contour USB header', () => {
    expect(header()).toEqual({
      product: 'Bayer7390',
      versions: ['01.24', '01.04', '09.02.20'],
      serial: '7390-2336773',
      unit: 'mg/dL',
      storedResults: 1714,
      meterTime: '2019-09-22T13:04',
      delimiters: { field: '|', repeat: '\\', component: '^', escape: '&' },
    });
    expect(header(REAL_HEADER.replace('U=0', 'U=1')).unit).toBe('mmol/L');
    expect(header(REAL_HEADER.replace('U=0^', '')).unit).toBeNull();
  });

  it.each(VERIFYING_FRAMES.filter(([, text]) => text[1] === 'H'))('reads the specification header %s', (_where, text) => {
    const parsed = header(text.slice(1));
    const fields = text.split('|');
    expect(parsed.product).toBe(fields[4]!.split('^')[0]);
    expect(parsed.serial).toBe(fields[4]!.split('^')[2]);
    expect(parsed.versions).toEqual(fields[4]!.split('^')[1]!.split('\\'));
    expect(parsed.unit).toBeNull();
    expect(parsed.storedResults).toBeNull();
    expect(parsed.meterTime).toBe(isoTime(fields[13]!));
    expect(parsed.meterTime).toMatch(/^200[23]-\d\d-\d\dT\d\d:\d\d$/);
  });

  it('honours the delimiters the header declares', () => {
    const parsed = header('H!~#$!!x!Bayer7350#01.14~01.03#7358-1611135!U=1!4!!!!!P!1!201505291248');
    expect(parsed).toMatchObject({ product: 'Bayer7350', versions: ['01.14', '01.03'], serial: '7358-1611135', unit: 'mmol/L', storedResults: 4, meterTime: '2015-05-29T12:48' });
  });

  it('refuses what is no header: another record, repeated or alphanumeric delimiters, no product', () => {
    expect(parseHeader('P|1')).toEqual({ ok: false, reason: 'first record is not a header' });
    expect(parseHeader('H||^&||x|Bayer7350')).toEqual({ ok: false, reason: 'header declares unusable delimiters' });
    expect(parseHeader('H|a^&||x|Bayer7350')).toEqual({ ok: false, reason: 'header declares unusable delimiters' });
    expect(parseHeader('H|\\^&||x|^1.0^serial')).toEqual({ ok: false, reason: 'header names no meter product' });
  });
});

describe('parseResult', () => {
  const h = header();

  it('reads a USB meter result (tidepool example): value, unit, plasma, markers', () => {
    expect(parseResult('R|3|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150', h, false)).toEqual({
      kind: 'reading',
      sequence: 3,
      value: 93,
      unit: 'mg/dL',
      time: '2015-05-26T11:50',
      context: { specimen: 'plasma', meal: 'after-meal' },
    });
  });

  it('reads real Contour USB result records: glucometerutils test_contourusb.py (B/X) and the GGC Contour USB comment (mmol/L)', () => {
    expect(parseResult('R|8|^^^Glucose|133|mg/dL^P||B/X||201202052034', h, false)).toEqual({
      kind: 'reading',
      sequence: 8,
      value: 133,
      unit: 'mg/dL',
      time: '2012-02-05T20:34',
      context: { specimen: 'plasma', meal: 'before-meal' },
    });
    expect(parseResult('R|5|^^^Glucose|7.9|mmol/L^P||B||201102241308', h, false)).toMatchObject({ kind: 'reading', value: 7.9, unit: 'mmol/L', time: '2011-02-24T13:08' });
  });

  it('reads the serial-spec layout: user mark B is before a meal, method B whole blood, C capillary', () => {
    expect(parseResult('R|1|^^^Glucose|113|mg/dL^B|||B||||200611081013', h, false)).toMatchObject({ kind: 'reading', context: { specimen: 'whole-blood', meal: 'before-meal' } });
    expect(parseResult('R|1|^^^Glucose|6.4|mmol/L^C||||||201511081013', h, false)).toMatchObject({ kind: 'reading', value: 6.4, unit: 'mmol/L', context: { specimen: 'capillary', meal: null } });
    expect(parseResult('R|1|^^^Glucose|113|mg/dL^D||A/B||201511081013', h, false)).toMatchObject({ kind: 'reading', context: { specimen: null, meal: null } });
  });

  it('keeps seconds when the meter sends them (Next Link 2.4)', () => {
    expect(parseResult('R|1|^^^Glucose|113|mg/dL^P||||20151108101359', h, false)).toMatchObject({ kind: 'reading', time: '2015-11-08T10:13:59' });
  });

  it('the specification example 609 mg/dL with status E is a meter-detected control, not a reading', () => {
    expect(parseResult('R|1|^^^Glucose|609|mg/dL^P||||E|||200611081212', h, false)).toEqual({ kind: 'excluded', sequence: 1, reason: 'control-solution', time: '2006-11-08T12:12' });
  });

  it('marks control solution from the C marker, the E\\D status and a preceding Q order, whatever the value', () => {
    expect(parseResult('R|4|^^^Glucose|120|mg/dL^P||C/M0||201505261150', h, false)).toMatchObject({ kind: 'excluded', reason: 'control-solution' });
    expect(parseResult('R|2|^^^Glucose|5.5|mmol/L^P||||E\\D|||200612121108', h, false)).toMatchObject({ kind: 'excluded', reason: 'control-solution' });
    expect(parseResult('R|5|^^^Glucose|120|mg/dL^P||||||201505261150', h, true)).toMatchObject({ kind: 'excluded', reason: 'control-solution' });
  });

  it('turns LO and HI into out-of-range results, by flag or by the placeholder value alone', () => {
    expect(parseResult('R|6|^^^Glucose|9|mg/dL^P|||<||||200611081212', h, false)).toMatchObject({ kind: 'excluded', reason: 'below-range' });
    expect(parseResult('R|6|^^^Glucose|9|mg/dL^P||||||200611081212', h, false)).toMatchObject({ kind: 'excluded', reason: 'below-range' });
    expect(parseResult('R|6|^^^Glucose|0.50|mmol/L^P||||||200611081212', h, false)).toMatchObject({ kind: 'excluded', reason: 'below-range' });
    expect(parseResult('R|7|^^^Glucose|601|mg/dL^P||>||200611081212', h, false)).toMatchObject({ kind: 'excluded', reason: 'above-range' });
    expect(parseResult('R|7|^^^Glucose|33.39|mmol/L^P||||200611081212', h, false)).toMatchObject({ kind: 'excluded', reason: 'above-range' });
    expect(parseResult('R|7|^^^Glucose|250|mg/dL^P||>\\T||200611081212', h, false)).toMatchObject({ kind: 'excluded', reason: 'above-range' });
    // The measuring range's own ends are readings.
    expect(parseResult('R|8|^^^Glucose|10|mg/dL^P||||200611081212', h, false)).toMatchObject({ kind: 'reading', value: 10 });
    expect(parseResult('R|8|^^^Glucose|600|mg/dL^P||||200611081212', h, false)).toMatchObject({ kind: 'reading', value: 600 });
    expect(parseResult('R|8|^^^Glucose|0.6|mmol/L^P||||200611081212', h, false)).toMatchObject({ kind: 'reading', value: 0.6 });
    expect(parseResult('R|8|^^^Glucose|33.3|mmol/L^P||||200611081212', h, false)).toMatchObject({ kind: 'reading', value: 33.3 });
  });

  it.each([
    ['R|1|^^^GlucoseA|0|mg/dL^P', 'not a glucose result'],
    ['R|x|^^^Glucose|93|mg/dL^P||||201505261150', 'result without a sequence number'],
    ['R|1|^^^Glucose|93|mg/L^P||||201505261150', 'result in an unknown unit'],
    ['R|1|^^^Glucose|93.5|mg/dL^P||||201505261150', 'result value is not a number in its unit'],
    ['R|1|^^^Glucose|5.55.5|mmol/L^P||||201505261150', 'result value is not a number in its unit'],
    ['R|1|^^^Glucose|-5|mg/dL^P||||201505261150', 'result value is not a number in its unit'],
    ['R|1|^^^Glucose|93|mg/dL^P||||201502301150', 'result without a valid test time'],
    ['R|1|^^^Glucose|93|mg/dL^P', 'result without a valid test time'],
    ['O|1', 'not a result record'],
    ['R', 'result without a sequence number'],
  ])('ignores %s: %s', (text, reason) => {
    expect(parseResult(text, h, false)).toEqual({ kind: 'ignored', reason });
  });
});

describe('isoTime', () => {
  it('accepts real calendar minutes and seconds only', () => {
    expect(isoTime('202402291200')).toBe('2024-02-29T12:00');
    expect(isoTime('202302291200')).toBeNull();
    expect(isoTime('202312312360')).toBeNull();
    expect(isoTime('202312312400')).toBeNull();
    expect(isoTime('20231231235960')).toBeNull();
    expect(isoTime('20231231235959')).toBe('2023-12-31T23:59:59');
    expect(isoTime('005012312359')).toBeNull();
    expect(isoTime('2023123123')).toBeNull();
    expect(isoTime('000012312359')).toBeNull();
    expect(isoTime('x202312311200')).toBeNull();
    expect(isoTime('202312311200x')).toBeNull();
    expect(isoTime('2023123112001')).toBeNull();
    expect(isoTime('202313011200')).toBeNull();
    expect(isoTime('202312320000')).toBeNull();
  });
});

describe('decodeTransfer', () => {
  const results = ['R|1|^^^Glucose|113|mg/dL^B||||||200611081013', 'O|2||||||||||Q', 'R|2|^^^Glucose|120|mg/dL^B||||||200611081014', 'O|3', 'R|3|^^^Glucose|140|mg/dL^B||||||200611081015'];

  it('keeps the header and every result, a Q order marking only the results up to the next order as control', () => {
    const transfer = decodeTransfer([REAL_HEADER, 'P|1', ...results, 'L|1|N']);
    expect(transfer.ok && transfer.results.map((r) => r.kind)).toEqual(['reading', 'excluded', 'reading']);
    expect(transfer.ok && transfer.header.serial).toBe('7390-2336773');
  });

  it('keeps nothing from a transfer without its terminator or without its header', () => {
    expect(decodeTransfer([REAL_HEADER, 'P|1', ...results])).toEqual({ ok: false, reason: 'transfer has no terminator record' });
    expect(decodeTransfer([REAL_HEADER])).toEqual({ ok: false, reason: 'transfer has no terminator record' });
    expect(decodeTransfer(['P|1', ...results, 'L|1|N'])).toEqual({ ok: false, reason: 'first record is not a header' });
  });
});
