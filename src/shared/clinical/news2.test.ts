import { describe, expect, it } from 'vitest';
import type { News2Input } from './news2';
import {
  parseNews2Input,
  scoreAirOrOxygen,
  scoreConsciousness,
  scoreNews2,
  scorePulse,
  scoreRespiratoryRate,
  scoreSpo2Scale1,
  scoreSpo2Scale2,
  scoreSystolic,
  scoreTemperature,
} from './news2';

const normal: News2Input = {
  respiratoryRate: 16,
  spo2: 98,
  spo2Scale: 1,
  onOxygen: false,
  systolic: 120,
  pulse: 70,
  consciousness: 'A',
  temperature: 37,
};

/** [value, expected score] pairs on both sides of every Chart 1 band edge. */
describe('NEWS2 parameter bands (Chart 1)', () => {
  it.each([
    [0, 3], [8, 3], [9, 1], [11, 1], [12, 0], [20, 0], [21, 2], [24, 2], [25, 3], [60, 3],
  ])('respiratory rate %d scores %d', (value, score) => expect(scoreRespiratoryRate(value)).toBe(score));

  it.each([
    [50, 3], [91, 3], [92, 2], [93, 2], [94, 1], [95, 1], [96, 0], [100, 0],
  ])('SpO2 scale 1, %d %% scores %d', (value, score) => expect(scoreSpo2Scale1(value)).toBe(score));

  it.each([
    [70, 3, 3], [83, 3, 3], [84, 2, 2], [85, 2, 2], [86, 1, 1], [87, 1, 1], [88, 0, 0], [92, 0, 0],
    [93, 0, 1], [94, 0, 1], [95, 0, 2], [96, 0, 2], [97, 0, 3], [100, 0, 3],
  ])('SpO2 scale 2, %d %% scores %d on air and %d on oxygen', (value, onAir, onOxygen) => {
    expect(scoreSpo2Scale2(value, false)).toBe(onAir);
    expect(scoreSpo2Scale2(value, true)).toBe(onOxygen);
  });

  it('air scores 0 and oxygen 2', () => {
    expect(scoreAirOrOxygen(false)).toBe(0);
    expect(scoreAirOrOxygen(true)).toBe(2);
  });

  it.each([
    [60, 3], [90, 3], [91, 2], [100, 2], [101, 1], [110, 1], [111, 0], [219, 0], [220, 3], [260, 3],
  ])('systolic %d mmHg scores %d', (value, score) => expect(scoreSystolic(value)).toBe(score));

  it.each([
    [30, 3], [40, 3], [41, 1], [50, 1], [51, 0], [90, 0], [91, 1], [110, 1], [111, 2], [130, 2], [131, 3], [180, 3],
  ])('pulse %d /min scores %d', (value, score) => expect(scorePulse(value)).toBe(score));

  it.each([
    ['A', 0], ['C', 3], ['V', 3], ['P', 3], ['U', 3],
  ] as const)('consciousness %s scores %d', (level, score) => expect(scoreConsciousness(level)).toBe(score));

  it.each([
    [34, 3], [35, 3], [35.01, 1], [35.1, 1], [36, 1], [36.01, 0], [36.1, 0], [38, 0], [38.01, 1], [38.1, 1], [39, 1], [39.01, 2], [39.1, 2], [41, 2],
  ])('temperature %d °C scores %d (no 3 on the high side)', (value, score) => expect(scoreTemperature(value)).toBe(score));
});

