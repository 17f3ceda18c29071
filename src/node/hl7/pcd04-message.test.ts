import { Hl7Message } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { ALARM_METRICS } from '../../shared/clinical/alarm-limits';
import { METRIC_DEFINITIONS } from '../../shared/vitals';
import { StationIds } from '../fhir/stable-ids';
import type { PatientRecord } from '../records/store';
import { pcd01Message } from './pcd01-message';
import { checkPcd04 } from './pcd04-check';
import { parseAlarmKey, pcd04Message, type AlarmReport } from './pcd04-message';

const ids = new StationIds('station-hl7-test');
const options = { ids, patientIdentifierSystem: 'urn:oid:1.2.36.146.595.217.0.1' };
const T0 = Date.UTC(2026, 11, 7, 9, 30, 0);
const patient: PatientRecord = { id: 'p-1', givenName: 'Ann', familyName: 'Lee', birthDate: '1950-03-04', gender: 'female', identifier: 'MRN-77', createdAt: T0 };

function spo2Low(event: Partial<AlarmReport['event']> = {}): AlarmReport {
  return {
    controlId: '7',
    formedAt: T0 + 1_000,
    patient,
    alarm: { id: 'alarm-1', kind: 'physiological', condition: 'SpO₂ low', raisedAt: T0, source: { key: 'physiological:spo2:low', value: 86, unit: '%', limit: 90 } },
    event: { phase: 'start', at: T0, priority: 'high', acknowledged: false, conditionPresent: true, ...event },
    measurementSource: 'pulse-oximeter',
  };
}

function probeOff(): AlarmReport {
  return {
    ...spo2Low(),
    alarm: { id: 'alarm-2', kind: 'technical', condition: 'Oximeter: sensor off the patient', raisedAt: T0, source: { key: 'technical:hid:10c4:ea60:probe-off', value: null, unit: null, limit: null } },
    event: { phase: 'start', at: T0, priority: 'medium', acknowledged: false, conditionPresent: true },
  };
}

const build = (report: AlarmReport) => pcd04Message(report, options)!.toString();
const lines = (text: string) => text.split('\r');

