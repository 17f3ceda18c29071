import { describe, expect, it } from 'vitest';
import type { AuditoryPulse } from './alarm-presentation';
import { ALARM_PRIORITIES, ALARM_VISUALS, alarmAnnouncement, auditoryBurst, auditorySchedule } from './alarm-presentation';

/** Spacing as the reference measures it: from the 90 % point of one fall to the 90 % point of the next rise. */
const spacingsAt90Percent = (pulses: AuditoryPulse[]) =>
  pulses.slice(1).map((pulse, index) => {
    const previous = pulses[index]!;
    const previousFallAt90 = previous.startMs + previous.durationMs - 0.9 * previous.fallMs;
    return pulse.startMs + 0.9 * pulse.riseMs - previousFallAt90;
  });
/** Spacing as silence between the end of one envelope and the start of the next. */
const silences = (pulses: AuditoryPulse[]) =>
  pulses.slice(1).map((pulse, index) => pulse.startMs - (pulses[index]!.startMs + pulses[index]!.durationMs));

const within = (value: number, min: number, max: number) => value >= min && value <= max;

describe('IEC 60601-1-8 visual signals', () => {
  it('high is red flashing at 1.4–2.8 Hz, medium yellow at 0.4–0.8 Hz, low constant cyan', () => {
    expect(ALARM_VISUALS.high.colourName).toBe('red');
    expect(within(ALARM_VISUALS.high.flashHz, 1.4, 2.8)).toBe(true);
    expect(ALARM_VISUALS.medium.colourName).toBe('yellow');
    expect(within(ALARM_VISUALS.medium.flashHz, 0.4, 0.8)).toBe(true);
    expect(ALARM_VISUALS.low).toMatchObject({ colourName: 'cyan', flashHz: 0, dutyCycle: 1 });
  });

  it('flashing duty cycles are within 20–60 %', () => {
    for (const priority of ['high', 'medium'] as const) expect(within(ALARM_VISUALS[priority].dutyCycle, 0.2, 0.6)).toBe(true);
  });
});

