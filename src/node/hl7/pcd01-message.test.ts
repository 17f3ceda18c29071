import { Hl7Message } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { patientResource } from '../fhir/patient';
import { StationIds } from '../fhir/stable-ids';
import type { PatientRecord, StoredReading } from '../records/store';
import { unescapeHl7 } from './hl7-text';
import { checkPcd01 } from './pcd01-check';
import { pcd01Message, type ReadingBatch } from './pcd01-message';

const ids = new StationIds('station-hl7-test');
const options = { ids, patientIdentifierSystem: 'urn:oid:1.2.36.146.595.217.0.1' };
const T0 = Date.UTC(2026, 11, 7, 9, 30, 0);

const patient: PatientRecord = { id: 'p-1', givenName: 'Ann', familyName: 'Lee', birthDate: '1950-03-04', gender: 'female', identifier: 'MRN-77', createdAt: T0 };

let nextId = 1;
function reading(partial: Partial<StoredReading> & Pick<StoredReading, 'metric' | 'value' | 'unit'>): StoredReading {
  return { id: nextId++, patientId: 'p-1', visitId: null, deviceId: 'oxi-1', deviceTime: null, receivedAt: T0, source: 'pulse-oximeter', measurementId: null, ...partial };
}

function sampleBatch(): ReadingBatch {
  nextId = 1;
  return {
    controlId: '42',
    formedAt: T0 + 5_000,
    patient,
    readings: [
      reading({ metric: 'spo2', value: 97, unit: '%' }),
      reading({ metric: 'pulseRate', value: 72, unit: '/min' }),
      reading({ metric: 'spo2', value: 96, unit: '%', receivedAt: T0 + 1_000 }),
      reading({ metric: 'pulseRate', value: 74, unit: '/min', receivedAt: T0 + 1_000 }),
      // The cuff's parts arrive in any order; they are one measurement.
      reading({ deviceId: 'cuff-1', source: 'blood-pressure-cuff', metric: 'diastolic', value: 80, unit: 'mm[Hg]', measurementId: 'm-9', deviceTime: '2026-12-07T09:29:00.000Z' }),
      reading({ deviceId: 'cuff-1', source: 'blood-pressure-cuff', metric: 'systolic', value: 121, unit: 'mm[Hg]', measurementId: 'm-9', deviceTime: '2026-12-07T09:29:00.000Z' }),
      reading({ deviceId: 'cuff-1', source: 'blood-pressure-cuff', metric: 'meanArterialPressure', value: 94, unit: 'mm[Hg]', measurementId: 'm-9', deviceTime: '2026-12-07T09:29:00.000Z' }),
      reading({ deviceId: 'cuff-1', source: 'blood-pressure-cuff', metric: 'pulseRate', value: 70, unit: '/min', measurementId: 'm-9', deviceTime: '2026-12-07T09:29:00.000Z' }),
      reading({ deviceId: 'thermo-1', source: 'thermometer', metric: 'bodyTemperature', value: 37.2, unit: 'Cel', receivedAt: T0 + 2_000 }),
    ],
  };
}

const build = (batch: ReadingBatch) => pcd01Message(batch, options)!.toString();
const segments = (text: string, name: string) => Hl7Message.parse(text).getAllSegments(name);

