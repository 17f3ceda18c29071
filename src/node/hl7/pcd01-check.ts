/**
 * A strict structural check of a PCD-01 ORU^R01 (clinical-references.md section 6): segment order,
 * the fields PCD-01 requires, MDC code and UCUM unit pairs, the OBX-4 containment shape. Used by the
 * tests on every message built and by the `hl7` verb before it prints one. It parses the text anew
 * (as a receiver would) and knows the codes from its own table below, written from
 * clinical-references.md sections 4 and 5 rather than taken from the catalogue the builder uses, so
 * a wrong code in src/shared/vitals.ts is caught rather than agreed with.
 */
import { Hl7Message, type Hl7Segment } from '@medplum/core';

/** MDC code (32-bit) → its reference id and the UCUM units a reading of it may carry. */
export const MDC_UNITS: Record<string, { refId: string; units: readonly string[] }> = {
  '150456': { refId: 'MDC_PULS_OXIM_SAT_O2', units: ['%'] },
  '149530': { refId: 'MDC_PULS_OXIM_PULS_RATE', units: ['/min'] },
  '149546': { refId: 'MDC_PULS_RATE_NON_INV', units: ['/min'] },
  '147842': { refId: 'MDC_ECG_HEART_RATE', units: ['/min'] },
  '151562': { refId: 'MDC_RESP_RATE', units: ['/min'] },
  '150021': { refId: 'MDC_PRESS_BLD_NONINV_SYS', units: ['mm[Hg]'] },
  '150022': { refId: 'MDC_PRESS_BLD_NONINV_DIA', units: ['mm[Hg]'] },
  '150023': { refId: 'MDC_PRESS_BLD_NONINV_MEAN', units: ['mm[Hg]'] },
  '150364': { refId: 'MDC_TEMP_BODY', units: ['Cel', '[degF]'] },
  '188736': { refId: 'MDC_MASS_BODY_ACTUAL', units: ['kg', 'g', '[lb_av]', '[oz_av]'] },
  '160184': { refId: 'MDC_CONC_GLU_CAPILLARY_WHOLEBLOOD', units: ['mg/dL', 'mmol/L'] },
  '150488': { refId: 'MDC_BLD_PERF_INDEX', units: ['%'] },
};

const PROFILE = 'IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO';
export const DTM = /^\d{14}(\.\d{1,4})?[+-]\d{4}$/;
/** Four non-zero levels: a zero marks a row describing a container (MDS 1.0.0.0, a channel 1.1.1.0), never a value (TF-2). */
export const CONTAINMENT = /^[1-9]\d*\.[1-9]\d*\.[1-9]\d*\.[1-9]\d*$/;
export const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** MSH, PID, PV1, then one or more OBR each with one or more OBX (ORU_R01 as PCD-01 profiles it). */
const SEGMENT_ORDER = /^MSH PID PV1( OBR( OBX)+)+$/;

export const field = (segment: Hl7Segment, index: number): string => segment.getField(index)?.toString() ?? '';

/** MSH of a message the station sends (PCD-01 or PCD-04): its type and profile, v2.6, AL/NE. */
export function checkMessageHeader(msh: Hl7Segment, messageType: string, profile: string, problems: string[]): void {
  const expect = (index: number, value: string) => {
    if (field(msh, index) !== value) problems.push(`MSH-${index} must be ${value}, is "${field(msh, index)}"`);
  };
  expect(2, '^~\\&');
  if (!field(msh, 3)) problems.push('MSH-3 (sending application) is empty');
  if (!DTM.test(field(msh, 7))) problems.push(`MSH-7 is not a time with zone: "${field(msh, 7)}"`);
  expect(9, messageType);
  if (!field(msh, 10)) problems.push('MSH-10 (message control id) is empty');
  expect(11, 'P');
  expect(12, '2.6');
  expect(15, 'AL');
  expect(16, 'NE');
  expect(21, profile);
}

export function checkPid(pid: Hl7Segment, problems: string[]): void {
  const identifiers = pid.getField(3)?.components ?? [];
  if (identifiers.length === 0 || identifiers.some((cx) => !cx[0])) problems.push('PID-3 needs at least one identifier, each with a value');
}

