/**
 * A strict structural check of a PCD-04 ORU^R40 as the station sends it (pcd04-message.ts says
 * which sources): MSH PID PV1, one OBR for one alert, then its five facets in order. It parses the
 * text anew, as a receiver would, and knows the event codes and facet values from its own tables
 * below rather than the builder's, so a wrong code in the builder is caught, not agreed with.
 * Shared parts (MSH, PID, a numeric value's MDC code and UCUM unit) are pcd01-check.ts's.
 */
import type { Hl7Segment } from '@medplum/core';
import { CONTAINMENT, DTM, checkMdcValue, checkMessageHeader, checkPid, checkResultStatus, field, parseForCheck } from './pcd01-check';

const PROFILE = 'IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO';
const ALARM = ['196616', 'MDC_EVT_ALARM', 'MDC'];
/** The event codes facet 1 may name (IEEE 11073-10101 partition 3), with the abnormality flag each requires. */
const EVENTS: Record<string, { refId: string; abnormality: 'L' | 'H' | null }> = {
  '196648': { refId: 'MDC_EVT_HI', abnormality: 'H' },
  '196652': { refId: 'MDC_EVT_LO', abnormality: 'L' },
  '196630': { refId: 'MDC_EVT_DISCONN', abnormality: null },
  '196616': { refId: 'MDC_EVT_ALARM', abnormality: null },
};
const PRIORITIES = ['PH', 'PM', 'PL', 'PN'];
const SOURCE_KINDS = ['SP', 'ST', 'SA'];
/** Facets 3-5: OBX-3 and the values ACM (supplement section 3.Z.7) allows. */
const STATE_FACETS: { facet: number; code: string[]; values: readonly string[] }[] = [
  { facet: 3, code: ['68481', 'MDC_ATTR_EVENT_PHASE', 'MDC'], values: ['start', 'start-only', 'tpoint', 'continue', 'update', 'escalate', 'de-escalate', 'end'] },
  { facet: 4, code: ['68482', 'MDC_ATTR_ALARM_STATE', 'MDC'], values: ['off', 'inactive', 'active', 'latched'] },
  { facet: 5, code: ['68483', 'MDC_ATTR_ALARM_INACTIVATION_STATE', 'MDC'], values: ['enabled', 'audio-paused', 'audio-off', 'alarm-paused', 'alarm-off', 'alert-acknowledged'] },
];
const ALERT_SOURCE = ['68480', 'MDC_ATTR_ALERT_SOURCE', 'MDC'];
const SEGMENT_ORDER = 'MSH PID PV1 OBR OBX OBX OBX OBX OBX';
/** The alert's place: a metric (four non-zero levels) or a whole device (MDS only). */
const PLACE = /^(.+)\.(\d+)$/;

const code = (segment: Hl7Segment, index: number): string[] => segment.getField(index)?.components[0] ?? [];
const sameCode = (actual: string[], expected: string[]) => expected.every((part, index) => actual[index] === part);

function checkObr(obr: Hl7Segment, problems: string[]): void {
  if (field(obr, 1) !== '1') problems.push(`OBR: OBR-1 is "${field(obr, 1)}", expected 1`);
  if (!code(obr, 3)[0]) problems.push('OBR: OBR-3 (the alert identifier) is empty');
  if (!sameCode(code(obr, 4), ALARM)) problems.push(`OBR: OBR-4 must be 196616^MDC_EVT_ALARM^MDC, is "${field(obr, 4)}"`);
  if (!DTM.test(field(obr, 7))) problems.push(`OBR: OBR-7 is not a time with zone: "${field(obr, 7)}"`);
}