describe('PCD-04 ORU^R40 of an alarm change', () => {
  it('reports a physiological limit alarm as the ACM structure: OBR per alert, five facets', () => {
    const text = build(spo2Low());
    expect(checkPcd04(text)).toEqual([]);
    const [msh, pid, pv1, ...rest] = lines(text);
    expect(msh).toBe('MSH|^~\\&|VitalBridge^station-hl7-test^L||||20261207093001.000+0000||ORU^R40^ORU_R40|7|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO');
    // PID and PV1 are PCD-01's own, not a copy: the same patient gives the same segments.
    const pcd01 = lines(pcd01Message({ controlId: '1', formedAt: T0, patient, readings: [{ id: 1, patientId: 'p-1', visitId: null, deviceId: 'oxi', deviceTime: null, receivedAt: T0, source: 'pulse-oximeter', measurementId: null, metric: 'spo2', value: 97, unit: '%' }] }, options)!.toString());
    expect([pid, pv1]).toEqual([pcd01[1], pcd01[2]]);
    expect(rest).toEqual([
      'OBR|1||alarm-1^VitalBridge^station-hl7-test^L|196616^MDC_EVT_ALARM^MDC|||20261207093000.000+0000',
      'OBX|1|CWE|196616^MDC_EVT_ALARM^MDC|1.1.1.1.1|196652^MDC_EVT_LO^MDC^^^^^^SpO₂ low|||L~PH~SP|||R|||20261207093000.000+0000||||',
      'OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.1.1.1.2|86|%^%^UCUM|||||R|||||||',
      'OBX|3|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.1.1.1.3|start||||||R|||||||',
      'OBX|4|ST|68482^MDC_ATTR_ALARM_STATE^MDC|1.1.1.1.4|active||||||R|||||||',
      'OBX|5|ST|68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC|1.1.1.1.5|enabled||||||R|||||||',
    ]);
  });

  it('gives the acknowledgement and the end the same alert identifier, with their phase and states', () => {
    const facets = (text: string) => Hl7Message.parse(text).getAllSegments('OBX').slice(2).map((obx) => obx.getField(5).toString());
    const obr3 = (text: string) => Hl7Message.parse(text).getSegment('OBR')!.getField(3).toString();
    const acknowledged = build(spo2Low({ phase: 'update', at: T0 + 20_000, acknowledged: true }));
    const ended = build(spo2Low({ phase: 'end', at: T0 + 40_000, acknowledged: true, conditionPresent: false }));
    for (const text of [acknowledged, ended]) expect(checkPcd04(text)).toEqual([]);
    expect(new Set([obr3(build(spo2Low())), obr3(acknowledged), obr3(ended)])).toEqual(new Set(['alarm-1^VitalBridge^station-hl7-test^L']));
    expect(facets(acknowledged)).toEqual(['update', 'active', 'alert-acknowledged']);
    expect(facets(ended)).toEqual(['end', 'inactive', 'alert-acknowledged']);
    expect(Hl7Message.parse(ended).getSegment('OBR')!.getField(7).toString()).toBe('20261207093040.000+0000');
  });

  it('codes high limits MDC_EVT_HI with H, escalation with its new priority', () => {
    const report = spo2Low({ phase: 'escalate', priority: 'high' });
    report.alarm = { ...report.alarm, condition: 'Pulse high', source: { key: 'physiological:pulseRate:high', value: 131, unit: '/min', limit: 120 } };
    const text = build(report);
    expect(checkPcd04(text)).toEqual([]);
    const [identification, source] = Hl7Message.parse(text).getAllSegments('OBX');
    expect(identification!.getField(5).toString()).toBe('196648^MDC_EVT_HI^MDC^^^^^^Pulse high');
    expect(identification!.getField(8).toString()).toBe('H~PH~SP');
    expect(source!.getField(3).toString()).toBe('149530^MDC_PULS_OXIM_PULS_RATE^MDC');
  });

  it('reports a technical alarm against its device, as MDC_EVT_ALARM with the words, and a disconnection as MDC_EVT_DISCONN', () => {
    const text = build(probeOff());
    expect(checkPcd04(text)).toEqual([]);
    const [identification, source] = Hl7Message.parse(text).getAllSegments('OBX');
    expect(identification!.getField(5).toString()).toBe('196616^MDC_EVT_ALARM^MDC^^^^^^Oximeter: sensor off the patient');
    expect(identification!.getField(8).toString()).toBe('PM~ST');
    expect(identification!.getField(4).toString()).toBe('1.0.0.0.1');
    expect(identification!.getField(18).toString()).toBe('hid:10c4:ea60^VitalBridge^station-hl7-test^L');
    expect([source!.getField(2).toString(), source!.getField(3).toString(), source!.getField(5).toString()]).toEqual(['ST', '68480^MDC_ATTR_ALERT_SOURCE^MDC', 'hid:10c4:ea60']);
    const gone = probeOff();
    gone.alarm = { ...gone.alarm, condition: 'Oximeter disconnected', source: { ...gone.alarm.source, key: 'technical:sim-oxi:disconnected' } };
    expect(Hl7Message.parse(build(gone)).getAllSegments('OBX')[0]!.getField(5).getComponent(1)).toBe('196630');
  });

  it('names the source metric when its code needs a device kind that is not known', () => {
    const report = { ...spo2Low(), measurementSource: null };
    report.alarm = { ...report.alarm, source: { key: 'physiological:pulseRate:low', value: 38, unit: '/min', limit: 40 } };
    const text = build(report);
    expect(checkPcd04(text)).toEqual([]);
    expect(Hl7Message.parse(text).getAllSegments('OBX')[1]!.getField(5).toString()).toBe('pulseRate');
  });

  it.each(ALARM_METRICS.flatMap((metric) => (['low', 'high'] as const).map((side) => [metric, side] as const)))('builds a valid report for every limit alarm the engine raises: %s %s', (metric, side) => {
    const report = spo2Low();
    const unit = METRIC_DEFINITIONS[metric].units[0]!;
    report.alarm = { ...report.alarm, condition: `${metric} ${side}`, source: { key: `physiological:${metric}:${side}`, value: 50, unit, limit: 60 } };
    const source = metric === 'pulseRate' ? 'pulse-oximeter' : metric === 'heartRate' ? 'ecg' : metric === 'glucose' ? 'glucometer' : null;
    const text = build({ ...report, measurementSource: source });
    expect(checkPcd04(text)).toEqual([]);
    // The value and its unit travel, not the metric's name.
    expect(Hl7Message.parse(text).getAllSegments('OBX')[1]!.getField(2).toString()).toBe('NM');
  });

  it('escapes the words of the condition', () => {
    const report = spo2Low();
    report.alarm = { ...report.alarm, condition: 'SpO₂ low | check ^probe' };
    const text = build(report);
    expect(checkPcd04(text)).toEqual([]);
    expect(Hl7Message.parse(text).getAllSegments('OBX')[0]!.getField(5).getComponent(9)).toBe('SpO₂ low \\F\\ check \\S\\probe');
  });

  it('builds nothing for a key the station does not know', () => {
    const report = spo2Low();
    report.alarm = { ...report.alarm, source: { ...report.alarm.source, key: 'physiological:spo2:sideways' } };
    expect(pcd04Message(report, options)).toBeNull();
  });
});