describe('PCD-01 ORU^R01 of a batch of readings', () => {
  it('passes the structural check and carries the PCD-01 header', () => {
    const text = build(sampleBatch());
    expect(checkPcd01(text)).toEqual([]);
    const msh = Hl7Message.parse(text).getSegment('MSH')!;
    expect(msh.getField(9).toString()).toBe('ORU^R01^ORU_R01');
    expect(msh.getField(10).toString()).toBe('42');
    expect(msh.getField(12).toString()).toBe('2.6');
    expect(msh.getField(21).toString()).toBe('IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO');
    expect(msh.getField(7).toString()).toBe('20261207093005.000+0000');
  });

  it('gives PID the identifiers of the FHIR export, name, birth date and sex', () => {
    const pid = segments(build(sampleBatch()), 'PID')[0]!;
    const fhir = patientResource(patient, ids, options.patientIdentifierSystem).identifier!;
    expect(pid.getField(3).toString()).toBe(`MRN-77^^^&${options.patientIdentifierSystem}&URI^MR~${fhir[1]!.value}^^^&urn:ietf:rfc:3986&URI^PI`);
    expect(pid.getField(5).toString()).toBe('Lee^Ann^^^^^L');
    expect(pid.getField(7).toString()).toBe('19500304');
    expect(pid.getField(8).toString()).toBe('F');
  });

  it('puts one measurement under each OBR, codes, units, containment, time and equipment in the OBX', () => {
    const text = build(sampleBatch());
    expect(segments(text, 'OBR').map((obr) => [obr.getField(1).toString(), obr.getField(3).toString(), obr.getField(7).toString()])).toEqual([
      ['1', '42.1^VitalBridge^station-hl7-test^L', '20261207093000.000+0000'],
      ['2', '42.2^VitalBridge^station-hl7-test^L', '20261207093001.000+0000'],
      ['3', '42.3^VitalBridge^station-hl7-test^L', '20261207092900.000+0000'],
      ['4', '42.4^VitalBridge^station-hl7-test^L', '20261207093002.000+0000'],
    ]);
    const obx = segments(text, 'OBX').map((s) => [s.getField(3).toString(), s.getField(4).toString(), s.getField(5).toString(), s.getField(6).toString(), s.getField(14).toString()]);
    expect(obx).toEqual([
      ['150456^MDC_PULS_OXIM_SAT_O2^MDC', '1.1.1.1', '97', '%^%^UCUM', '20261207093000.000+0000'],
      ['149530^MDC_PULS_OXIM_PULS_RATE^MDC', '1.1.2.1', '72', '/min^/min^UCUM', '20261207093000.000+0000'],
      ['150456^MDC_PULS_OXIM_SAT_O2^MDC', '1.1.1.1', '96', '%^%^UCUM', '20261207093001.000+0000'],
      ['149530^MDC_PULS_OXIM_PULS_RATE^MDC', '1.1.2.1', '74', '/min^/min^UCUM', '20261207093001.000+0000'],
      // Blood pressure: one channel, systolic, diastolic, mean; the cuff's pulse in a channel of its own; the device's own time.
      ['150021^MDC_PRESS_BLD_NONINV_SYS^MDC', '2.1.1.1', '121', 'mm[Hg]^mm[Hg]^UCUM', '20261207092900.000+0000'],
      ['150022^MDC_PRESS_BLD_NONINV_DIA^MDC', '2.1.1.2', '80', 'mm[Hg]^mm[Hg]^UCUM', '20261207092900.000+0000'],
      ['150023^MDC_PRESS_BLD_NONINV_MEAN^MDC', '2.1.1.3', '94', 'mm[Hg]^mm[Hg]^UCUM', '20261207092900.000+0000'],
      ['149546^MDC_PULS_RATE_NON_INV^MDC', '2.1.2.1', '70', '/min^/min^UCUM', '20261207092900.000+0000'],
      ['150364^MDC_TEMP_BODY^MDC', '3.1.1.1', '37.2', 'Cel^Cel^UCUM', '20261207093002.000+0000'],
    ]);
    const first = segments(text, 'OBX')[0]!;
    expect(first.getField(11).toString()).toBe('R');
    expect(first.getField(18).toString()).toBe('oxi-1^VitalBridge^station-hl7-test^L');
    expect(first.getField(17).toString()).toBe('');
    expect(segments(text, 'OBX')[4]!.getField(17).toString()).toBe('^APERIODIC');
  });

  it('is the same text every time it is built (a resend is the same message)', () => {
    expect(build(sampleBatch())).toBe(build(sampleBatch()));
  });

  it('escapes HL7 delimiters in names and device keys, and a receiver reads them back unchanged', () => {
    const awkward = { ...sampleBatch(), patient: { ...patient, familyName: 'O|Brien^Smith', givenName: 'Mary~Ann & \\Jo' } };
    awkward.readings = awkward.readings.map((r) => ({ ...r, deviceId: r.deviceId === 'oxi-1' ? 'usb|1^2' : r.deviceId }));
    const text = build(awkward);
    expect(checkPcd01(text)).toEqual([]);
    const pid = segments(text, 'PID')[0]!;
    expect(pid.getField(5).toString()).toBe('O\\F\\Brien\\S\\Smith^Mary\\R\\Ann \\T\\ \\E\\Jo^^^^^L');
    expect(unescapeHl7(pid.getField(5).getComponent(1))).toBe('O|Brien^Smith');
    expect(unescapeHl7(pid.getField(5).getComponent(2))).toBe('Mary~Ann & \\Jo');
    expect(unescapeHl7(segments(text, 'OBX')[0]!.getField(18).getComponent(1))).toBe('usb|1^2');
  });

  it('names nobody for an anonymous patient, keeping the station identifier', () => {
    const anonymous = { ...sampleBatch(), patient: { ...patient, givenName: 'Unnamed', familyName: 'patient', birthDate: null, identifier: null, gender: 'unknown' as const } };
    const pid = segments(build(anonymous), 'PID')[0]!;
    expect(pid.getField(5).toString()).toBe('');
    expect(pid.getField(3).toString()).toMatch(/^urn:uuid:[0-9a-f-]{36}\^\^\^&urn:ietf:rfc:3986&URI\^PI$/);
  });

  it('starts a new OBR when a measurement repeats a quantity, so OBX-4 stays unique within each OBR', () => {
    nextId = 1;
    const twice = { ...sampleBatch(), readings: [reading({ metric: 'spo2', value: 97, unit: '%' }), reading({ metric: 'spo2', value: 95, unit: '%' })] };
    const text = build(twice);
    expect(checkPcd01(text)).toEqual([]);
    expect(segments(text, 'OBR')).toHaveLength(2);
  });

  it('leaves out readings without an MDC code, and builds nothing from a batch of only those', () => {
    nextId = 1;
    const unknownSource = reading({ metric: 'pulseRate', value: 70, unit: '/min', source: null });
    expect(pcd01Message({ ...sampleBatch(), readings: [unknownSource] }, options)).toBeNull();
    const text = build({ ...sampleBatch(), readings: [unknownSource, reading({ metric: 'spo2', value: 97, unit: '%' })] });
    expect(segments(text, 'OBX').map((s) => s.getField(3).getComponent(1))).toEqual(['150456']);
  });
});