describe('NEWS2 aggregate and risk', () => {
  it('scores the automation-interface example as total 0, low', () => {
    const result = scoreNews2({ respiratoryRate: 20, spo2: 98, spo2Scale: 1, onOxygen: false, systolic: 111, pulse: 78, consciousness: 'A', temperature: 37.0 });
    expect(result).toMatchObject({
      total: 0,
      risk: 'low',
      scores: { respiratoryRate: 0, spo2: 0, airOrOxygen: 0, systolic: 0, pulse: 0, consciousness: 0, temperature: 0 },
    });
    expect(result.clinicalResponse.monitoring).toMatch(/12 hours/);
  });

  it('a total of 1–4 without a 3 is low risk with registered-nurse assessment', () => {
    const result = scoreNews2({ ...normal, pulse: 95, temperature: 38.5 });
    expect(result.total).toBe(2);
    expect(result.risk).toBe('low');
    expect(result.clinicalResponse.monitoring).toMatch(/4–6 hours/);
  });

  it('a single parameter scoring 3 with a total below 5 is low-medium (red score)', () => {
    const result = scoreNews2({ ...normal, consciousness: 'C' });
    expect(result.total).toBe(3);
    expect(result.risk).toBe('low-medium');
    expect(result.redScoreParameters).toEqual(['consciousness']);
    expect(result.clinicalResponse.response).toMatch(/urgent ward-based doctor review/);
  });

  it('the single-3 rule does not lower a total of 5 or more', () => {
    const result = scoreNews2({ ...normal, consciousness: 'V', pulse: 115 });
    expect(result.total).toBe(5);
    expect(result.risk).toBe('medium');
  });

  it('totals 5 and 6 are medium, 7 and above high', () => {
    expect(scoreNews2({ ...normal, respiratoryRate: 22, spo2: 94, onOxygen: true }).risk).toBe('medium'); // 2+1+2
    expect(scoreNews2({ ...normal, respiratoryRate: 22, spo2: 92, onOxygen: true }).total).toBe(6); // 2+2+2
    const high = scoreNews2({ ...normal, respiratoryRate: 25, spo2: 92, onOxygen: true });
    expect(high.total).toBe(7);
    expect(high.risk).toBe('high');
    expect(high.clinicalResponse.monitoring).toMatch(/Continuous/);
  });

  it('scale 2 on oxygen penalises high saturation and still adds 2 for oxygen', () => {
    const result = scoreNews2({ ...normal, spo2Scale: 2, spo2: 97, onOxygen: true });
    expect(result.scores.spo2).toBe(3);
    expect(result.scores.airOrOxygen).toBe(2);
    expect(result.total).toBe(5);
  });

  it('scale 2 on air does not penalise high saturation', () => {
    expect(scoreNews2({ ...normal, spo2Scale: 2, spo2: 97, onOxygen: false }).total).toBe(0);
  });

  it('reaches the maximum of 20', () => {
    const worst = scoreNews2({ respiratoryRate: 30, spo2: 80, spo2Scale: 1, onOxygen: true, systolic: 80, pulse: 140, consciousness: 'U', temperature: 34 });
    expect(worst.total).toBe(20);
    expect(worst.risk).toBe('high');
  });
});

describe('NEWS2 input validation', () => {
  it('accepts a complete, in-range input', () => {
    expect(parseNews2Input(normal)).toEqual({ ok: true, input: normal });
  });

  it.each(['respiratoryRate', 'spo2', 'spo2Scale', 'onOxygen', 'systolic', 'pulse', 'consciousness', 'temperature'] as const)(
    'refuses an input without %s instead of scoring it 0',
    (name) => {
      const { [name]: _omitted, ...rest } = normal;
      const parsed = parseNews2Input(rest);
      expect(parsed).toEqual({ ok: false, errors: [`${name} is required`] });
    },
  );

  it.each([
    ['respiratoryRate', -1],
    ['respiratoryRate', 121],
    ['spo2', 101],
    ['spo2', -5],
    ['systolic', 301],
    ['pulse', 351],
    ['temperature', 24.9],
    ['temperature', 45.1],
    ['spo2Scale', 3],
    ['consciousness', 'X'],
    ['onOxygen', 'yes'],
    ['pulse', 72.5],
    ['spo2', '98'],
  ] as const)('refuses %s = %s', (name, value) => {
    const parsed = parseNews2Input({ ...normal, [name]: value });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join(' ')).toContain(name);
  });

  it('refuses unknown keys, so a misspelt input is not silently ignored', () => {
    const parsed = parseNews2Input({ ...normal, sp02: 90 });
    expect(parsed).toEqual({ ok: false, errors: ['unknown input sp02'] });
    expect(parseNews2Input({ ...normal, sp02: 90, pulze: 80 })).toEqual({ ok: false, errors: ['unknown input sp02, pulze'] });
  });

  it('refuses things that are not an object', () => {
    for (const candidate of [null, 7, 'news', [normal]]) expect(parseNews2Input(candidate).ok).toBe(false);
  });
});

describe('NEWS2 input errors say what is wrong with each input', () => {
  it.each([
    ['respiratoryRate', '20', 'respiratoryRate must be a number'],
    ['respiratoryRate', 20.5, 'respiratoryRate must be a whole number (/min)'],
    ['spo2Scale', 3, 'spo2Scale must be 1 or 2'],
    ['onOxygen', 'yes', 'onOxygen must be true or false'],
    ['consciousness', 'X', 'consciousness must be one of A, C, V, P, U'],
    ['temperature', 'hot', 'temperature must be a number'],
    ['temperature', 45.1, 'temperature must be between 25 and 45 Cel'],
  ] as const)('%s = %j: "%s"', (name, value, error) => {
    expect(parseNews2Input({ ...normal, [name]: value })).toEqual({ ok: false, errors: [error] });
  });

  it('says an input that is not an object is not one', () => {
    for (const candidate of [null, 7, 'news', [normal]]) {
      expect(parseNews2Input(candidate)).toEqual({ ok: false, errors: ['NEWS2 input must be an object'] });
    }
  });
});
