/**
 * An Encounter per visit: class from where it took place (v3 ActCode: AMB for a visit at a kiosk
 * or the station, HH at home, VR for a video visit), its period, the patient and the station.
 */
import type { Coding, Encounter, Patient, Reference } from '@medplum/fhirtypes';
import type { Visit } from '../records/store';
import { ACT_CODE_SYSTEM } from './codes';
import type { StationIds } from './stable-ids';

export const VISIT_SETTINGS = ['station', 'home', 'video'] as const;
export type VisitSetting = (typeof VISIT_SETTINGS)[number];

/** A visit and where it took place. */
export interface VisitRecord extends Visit {
  setting: VisitSetting;
}

const CLASS_OF: Record<VisitSetting, Coding> = {
  station: { system: ACT_CODE_SYSTEM, code: 'AMB', display: 'ambulatory' },
  home: { system: ACT_CODE_SYSTEM, code: 'HH', display: 'home health' },
  video: { system: ACT_CODE_SYSTEM, code: 'VR', display: 'virtual' },
};

/** Where a visit took place: a video visit whatever the station's care setting, else that setting (`records.careSetting`). */
export function visitRecord(visit: Visit, careSetting: VisitSetting): VisitRecord {
  return { ...visit, setting: visit.hadVideo ? 'video' : careSetting };
}

/** `subject`: the patient's reference in this bundle (ResourceLinks.subject); the patient's entry by default. */
export function encounterResource(visit: VisitRecord, ids: StationIds, subject: Reference<Patient> = ids.reference<Patient>('Patient', 'patient', visit.patientId)): Encounter & { id: string } {
  return {
    resourceType: 'Encounter',
    id: ids.uuid('visit', visit.id),
    identifier: [ids.identifier('visit', visit.id)],
    status: visit.endedAt === null ? 'in-progress' : 'finished',
    class: CLASS_OF[visit.setting],
    subject,
    period: { start: new Date(visit.startedAt).toISOString(), ...(visit.endedAt !== null ? { end: new Date(visit.endedAt).toISOString() } : {}) },
  };
}