describe('the PCD-01 structural check, against broken messages', () => {
  const valid = () => build(sampleBatch());
  /** The valid message with one field of the first segment named `name` replaced. */
  function withField(name: string, index: number, value: string, nth = 0): string {
    const message = Hl7Message.parse(valid());
    message.getAllSegments(name)[nth]!.setField(index, value);
    return message.toString();
  }
  const withoutSegment = (name: string) => valid().split('\r').filter((line) => !line.startsWith(`${name}|`)).join('\r');

  it.each([
    ['a missing PV1', () => withoutSegment('PV1'), 'segments must be MSH PID PV1 (OBR OBX...)..., are MSH PID OBR OBX'],
    ['OBX before any OBR', () => withoutSegment('OBR'), 'segments must be MSH PID PV1'],
    ['an unknown segment', () => `${valid()}\rNTE|1||x`, 'segments must be'],
    ['version 2.5', () => withField('MSH', 12, '2.5'), 'MSH-12 must be 2.6, is "2.5"'],
    ['another profile', () => withField('MSH', 21, 'IHE_PCD_004^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO'), 'MSH-21 must be IHE_PCD_001'],
    ['another message type', () => withField('MSH', 9, 'ORU^R40^ORU_R40'), 'MSH-9 must be ORU^R01^ORU_R01'],
    ['no control id', () => withField('MSH', 10, ''), 'MSH-10 (message control id) is empty'],
    ['a time without zone', () => withField('MSH', 7, '20261207093005'), 'MSH-7 is not a time with zone'],
    ['no patient identifier', () => withField('PID', 3, ''), 'PID-3 needs at least one identifier'],
    ['no filler order number', () => withField('OBR', 3, ''), 'OBR 1: OBR-3 (filler order number) is empty'],
    ['OBR set ids out of order', () => withField('OBR', 1, '5', 1), 'OBR 2: OBR-1 is "5"'],
    ['a LOINC code in OBX-3', () => withField('OBX', 3, '59408-5^SpO2^LN'), 'OBX 1: OBX-3 is not an MDC code'],
    ['an unknown MDC code', () => withField('OBX', 3, '999999^MDC_NOTHING^MDC'), 'OBX 1: OBX-3 has an unknown MDC code 999999'],
    ['a code under the wrong reference id', () => withField('OBX', 3, '150456^MDC_PULS_OXIM_PULS_RATE^MDC'), 'OBX 1: OBX-3 code 150456 is MDC_PULS_OXIM_SAT_O2, not MDC_PULS_OXIM_PULS_RATE'],
    ['SpO2 in /min', () => withField('OBX', 6, '/min^/min^UCUM'), 'OBX 1: OBX-6 /min is not a unit of MDC_PULS_OXIM_SAT_O2'],
    ['a unit that is not UCUM', () => withField('OBX', 6, '262688^MDC_DIM_PERCENT^MDC'), 'OBX 1: OBX-6 must be unit^unit^UCUM'],
    ['a three-level OBX-4', () => withField('OBX', 4, '1.1.1'), 'OBX 1: OBX-4 is not MDS.VMD.CHAN.METRIC: "1.1.1"'],
    ['a zero in OBX-4', () => withField('OBX', 4, '1.0.1.1'), 'OBX 1: OBX-4 is not MDS.VMD.CHAN.METRIC'],
    ['OBX-4 repeated within an OBR', () => withField('OBX', 4, '1.1.1.1', 1), 'OBX 2: OBX-4 1.1.1.1 repeats within its OBR'],
    ['a value that is not a number', () => withField('OBX', 5, 'high'), 'OBX 1: OBX-5 is not a number: "high"'],
    ['a value type other than NM', () => withField('OBX', 2, 'ST'), 'OBX 1: OBX-2 must be NM'],
    ['result status X with a value', () => withField('OBX', 11, 'X'), 'OBX 1: OBX-11 must be R or F'],
    ['no observation time', () => withField('OBX', 14, ''), 'OBX 1: OBX-14 is not a time with zone'],
    ['no equipment', () => withField('OBX', 18, ''), 'OBX 1: OBX-18 (equipment) is empty'],
    ['OBX set ids skipping', () => withField('OBX', 1, '7', 2), 'OBX 3: OBX-1 is "7", expected 3'],
    ['not HL7 at all', () => 'PID|1', 'not an HL7 message'],
  ])('refuses %s', (_name, broken, problem) => {
    const problems = checkPcd01(broken());
    expect(problems.some((p) => p.startsWith(problem))).toBe(true);
  });
});