function checkEventIdentification(obx: Hl7Segment, problems: string[]): void {
  if (field(obx, 2) !== 'CWE') problems.push(`OBX 1: OBX-2 must be CWE, is "${field(obx, 2)}"`);
  if (!sameCode(code(obx, 3), ALARM)) problems.push(`OBX 1: OBX-3 must be 196616^MDC_EVT_ALARM^MDC, is "${field(obx, 3)}"`);
  const [eventCode = '', refId = '', system = ''] = code(obx, 5);
  const event = EVENTS[eventCode];
  if (system !== 'MDC' || !event) problems.push(`OBX 1: OBX-5 is not a known MDC event code: "${field(obx, 5)}"`);
  else if (event.refId !== refId) problems.push(`OBX 1: OBX-5 code ${eventCode} is ${event.refId}, not ${refId}`);
  const flags = (obx.getField(8)?.components ?? []).map((repetition) => repetition[0] ?? '');
  const priorities = flags.filter((flag) => PRIORITIES.includes(flag));
  const sources = flags.filter((flag) => SOURCE_KINDS.includes(flag));
  const abnormal = flags.filter((flag) => flag === 'L' || flag === 'H');
  if (priorities.length !== 1) problems.push(`OBX 1: OBX-8 needs exactly one priority (PH, PM, PL, PN), has "${field(obx, 8)}"`);
  if (sources.length !== 1) problems.push(`OBX 1: OBX-8 needs exactly one source kind (SP, ST, SA), has "${field(obx, 8)}"`);
  if (flags.length !== priorities.length + sources.length + abnormal.length) problems.push(`OBX 1: OBX-8 has an unknown flag: "${field(obx, 8)}"`);
  const expected = event?.abnormality ?? null;
  if (event && (abnormal.length !== (expected ? 1 : 0) || (expected !== null && abnormal[0] !== expected))) {
    problems.push(`OBX 1: OBX-8 must ${expected ? `carry ${expected}` : 'carry no L/H'} for ${event.refId}, has "${field(obx, 8)}"`);
  }
  if (expected !== null && !sources.includes('SP')) problems.push('OBX 1: a limit alarm is physiological (SP)');
  if (!DTM.test(field(obx, 14))) problems.push(`OBX 1: OBX-14 (when the alarm started) is not a time with zone: "${field(obx, 14)}"`);
}

function checkSource(obx: Hl7Segment, problems: string[]): void {
  if (field(obx, 2) === 'ST') {
    if (!sameCode(code(obx, 3), ALERT_SOURCE)) problems.push(`OBX 2: an ST source must be 68480^MDC_ATTR_ALERT_SOURCE^MDC, is "${field(obx, 3)}"`);
    if (!field(obx, 5)) problems.push('OBX 2: OBX-5 (the alert source) is empty');
  } else {
    checkMdcValue(obx, 'OBX 2', problems);
  }
}

/** The problems of `text` as a PCD-04 ORU^R40 of one alert, each naming its segment and field; none for a valid message. */
export function checkPcd04(text: string): string[] {
  const parsed = parseForCheck(text);
  if ('problem' in parsed) return [parsed.problem];
  const { message, names } = parsed;
  const problems: string[] = [];
  if (names !== SEGMENT_ORDER) return [`segments must be ${SEGMENT_ORDER} (one alert, five facets), are ${names}`];
  const [msh, pid, , obr, ...facets] = message.segments as [Hl7Segment, Hl7Segment, Hl7Segment, Hl7Segment, ...Hl7Segment[]];
  checkMessageHeader(msh, 'ORU^R40^ORU_R40', PROFILE, problems);
  checkPid(pid, problems);
  checkObr(obr, problems);
  const places = new Set<string>();
  facets.forEach((obx, index) => {
    const facet = index + 1;
    if (field(obx, 1) !== String(facet)) problems.push(`OBX ${facet}: OBX-1 is "${field(obx, 1)}", expected ${facet}`);
    const [, place = '', facetId = ''] = PLACE.exec(field(obx, 4)) ?? [];
    if (facetId !== String(facet) || (place !== '1.0.0.0' && !CONTAINMENT.test(place))) {
      problems.push(`OBX ${facet}: OBX-4 must be MDS.VMD.CHAN.METRIC.${facet} (or 1.0.0.0.${facet} for a device), is "${field(obx, 4)}"`);
    }
    places.add(place);
    checkResultStatus(obx, `OBX ${facet}`, problems);
  });
  if (places.size > 1) problems.push(`the facets of one alert must share one OBX-4 place, have ${[...places].join(', ')}`);
  checkEventIdentification(facets[0]!, problems);
  checkSource(facets[1]!, problems);
  for (const { facet, code: expected, values } of STATE_FACETS) {
    const obx = facets[facet - 1]!;
    if (field(obx, 2) !== 'ST') problems.push(`OBX ${facet}: OBX-2 must be ST, is "${field(obx, 2)}"`);
    if (!sameCode(code(obx, 3), expected)) problems.push(`OBX ${facet}: OBX-3 must be ${expected.join('^')}, is "${field(obx, 3)}"`);
    if (!values.includes(field(obx, 5))) problems.push(`OBX ${facet}: OBX-5 "${field(obx, 5)}" is not one of ${values.join(', ')}`);
  }
  const phase = field(facets[2]!, 5);
  const state = field(facets[3]!, 5);
  if (phase === 'start' && state !== 'active') problems.push(`an alert that starts must be active, is "${state}"`);
  if (phase === 'end' && state === 'active') problems.push('an alert that ends cannot be active');
  return problems;
}
