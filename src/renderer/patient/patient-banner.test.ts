import { afterEach, describe, expect, it } from 'vitest';
import type { CurrentPatient } from '../../shared/contract-records';
import { setDisplayLocale } from '../format/display-format';
import { ageText, kioskGreetingName, staffBannerFields } from './patient-banner';

const ENCOUNTER_START = new Date(2026, 11, 7, 14, 5).getTime();
const ANONYMOUS: CurrentPatient = { givenName: null, familyName: null, identifier: null, birthDate: null, gender: null, encounterStartedAt: ENCOUNTER_START, videoVisit: false };
const NAMED: CurrentPatient = { ...ANONYMOUS, givenName: 'Imogen', familyName: 'Fairweather', identifier: 'MRN-1', birthDate: '1950-07-21', gender: 'female', videoVisit: true };
const TODAY = new Date(2026, 11, 7, 15, 0);

afterEach(() => setDisplayLocale(null));

describe('the patient banner', () => {
  it('names an unnamed patient "Anonymous patient" and leaves out what is not known', () => {
    setDisplayLocale('en-GB');
    expect(staffBannerFields(ANONYMOUS, TODAY)).toEqual([
      { field: 'name', label: 'Patient', value: 'Anonymous patient' },
      { field: 'encounter-start', label: 'Since', value: '7 Dec 2026, 14:05' },
      { field: 'video-visit', label: 'Video visit', value: 'none' },
    ]);
  });

  it('shows a named patient with identifier, age, sex, the encounter start in the app format and a running visit', () => {
    setDisplayLocale('en-GB');
    expect(staffBannerFields(NAMED, TODAY).map(({ field, value }) => [field, value])).toEqual([
      ['name', 'Imogen Fairweather'],
      ['identifier', 'MRN-1'],
      ['age', '76 y'],
      ['sex', 'Female'],
      ['encounter-start', '7 Dec 2026, 14:05'],
      ['video-visit', 'running'],
    ]);
  });

  it('counts age in completed years, months under two years and days under a month', () => {
    expect(ageText('1950-12-07', TODAY)).toBe('76 y');
    expect(ageText('1950-12-08', TODAY)).toBe('75 y');
    expect(ageText('2024-12-08', TODAY)).toBe('23 mo');
    expect(ageText('2024-12-07', TODAY)).toBe('2 y');
    expect(ageText('2026-11-07', TODAY)).toBe('1 mo');
    expect(ageText('2026-11-08', TODAY)).toBe('29 d');
    expect(ageText('2026-12-07', TODAY)).toBe('0 d');
    expect(ageText('2026-12-08', TODAY)).toBeNull();
  });

  it('greets a kiosk patient by first name or not at all', () => {
    expect(kioskGreetingName(NAMED)).toBe('Imogen');
    expect(kioskGreetingName(ANONYMOUS)).toBeNull();
    expect(kioskGreetingName(null)).toBeNull();
  });
});