describe('alarm keys', () => {
  it.each([
    ['physiological:spo2:low', { kind: 'physiological', metric: 'spo2', side: 'low' }],
    ['technical:sim-oxi:disconnected', { kind: 'technical', deviceId: 'sim-oxi', condition: 'disconnected', metric: null }],
    ['technical:hid:0590:0028:no-data:pulseRate', { kind: 'technical', deviceId: 'hid:0590:0028', condition: 'no-data', metric: 'pulseRate' }],
    ['technical:no-data', null],
    ['technical:x:melted', null],
    ['technical:x:no-data:cholesterol', null],
    ['physiological:spo2', null],
    ['physiological:mood:low', null],
    ['other:spo2:low', null],
  ])('reads %s', (key, expected) => {
    expect(parseAlarmKey(key)).toEqual(expected);
  });
});

describe('the PCD-04 structural check, against broken messages', () => {
  const valid = () => build(spo2Low());
  function withField(name: string, index: number, value: string, nth = 0): string {
    const message = Hl7Message.parse(valid());
    message.getAllSegments(name)[nth]!.setField(index, value);
    return message.toString();
  }
  const withoutLine = (prefix: string) => lines(valid()).filter((line) => !line.startsWith(prefix)).join('\r');

  it.each([
    ['a missing facet', () => withoutLine('OBX|5|'), 'segments must be MSH PID PV1 OBR OBX OBX OBX OBX OBX'],
    ['a second alert', () => `${valid()}\rOBR|2||x|196616^MDC_EVT_ALARM^MDC`, 'segments must be'],
    ['no PV1', () => withoutLine('PV1|'), 'segments must be'],
    ['PCD-01 message type', () => withField('MSH', 9, 'ORU^R01^ORU_R01'), 'MSH-9 must be ORU^R40^ORU_R40'],
    ['PCD-01 profile', () => withField('MSH', 21, 'IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO'), 'MSH-21 must be IHE_PCD_ACM_001'],
    ['no alert identifier', () => withField('OBR', 3, ''), 'OBR: OBR-3 (the alert identifier) is empty'],
    ['monitoring of patient in OBR-4', () => withField('OBR', 4, '182777000^monitoring of patient^SCT'), 'OBR: OBR-4 must be 196616^MDC_EVT_ALARM^MDC'],
    ['no event time', () => withField('OBR', 7, ''), 'OBR: OBR-7 is not a time with zone'],
    ['an unknown event code', () => withField('OBX', 5, '196999^MDC_EVT_WHATEVER^MDC'), 'OBX 1: OBX-5 is not a known MDC event code'],
    ['an event code under the wrong name', () => withField('OBX', 5, '196652^MDC_EVT_HI^MDC'), 'OBX 1: OBX-5 code 196652 is MDC_EVT_LO, not MDC_EVT_HI'],
    ['no priority', () => withField('OBX', 8, 'L~SP'), 'OBX 1: OBX-8 needs exactly one priority'],
    ['two priorities', () => withField('OBX', 8, 'L~PH~PL~SP'), 'OBX 1: OBX-8 needs exactly one priority'],
    ['no source kind', () => withField('OBX', 8, 'L~PH'), 'OBX 1: OBX-8 needs exactly one source kind'],
    ['an unknown flag', () => withField('OBX', 8, 'L~PH~SP~ZZ'), 'OBX 1: OBX-8 has an unknown flag'],
    ['H on a low alarm', () => withField('OBX', 8, 'H~PH~SP'), 'OBX 1: OBX-8 must carry L for MDC_EVT_LO'],
    ['a limit alarm called technical', () => withField('OBX', 8, 'L~PH~ST'), 'OBX 1: a limit alarm is physiological (SP)'],
    ['no start time', () => withField('OBX', 14, ''), 'OBX 1: OBX-14 (when the alarm started) is not a time with zone'],
    ['facet type not CWE', () => withField('OBX', 2, 'ST'), 'OBX 1: OBX-2 must be CWE'],
    ['SpO2 in /min', () => withField('OBX', 6, '/min^/min^UCUM', 1), 'OBX 2: OBX-6 /min is not a unit of MDC_PULS_OXIM_SAT_O2'],
    ['a source that is not a number', () => withField('OBX', 5, 'low', 1), 'OBX 2: OBX-5 is not a number'],
    ['an ST source without ALERT_SOURCE', () => withField('OBX', 2, 'ST', 1), 'OBX 2: an ST source must be 68480^MDC_ATTR_ALERT_SOURCE^MDC'],
    ['facet ids out of place', () => withField('OBX', 4, '1.1.1.1.4', 2), 'OBX 3: OBX-4 must be MDS.VMD.CHAN.METRIC.3'],
    ['facets of two places', () => withField('OBX', 4, '1.1.2.1.3', 2), 'the facets of one alert must share one OBX-4 place'],
    ['a zero channel under a metric place', () => withField('OBX', 4, '1.1.0.1.1'), 'OBX 1: OBX-4 must be MDS.VMD.CHAN.METRIC.1'],
    ['an unknown phase', () => withField('OBX', 5, 'begin', 2), 'OBX 3: OBX-5 "begin" is not one of'],
    ['the phase under another code', () => withField('OBX', 3, '68482^MDC_ATTR_ALARM_STATE^MDC', 2), 'OBX 3: OBX-3 must be 68481^MDC_ATTR_EVENT_PHASE^MDC'],
    ['an unknown alarm state', () => withField('OBX', 5, 'ringing', 3), 'OBX 4: OBX-5 "ringing" is not one of'],
    ['an unknown inactivation state', () => withField('OBX', 5, 'silenced', 4), 'OBX 5: OBX-5 "silenced" is not one of'],
    ['a start that is not active', () => withField('OBX', 5, 'inactive', 3), 'an alert that starts must be active'],
    ['a result status X', () => withField('OBX', 11, 'X', 3), 'OBX 4: OBX-11 must be R or F'],
    ['OBX set ids skipping', () => withField('OBX', 1, '9', 4), 'OBX 5: OBX-1 is "9", expected 5'],
    ['no patient identifier', () => withField('PID', 3, ''), 'PID-3 needs at least one identifier'],
    ['not HL7 at all', () => 'PID|1', 'not an HL7 message'],
  ])('refuses %s', (_name, broken, problem) => {
    const problems = checkPcd04(broken());
    expect(problems.some((p) => p.startsWith(problem))).toBe(true);
  });

  it('refuses an end reported as active', () => {
    const text = build(spo2Low({ phase: 'end', conditionPresent: false }));
    const message = Hl7Message.parse(text);
    message.getAllSegments('OBX')[3]!.setField(5, 'active');
    expect(checkPcd04(message.toString())).toContain('an alert that ends cannot be active');
  });
});
