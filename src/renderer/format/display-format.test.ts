import { afterEach, describe, expect, it } from 'vitest';
import { displayUnit, formatAge, formatClock, formatClockMinutes, formatDate, formatDateTime, formatDeviceTime, formatValue, setDisplayLocale } from './display-format';

describe('display format', () => {
  it('shows UCUM codes as the symbols clinicians read', () => {
    expect(displayUnit('pulseRate', '/min')).toBe('bpm');
    expect(displayUnit('respiratoryRate', '/min')).toBe('/min');
    expect(displayUnit('systolic', 'mm[Hg]')).toBe('mmHg');
    expect(displayUnit('bodyTemperature', 'Cel')).toBe('°C');
    expect(displayUnit('bodyTemperature', '[degF]')).toBe('°F');
    expect(displayUnit('bodyWeight', '[lb_av]')).toBe('lb');
  });

  it('rounds to the resolution of the unit', () => {
    expect(formatValue('spo2', 97.4, '%')).toBe('97');
    expect(formatValue('perfusionIndex', 2.345, '%')).toBe('2.3');
    expect(formatValue('bodyTemperature', 36.85, 'Cel')).toMatch(/^36\.[89]$/);
    expect(formatValue('glucose', 5.55, 'mmol/L')).toMatch(/^5\.[56]$/);
    expect(formatValue('glucose', 99.6, 'mg/dL')).toBe('100');
  });

  it('prints device times as given, without inventing a zone', () => {
    expect(formatDeviceTime('2007-03-01T08:15:00')).toBe('2007-03-01 08:15:00');
    expect(formatDeviceTime('2007-03-01T08:15')).toBe('2007-03-01 08:15');
    expect(formatDeviceTime('garbled')).toBe('garbled');
  });

  it('says how old a value is, never negative', () => {
    expect([formatAge(-500), formatAge(1_999), formatAge(2_000), formatAge(119_999), formatAge(120_000), formatAge(7_199_999), formatAge(7_200_000)]).toEqual([
      'now',
      'now',
      '2 s old',
      '119 s old',
      '2 min old',
      '119 min old',
      '2 h old',
    ]);
  });
});

describe('dates and times', () => {
  const afternoon = new Date(2026, 11, 7, 14, 5, 9).getTime();
  const pastMidnight = new Date(2026, 11, 7, 0, 5, 0).getTime();
  afterEach(() => setDisplayLocale(null));

  it('keeps the 24-hour clock in a locale whose habit is 12-hour', () => {
    setDisplayLocale('en-US');
    expect(formatClock(afternoon)).toBe('14:05:09');
    expect(formatClockMinutes(afternoon)).toBe('14:05');
    expect(formatClockMinutes(pastMidnight)).toBe('00:05');
    expect(formatDateTime(afternoon)).toBe('Dec 7, 2026, 14:05');
  });

  it('writes dates with the month in words, never as 12/7/26', () => {
    setDisplayLocale('en-GB');
    expect(formatDate(afternoon)).toBe('7 Dec 2026');
    expect(formatDateTime(afternoon)).toBe('7 Dec 2026, 14:05');
    for (const locale of ['en-US', 'de-DE', 'fr-FR', 'ja-JP']) {
      setDisplayLocale(locale);
      expect(formatDate(afternoon)).not.toMatch(/\d{1,2}[/.-]\d{1,2}[/.-]\d{2}/);
      expect(formatDate(afternoon)).toContain('2026');
    }
  });

  it('keeps Latin digits, so a time reads like the values beside it', () => {
    setDisplayLocale('ar-EG');
    expect(formatClock(afternoon)).toBe('14:05:09');
  });
});
