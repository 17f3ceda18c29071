/**
 * What the patient banner says, from the station's getCurrentPatient answer: a pure function so
 * the words (and what a kiosk may show) are tested without a page. Dates and times go through the
 * app's one formatter (display-format.ts).
 */
import type { CurrentPatient } from '../../shared/contract-records';
import { formatDateTime } from '../format/display-format';

import { ANONYMOUS_PATIENT_LABEL, SEX_WORDS } from '../../shared/clinical-words';

export { ANONYMOUS_PATIENT_LABEL } from '../../shared/clinical-words';

/** One banner field: its page hook name, the label a screen reader and a nurse read, the value. */
export interface BannerField {
  field: 'name' | 'identifier' | 'age' | 'sex' | 'encounter-start' | 'video-visit';
  label: string;
  value: string;
}

/**
 * Age in completed years from an ISO birth date, on the local calendar of `now`; months under two
 * years and days under one month, as paediatric charts give it. Null for a date after `now`.
 */
export function ageText(birthDate: string, now: Date): string | null {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  let months = (now.getFullYear() - year) * 12 + (now.getMonth() + 1 - month);
  if (now.getDate() < day) months--;
  if (months < 0) return null;
  if (months >= 24) return `${Math.floor(months / 12)} y`;
  if (months >= 1) return `${months} mo`;
  const days = Math.floor((now.getTime() - new Date(year, month - 1, day).getTime()) / 86_400_000);
  return days < 0 ? null : `${days} d`;
}

/** The staff banner's fields, in reading order; age and sex only when known. */
export function staffBannerFields(patient: CurrentPatient, now: Date): BannerField[] {
  const fields: BannerField[] = [
    { field: 'name', label: 'Patient', value: patient.givenName === null ? ANONYMOUS_PATIENT_LABEL : [patient.givenName, patient.familyName].filter(Boolean).join(' ') },
  ];
  if (patient.identifier !== null) fields.push({ field: 'identifier', label: 'ID', value: patient.identifier });
  const age = patient.birthDate === null ? null : ageText(patient.birthDate, now);
  if (age !== null) fields.push({ field: 'age', label: 'Age', value: age });
  if (patient.gender !== null) fields.push({ field: 'sex', label: 'Sex', value: SEX_WORDS[patient.gender] });
  fields.push(
    { field: 'encounter-start', label: 'Since', value: formatDateTime(patient.encounterStartedAt) },
    { field: 'video-visit', label: 'Video visit', value: patient.videoVisit ? 'running' : 'none' },
  );
  return fields;
}

/** At a kiosk, the patient's first name or nothing: a public screen names nobody to passers-by. */
export function kioskGreetingName(patient: CurrentPatient | null): string | null {
  return patient?.givenName ?? null;
}