/** A numeric value (PCD-01's readings, PCD-04's source facet): NM, a known MDC code with its reference id, a number, a UCUM unit of that code. */
export function checkMdcValue(obx: Hl7Segment, at: string, problems: string[]): void {
  if (field(obx, 2) !== 'NM') problems.push(`${at}: OBX-2 must be NM, is "${field(obx, 2)}"`);
  const [code = '', refId = '', system = ''] = obx.getField(3)?.components[0] ?? [];
  const known = MDC_UNITS[code];
  if (system !== 'MDC') problems.push(`${at}: OBX-3 is not an MDC code: "${field(obx, 3)}"`);
  else if (!known) problems.push(`${at}: OBX-3 has an unknown MDC code ${code}`);
  else if (known.refId !== refId) problems.push(`${at}: OBX-3 code ${code} is ${known.refId}, not ${refId}`);
  if (!NUMBER.test(field(obx, 5))) problems.push(`${at}: OBX-5 is not a number: "${field(obx, 5)}"`);
  const [unit = '', unitText = '', unitSystem = ''] = obx.getField(6)?.components[0] ?? [];
  if (unitSystem !== 'UCUM' || unit !== unitText) problems.push(`${at}: OBX-6 must be unit^unit^UCUM, is "${field(obx, 6)}"`);
  else if (known && !known.units.includes(unit)) problems.push(`${at}: OBX-6 ${unit} is not a unit of ${known.refId}`);
}

export function checkResultStatus(obx: Hl7Segment, at: string, problems: string[]): void {
  if (!['R', 'F'].includes(field(obx, 11))) problems.push(`${at}: OBX-11 must be R or F for a value, is "${field(obx, 11)}"`);
}

function checkObx(obx: Hl7Segment, expectedSetId: number, seenInObr: Set<string>, problems: string[]): void {
  const at = `OBX ${expectedSetId}`;
  if (field(obx, 1) !== String(expectedSetId)) problems.push(`${at}: OBX-1 is "${field(obx, 1)}", expected ${expectedSetId}`);
  checkMdcValue(obx, at, problems);
  const containment = field(obx, 4);
  if (!CONTAINMENT.test(containment)) problems.push(`${at}: OBX-4 is not MDS.VMD.CHAN.METRIC: "${containment}"`);
  else if (seenInObr.has(containment)) problems.push(`${at}: OBX-4 ${containment} repeats within its OBR`);
  seenInObr.add(containment);
  checkResultStatus(obx, at, problems);
  if (!DTM.test(field(obx, 14))) problems.push(`${at}: OBX-14 is not a time with zone: "${field(obx, 14)}"`);
  if (!obx.getField(18)?.components[0]?.[0]) problems.push(`${at}: OBX-18 (equipment) is empty`);
}

/** `text` parsed anew as a receiver would, with its segment names in order; or why it is no HL7 at all. */
export function parseForCheck(text: string): { message: Hl7Message; names: string } | { problem: string } {
  try {
    const message = Hl7Message.parse(text);
    return { message, names: message.segments.map((segment) => segment.name).join(' ') };
  } catch (error) {
    return { problem: `not an HL7 message: ${(error as Error).message}` };
  }
}

/** The problems of `text` as a PCD-01 ORU^R01, each naming its segment and field; none for a valid message. */
export function checkPcd01(text: string): string[] {
  const parsed = parseForCheck(text);
  if ('problem' in parsed) return [parsed.problem];
  const { message, names } = parsed;
  const problems: string[] = [];
  if (!SEGMENT_ORDER.test(names)) problems.push(`segments must be MSH PID PV1 (OBR OBX...)..., are ${names}`);
  checkMessageHeader(message.segments[0]!, 'ORU^R01^ORU_R01', PROFILE, problems);
  const pid = message.getSegment('PID');
  if (pid) checkPid(pid, problems);
  let obrSetId = 0;
  let obxSetId = 0;
  let seenInObr = new Set<string>();
  for (const segment of message.segments) {
    if (segment.name === 'OBR') {
      obrSetId++;
      seenInObr = new Set();
      if (field(segment, 1) !== String(obrSetId)) problems.push(`OBR ${obrSetId}: OBR-1 is "${field(segment, 1)}"`);
      if (!segment.getField(3)?.components[0]?.[0]) problems.push(`OBR ${obrSetId}: OBR-3 (filler order number) is empty`);
      if (!field(segment, 4)) problems.push(`OBR ${obrSetId}: OBR-4 (universal service id) is empty`);
      if (!DTM.test(field(segment, 7))) problems.push(`OBR ${obrSetId}: OBR-7 is not a time with zone: "${field(segment, 7)}"`);
    } else if (segment.name === 'OBX') {
      checkObx(segment, ++obxSetId, seenInObr, problems);
    }
  }
  return problems;
}
