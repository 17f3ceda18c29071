import { describe, expect, it } from 'vitest';
import { displayUnit, formatAge, formatDeviceTime, formatValue } from './display-format';

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