describe('IEC 60601-1-8 auditory bursts', () => {
  it('high priority: 10 pulses, 75–200 ms, spacing 50–125 ms, 0.35–1.3 s between pulses 5 and 6, repeat 2.5–15 s', () => {
    const burst = auditoryBurst('high');
    expect(burst.pulses).toHaveLength(10);
    for (const pulse of burst.pulses) expect(within(pulse.durationMs, 75, 200)).toBe(true);
    for (const measure of [spacingsAt90Percent(burst.pulses), silences(burst.pulses)]) {
      measure.forEach((spacing, index) => {
        if (index === 4) expect(within(spacing, 350, 1300)).toBe(true);
        else expect(within(spacing, 50, 125)).toBe(true);
      });
    }
    expect(within(burst.repeatIntervalMs ?? 0, 2_500, 15_000)).toBe(true);
  });

  it('high priority groups its pulses 3 + 2, pause, 3 + 2', () => {
    const gaps = silences(auditoryBurst('high').pulses);
    const intraGroup = gaps[0]!;
    expect(gaps[2]).toBeGreaterThan(intraGroup);
    expect(gaps[7]).toBeGreaterThan(intraGroup);
    expect([gaps[0], gaps[1], gaps[3], gaps[5], gaps[6], gaps[8]]).toEqual(Array(6).fill(intraGroup));
  });

  it('medium priority: 3 pulses of 125–250 ms, spacing 125–250 ms, repeat 2.5–30 s', () => {
    const burst = auditoryBurst('medium');
    expect(burst.pulses).toHaveLength(3);
    for (const pulse of burst.pulses) expect(within(pulse.durationMs, 125, 250)).toBe(true);
    for (const spacing of [...spacingsAt90Percent(burst.pulses), ...silences(burst.pulses)]) expect(within(spacing, 125, 250)).toBe(true);
    expect(within(burst.repeatIntervalMs ?? 0, 2_500, 30_000)).toBe(true);
  });

  it('low priority: 1 or 2 pulses of 125–250 ms, repeating after more than 15 s or not at all', () => {
    const burst = auditoryBurst('low');
    expect([1, 2]).toContain(burst.pulses.length);
    for (const pulse of burst.pulses) expect(within(pulse.durationMs, 125, 250)).toBe(true);
    for (const spacing of [...spacingsAt90Percent(burst.pulses), ...silences(burst.pulses)]) expect(within(spacing, 125, 250)).toBe(true);
    expect(burst.repeatIntervalMs === null || burst.repeatIntervalMs > 15_000).toBe(true);
  });

  it.each(ALARM_PRIORITIES)('%s pulses: f0 150–1000 Hz, ≥4 harmonics in 300–4000 Hz within ±15 dB, rise/fall 10–20 %% of td', (priority) => {
    const burst = auditoryBurst(priority);
    const longest = Math.max(...burst.pulses.map((p) => p.startMs + p.durationMs));
    expect(burst.repeatIntervalMs === null || burst.repeatIntervalMs > longest).toBe(true);
    for (const pulse of burst.pulses) {
      expect(within(pulse.frequencyHz, 150, 1000)).toBe(true);
      const inBand = pulse.harmonics.filter((h) => within(h.frequencyHz, 300, 4000) && Math.abs(h.relativeDb) <= 15);
      expect(inBand.length).toBeGreaterThanOrEqual(4);
      for (const harmonic of pulse.harmonics) expect(harmonic.frequencyHz % pulse.frequencyHz).toBe(0);
      expect(within(pulse.riseMs / pulse.durationMs, 0.1, 0.2)).toBe(true);
      expect(within(pulse.fallMs / pulse.durationMs, 0.1, 0.2)).toBe(true);
      expect(within(pulse.amplitude, 0, 1)).toBe(true);
    }
  });

  it('a high-priority burst is at least as loud as medium, and medium as low', () => {
    const peak = (priority: (typeof ALARM_PRIORITIES)[number]) => auditoryBurst(priority).pulses[0]!.amplitude;
    expect(peak('high')).toBeGreaterThanOrEqual(peak('medium'));
    expect(peak('medium')).toBeGreaterThanOrEqual(peak('low'));
  });

  it('a schedule repeats the burst at the repeat interval from the given start', () => {
    const burst = auditoryBurst('medium');
    const schedule = auditorySchedule('medium', 1_000, 1_000 + 2 * burst.repeatIntervalMs! + 1);
    expect(schedule.map((p) => p.startMs)).toEqual([
      ...burst.pulses.map((p) => 1_000 + p.startMs),
      ...burst.pulses.map((p) => 1_000 + burst.repeatIntervalMs! + p.startMs),
      1_000 + 2 * burst.repeatIntervalMs!,
    ]);
  });

  it('plays nothing that would start at the end of the span', () => {
    const burst = auditoryBurst('medium');
    const schedule = auditorySchedule('medium', 1_000, 1_000 + burst.repeatIntervalMs!);
    expect(schedule.map((p) => p.startMs)).toEqual(burst.pulses.map((p) => 1_000 + p.startMs));
    const lastPulseStart = burst.pulses.at(-1)!.startMs;
    expect(auditorySchedule('medium', 0, lastPulseStart)).toHaveLength(burst.pulses.length - 1);
  });
});

describe('text alternative', () => {
  it('names the priority, the condition and whether anyone has acknowledged it', () => {
    expect(alarmAnnouncement({ priority: 'high', message: 'SpO₂ low, 84 % (limit 90 %)', acknowledged: false, latched: false })).toBe(
      'High priority alarm: SpO₂ low, 84 % (limit 90 %). Not acknowledged.',
    );
    expect(alarmAnnouncement({ priority: 'low', message: 'Scale: battery low', acknowledged: true, latched: false })).toMatch(/^Low priority.*Acknowledged\.$/);
    expect(alarmAnnouncement({ priority: 'high', message: 'Pulse high', acknowledged: false, latched: true })).toMatch(/Condition ended/);
  });

  it('asks screen readers to interrupt for high and medium alarms only', () => {
    expect(ALARM_VISUALS.high.ariaLive).toBe('assertive');
    expect(ALARM_VISUALS.medium.ariaLive).toBe('assertive');
    expect(ALARM_VISUALS.low.ariaLive).toBe('polite');
  });
});
