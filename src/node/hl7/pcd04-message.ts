/**
 * A change of one alarm as one HL7 v2.6 ORU^R40 of the IHE PCD-04 "Report Alert" transaction
 * (Alarm Communication Management, ACM), per:
 *   - IHE PCD Technical Framework Vol. 2 (PCD TF-2), Rev. 9.0 Final Text, 2019-12-12, transaction
 *     PCD-04 "Report Alert" (section 3.4 by the volume's order of transactions; only its table of
 *     contents and excerpts could be read here): ORU^R40^ORU_R40, MSH-15/16 AL/NE, one OBR per
 *     alert with OBR-4 196616^MDC_EVT_ALARM^MDC, the alert's facets as OBX under it;
 *   - IHE PCD TF Supplement "Alarm Communication Management (ACM)", Rev. 1.3 Trial
 *     Implementation, 2012-08-16, section 3.Z.7 (facets told apart by OBX-4's last level; priority
 *     and source kind in OBX-8 of facet 1 only, not repeated; event phase, alarm state and
 *     inactivation state values);
 *   - IEEE 11073-10101 codes as the HL7 Terminology value set "DeviceAlert Condition Codes"
 *     (http://terminology.hl7.org/ValueSet/devicealert-condition, MDC nomenclature 2024-12-05)
 *     lists them. The facet attribute codes (68481..68483) and MSH-21 OID are those of the public
 *     PCD-04 samples and implementations, not read in the IEEE list itself (README says so).
 *
 *   MSH  as PCD-01's (pcd01-message.ts) but ORU^R40^ORU_R40 and MSH-21 IHE_PCD_ACM_001
 *   PID  PV1  the same as PCD-01's (the patient exactly as the FHIR export has them)
 *   OBR  OBR-3 the alarm's record id (EI, the station's namespace): the same in every report of
 *        one alarm, which is what ties its start, acknowledgement and end together;
 *        OBR-4 196616^MDC_EVT_ALARM^MDC; OBR-7 when this change happened
 *   OBX  facet 1 event identification (CWE: the MDC event code, the screen's words in CWE.9),
 *        OBX-8 abnormality (L/H, limit alarms) ~ priority (PH/PM/PL) ~ source (SP/ST), OBX-14 the
 *        alarm's start, OBX-18 the device (technical alarms);
 *        facet 2 the source: the metric's MDC code with the value that raised the alarm and its
 *        UCUM unit (NM), or 68480 MDC_ATTR_ALERT_SOURCE naming the device (ST);
 *        facet 3 68481 MDC_ATTR_EVENT_PHASE, facet 4 68482 MDC_ATTR_ALARM_STATE,
 *        facet 5 68483 MDC_ATTR_ALARM_INACTIVATION_STATE.
 * OBX-4 is MDS.VMD.CHAN.METRIC.FACET: 1.1.1.1.n for an alarm about a metric, 1.0.0.0.n for one
 * about a whole device (disconnected).
 */
import { Hl7Message } from '@medplum/core';
import { TECHNICAL_CONDITIONS, type TechnicalCondition } from '../../shared/clinical/technical-conditions';
import { isMetric, mdcOf, type MeasurementSource, type Metric } from '../../shared/vitals';
import type { AlarmPriority, AlarmSource, PatientRecord, StoredAlarm } from '../records/store';
import { escapeHl7, hl7DateTime } from './hl7-text';
import { CONTEXT, SENDING_APPLICATION, equipment, messageHeader, patientIdentification, patientVisit, segment, type Pcd01Options } from './pcd01-message';

const PCD04_PROFILE = 'IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO';
const PCD04_MESSAGE_TYPE = 'ORU^R40^ORU_R40';
/** OBR-4 and OBX-3 of facet 1: an alarm (NOS), IEEE 11073-10101 3::8. */
const MDC_EVT_ALARM = '196616^MDC_EVT_ALARM^MDC';
const EVENT_PHASE = '68481^MDC_ATTR_EVENT_PHASE^MDC';
const ALARM_STATE = '68482^MDC_ATTR_ALARM_STATE^MDC';
const INACTIVATION_STATE = '68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC';
const ALERT_SOURCE = '68480^MDC_ATTR_ALERT_SOURCE^MDC';

/**
 * The event codes of the conditions the station raises. Limit alarms: MDC_EVT_HI (3::40) and
 * MDC_EVT_LO (3::44); a device gone: MDC_EVT_DISCONN (3::22). For the other technical conditions
 * (sensor off the patient, no data, weak signal, battery low) no code could be confirmed in a
 * public copy of the nomenclature, so they go as MDC_EVT_ALARM (NOS) with the screen's words.
 */
const EVENT_CODES = {
  high: '196648^MDC_EVT_HI^MDC',
  low: '196652^MDC_EVT_LO^MDC',
  disconnected: '196630^MDC_EVT_DISCONN^MDC',
} as const;

/** IEC 60601-1-8 priorities as ACM's OBX-8 codes. */
const PRIORITY_FLAGS: Record<AlarmPriority, string> = { high: 'PH', medium: 'PM', low: 'PL' };

/**
 * ACM event phases the station reports: start; update (acknowledged: a change that is not a state
 * transition); escalate (priority raised); continue (the condition came back within the engine's
 * re-raise window: the same alarm goes on); end (its condition ended).
 */
export type AlarmPhase = 'start' | 'update' | 'escalate' | 'continue' | 'end';

