/**
 * Words for the patient, NEWS2 risk bands and alarm priorities, the same on screen
 * (../renderer/patient, ../renderer/news2, ../renderer/alarms) and in the printed visit summary
 * (../node/summary).
 */
import type { AlarmPriority } from './clinical/alarm-presentation';
import type { News2Risk } from './clinical/news2';
import type { PatientDetails } from './contract-records';

/** A patient nobody has named yet (the banner's name field). */
export const ANONYMOUS_PATIENT_LABEL = 'Anonymous patient';

export const SEX_WORDS: Record<PatientDetails['gender'], string> = { female: 'Female', male: 'Male', other: 'Other', unknown: 'Unknown' };

/** The RCP NEWS2 chart's risk bands with their clinical response. */
export const RISK_WORDS: Record<News2Risk, string> = {
  low: 'Low',
  'low-medium': 'Low–medium (red score)',
  medium: 'Medium: urgent response',
  high: 'High: emergency response',
};

export const PRIORITY_WORDS: Record<AlarmPriority, string> = { high: 'High', medium: 'Medium', low: 'Low' };
