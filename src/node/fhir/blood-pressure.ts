/**
 * A cuff's systolic, diastolic and mean of one measurement as one 85354-9 panel (R4 `bp` profile):
 * systolic and diastolic components always (a missing one as dataAbsentReason), mean when measured.
 */
import type { Observation, ObservationComponent } from '@medplum/fhirtypes';
import { BLOOD_PRESSURE_PARTS, type BloodPressurePart } from '../../shared/blood-pressure';
import { LOINC_SYSTEM, MDC_SYSTEM, type Coding } from '../../shared/vitals';
import type { StoredReading } from '../records/store';
import { DATA_ABSENT_SYSTEM, codeOf } from './codes';
import type { ResourceLinks } from './links';
import { effectiveDateTime, exportQuantity, observationBase } from './observations';

const BP_PANEL: Coding = { system: LOINC_SYSTEM, code: '85354-9', display: 'Blood pressure panel with all children optional' };
const BP_MDC: Coding = { system: MDC_SYSTEM, code: '150020', display: 'MDC_PRESS_BLD_NONINV' };
export type BpParts = Partial<Record<BloodPressurePart, StoredReading>>;

/** The parts that arrived first names the panel: its id is that reading's, whatever arrives later. */
function firstPart(parts: BpParts): StoredReading {
  const present = BLOOD_PRESSURE_PARTS.flatMap((part) => (parts[part] ? [parts[part]] : []));
  const first = present.reduce<StoredReading | undefined>((lowest, reading) => (lowest === undefined || reading.id < lowest.id ? reading : lowest), undefined);
  if (!first) throw new Error('a blood pressure panel needs at least one reading');
  return first;
}

/** The record id the panel of these parts is named after (its resource id and identifier derive from it). */
export function panelRecordId(parts: BpParts): number {
  return firstPart(parts).id;
}

export function bloodPressurePanel(parts: BpParts, links: ResourceLinks): Observation & { id: string } {
  const first = firstPart(parts);
  const timed = parts.systolic ?? parts.diastolic ?? first;
  const component = (metric: BloodPressurePart): ObservationComponent => {
    const reading = parts[metric];
    const code = codeOf(metric, reading?.source ?? null, 'mm[Hg]');
    if (reading) return { code, valueQuantity: exportQuantity(reading, ['mm[Hg]']) };
    return { code, dataAbsentReason: { coding: [{ system: DATA_ABSENT_SYSTEM, code: 'unknown', display: 'Unknown' }] } };
  };
  return {
    ...observationBase(links, { kind: 'bp-panel', recordId: first.id, effective: effectiveDateTime(timed), category: 'vital-signs', profile: 'bp', patientId: first.patientId, visitId: first.visitId, deviceId: first.deviceId }),
    code: { coding: [BP_PANEL, BP_MDC] },
    component: [component('systolic'), component('diastolic'), ...(parts.meanArterialPressure ? [component('meanArterialPressure')] : [])],
  };
}