/** One change of an alarm as the records kept it at that moment (hl7_alarm_events). */
export interface AlarmEvent {
  phase: AlarmPhase;
  at: number;
  priority: AlarmPriority;
  acknowledged: boolean;
  conditionPresent: boolean;
}

export interface AlarmReport {
  /** MSH-10, stable per outbox item. */
  controlId: string;
  /** MSH-7: when the report was queued, so a resend is the same message. */
  formedAt: number;
  patient: PatientRecord;
  alarm: Pick<StoredAlarm, 'id' | 'kind' | 'condition' | 'raisedAt'> & { source: AlarmSource };
  event: AlarmEvent;
  /** The kind of device the alarm's metric came from, where its MDC code depends on it (a pulse). */
  measurementSource: MeasurementSource | null;
}

/** What an alarm key names: `physiological:<metric>:<side>` or `technical:<deviceId>:<condition>[:<metric>]`. */
export type AlarmCondition =
  | { kind: 'physiological'; metric: Metric; side: 'low' | 'high' }
  | { kind: 'technical'; deviceId: string; condition: TechnicalCondition; metric: Metric | null };

function isTechnicalCondition(text: string | undefined): text is TechnicalCondition {
  return (TECHNICAL_CONDITIONS as readonly (string | undefined)[]).includes(text);
}

/** Reads the alarm engine's key; a device id may itself hold colons, so a technical key is read from its end. */
export function parseAlarmKey(key: string): AlarmCondition | null {
  const parts = key.split(':');
  if (parts[0] === 'physiological' && parts.length === 3 && isMetric(parts[1]!) && (parts[2] === 'low' || parts[2] === 'high')) {
    return { kind: 'physiological', metric: parts[1], side: parts[2] };
  }
  if (parts[0] !== 'technical' || parts.length < 3) return null;
  const last = parts.at(-1)!;
  if (isTechnicalCondition(last)) return { kind: 'technical', deviceId: parts.slice(1, -1).join(':'), condition: last, metric: null };
  const condition = parts.at(-2);
  if (parts.length < 4 || !isTechnicalCondition(condition) || !isMetric(last)) return null;
  return { kind: 'technical', deviceId: parts.slice(1, -2).join(':'), condition, metric: last };
}

function obx(setId: number, type: 'CWE' | 'NM' | 'ST', code: string, subId: string, value: string, rest: { unit?: string; flags?: string; time?: number; equipment?: string } = {}) {
  return segment(['OBX', String(setId), type, code, subId, value, rest.unit ?? '', '', rest.flags ?? '', '', '', 'R', '', '', rest.time === undefined ? '' : hl7DateTime(rest.time), '', '', '', rest.equipment ?? '']);
}

/** The ORU^R40 of one change of an alarm; null when its key is not one the station knows (nothing to report). */
export function pcd04Message(report: AlarmReport, options: Pcd01Options): Hl7Message | null {
  const condition = parseAlarmKey(report.alarm.source.key);
  if (condition === null) return null;
  const metric = condition.metric;
  const containment = metric === null ? '1.0.0.0' : '1.1.1.1';
  const device = condition.kind === 'technical' ? equipment(condition.deviceId, options) : undefined;
  const eventCode = condition.kind === 'physiological' ? EVENT_CODES[condition.side] : condition.condition === 'disconnected' ? EVENT_CODES.disconnected : MDC_EVT_ALARM;
  const flags = [
    ...(condition.kind === 'physiological' ? [condition.side === 'low' ? 'L' : 'H'] : []),
    PRIORITY_FLAGS[report.event.priority],
    condition.kind === 'physiological' ? 'SP' : 'ST',
  ].join('~');
  const filler = `${escapeHl7(report.alarm.id)}^${SENDING_APPLICATION}^${options.ids.stationId}^L`;
  const { value, unit } = report.alarm.source;
  const mdc = metric === null ? null : mdcOf(metric, report.measurementSource);
  const source =
    mdc !== null && value !== null && unit !== null
      ? obx(2, 'NM', `${mdc.code}^${mdc.refId}^MDC`, `${containment}.2`, String(value), { unit: `${escapeHl7(unit)}^${escapeHl7(unit)}^UCUM` })
      : obx(2, 'ST', ALERT_SOURCE, `${containment}.2`, escapeHl7(condition.kind === 'technical' ? condition.deviceId : condition.metric), { equipment: device });
  const segments = [
    messageHeader(PCD04_MESSAGE_TYPE, PCD04_PROFILE, report.controlId, report.formedAt, options),
    patientIdentification(report.patient, options),
    patientVisit(),
    segment(['OBR', '1', '', filler, MDC_EVT_ALARM, '', '', hl7DateTime(report.event.at)]),
    obx(1, 'CWE', MDC_EVT_ALARM, `${containment}.1`, `${eventCode}^^^^^^${escapeHl7(report.alarm.condition)}`, { flags, time: report.alarm.raisedAt, equipment: device }),
    source,
    obx(3, 'ST', EVENT_PHASE, `${containment}.3`, report.event.phase),
    obx(4, 'ST', ALARM_STATE, `${containment}.4`, report.event.conditionPresent ? 'active' : 'inactive'),
    obx(5, 'ST', INACTIVATION_STATE, `${containment}.5`, report.event.acknowledged ? 'alert-acknowledged' : 'enabled'),
  ];
  return new Hl7Message(segments, CONTEXT);
}
