/**
 * How each alarm priority looks and sounds, per the publicly documented parts of IEC 60601-1-8
 * (../shared/docs/clinical-references.md section 5). The renderer draws the visual signal from
 * ALARM_VISUALS and plays auditoryBurst() with Web Audio; nothing here touches a device.
 */
export const ALARM_PRIORITIES = ['high', 'medium', 'low'] as const;
export type AlarmPriority = (typeof ALARM_PRIORITIES)[number];

export const PRIORITY_RANK: Record<AlarmPriority, number> = { low: 1, medium: 2, high: 3 };

export interface AlarmVisual {
  colourName: 'red' | 'yellow' | 'cyan';
  /** CSS colour for the indicator. */
  colour: string;
  /** 0 means a constant light. */
  flashHz: number;
  /** Fraction of each flash period the light is on. */
  dutyCycle: number;
  /** Vendor convention for message prefixes (*** / ** / *), kept for text-only displays. */
  marker: string;
  /** How urgently a screen reader should interrupt. */
  ariaLive: 'assertive' | 'polite';
}

/**
 * Flash frequencies are inside the documented ranges (high 1.4–2.8 Hz, medium 0.4–0.8 Hz).
 * The 20–60 % duty-cycle range is UNCONFIRMED; 50 % is what the Ventway Sparrow manual states.
 */
export const ALARM_VISUALS: Record<AlarmPriority, AlarmVisual> = {
  high: { colourName: 'red', colour: '#e00000', flashHz: 2, dutyCycle: 0.5, marker: '***', ariaLive: 'assertive' },
  medium: { colourName: 'yellow', colour: '#ffd000', flashHz: 0.5, dutyCycle: 0.5, marker: '**', ariaLive: 'assertive' },
  low: { colourName: 'cyan', colour: '#00c8e0', flashHz: 0, dutyCycle: 1, marker: '*', ariaLive: 'polite' },
};

export interface Harmonic {
  frequencyHz: number;
  /** Level relative to the fundamental. */
  relativeDb: number;
}

export interface AuditoryPulse {
  /** Offset of the start of the rise from the start of the burst. */
  startMs: number;
  /** From the start of the rise to the end of the fall. */
  durationMs: number;
  riseMs: number;
  fallMs: number;
  /** Fundamental f0. */
  frequencyHz: number;
  harmonics: Harmonic[];
  /** Peak amplitude, 0..1 of the station's alarm volume. */
  amplitude: number;
}

export interface AuditoryBurst {
  priority: AlarmPriority;
  pulses: AuditoryPulse[];
  /** From the start of one burst to the start of the next; null means the burst is not repeated. */
  repeatIntervalMs: number | null;
}

interface BurstDesign {
  /** Silence after each pulse except the last, in order. */
  gapsMs: number[];
  pulseMs: number;
  frequencyHz: number;
  amplitude: number;
  repeatIntervalMs: number | null;
}

// Rise and fall at the bottom of the 10–20 % range leave the most margin for the spacing ranges
// whichever way a test reads "90 % fall to 90 % rise".
const RAMP_FRACTION = 0.1;

/**
 * Each choice sits inside the documented range with margin for the ramps:
 * high: 10 pulses in 3 + 2, pause, 3 + 2; td 150 ms (75–200); spacing 60 ms inside a group and
 *   95 ms between the 3 and the 2 (50–125); gap between pulses 5 and 6 500 ms (0.35–1.3 s);
 *   repeat 10 s (2.5–15 s; EDAN X8's example).
 * medium: 3 pulses; td 200 ms (125–250); spacing 150 ms (125–250); repeat 25 s (2.5–30 s, UNCONFIRMED range; EDAN X8's example).
 * low: 2 pulses; td 200 ms; spacing 150 ms; repeat 30 s (">15 s or none", UNCONFIRMED; EDAN X8's example).
 * Fundamentals 150–1000 Hz are chosen so that four harmonics fall in 300–4000 Hz.
 */
const BURST_DESIGNS: Record<AlarmPriority, BurstDesign> = {
  high: { gapsMs: [60, 60, 95, 60, 500, 60, 60, 95, 60], pulseMs: 150, frequencyHz: 500, amplitude: 1, repeatIntervalMs: 10_000 },
  medium: { gapsMs: [150, 150], pulseMs: 200, frequencyHz: 440, amplitude: 0.8, repeatIntervalMs: 25_000 },
  low: { gapsMs: [150], pulseMs: 200, frequencyHz: 400, amplitude: 0.6, repeatIntervalMs: 30_000 },
};

/** Harmonic levels within ±15 dB of f0 (the ±15 dB figure is UNCONFIRMED; the reference leaves it configurable). */
const HARMONIC_LEVELS_DB = [-3, -6, -9, -12];

function harmonicsOf(fundamentalHz: number): Harmonic[] {
  return HARMONIC_LEVELS_DB.map((relativeDb, index) => ({ frequencyHz: fundamentalHz * (index + 2), relativeDb }));
}

export function auditoryBurst(priority: AlarmPriority): AuditoryBurst {
  const design = BURST_DESIGNS[priority];
  const ramp = design.pulseMs * RAMP_FRACTION;
  const pulses: AuditoryPulse[] = [];
  let startMs = 0;
  for (let index = 0; index <= design.gapsMs.length; index++) {
    pulses.push({
      startMs,
      durationMs: design.pulseMs,
      riseMs: ramp,
      fallMs: ramp,
      frequencyHz: design.frequencyHz,
      harmonics: harmonicsOf(design.frequencyHz),
      amplitude: design.amplitude,
    });
    startMs += design.pulseMs + (design.gapsMs[index] ?? 0);
  }
  return { priority, pulses, repeatIntervalMs: design.repeatIntervalMs };
}

/** Every pulse to play from fromMs (a burst starts there) up to untilMs, with absolute start times. */
export function auditorySchedule(priority: AlarmPriority, fromMs: number, untilMs: number): AuditoryPulse[] {
  const burst = auditoryBurst(priority);
  const scheduled: AuditoryPulse[] = [];
  for (let burstStart = fromMs; burstStart < untilMs; ) {
    for (const pulse of burst.pulses) {
      if (burstStart + pulse.startMs < untilMs) scheduled.push({ ...pulse, startMs: burstStart + pulse.startMs });
    }
    if (burst.repeatIntervalMs === null) break;
    burstStart += burst.repeatIntervalMs;
  }
  return scheduled;
}

const PRIORITY_WORDS: Record<AlarmPriority, string> = { high: 'High priority', medium: 'Medium priority', low: 'Low priority' };

export interface AnnouncedAlarm {
  priority: AlarmPriority;
  message: string;
  acknowledged: boolean;
  /** True when the condition has ended but the alarm is latched until acknowledged. */
  latched: boolean;
}

/** The text alternative a screen reader speaks for an alarm; the same words a sighted user reads. */
export function alarmAnnouncement(alarm: AnnouncedAlarm): string {
  const status = alarm.latched ? 'Condition ended, waiting for acknowledgement.' : alarm.acknowledged ? 'Acknowledged.' : 'Not acknowledged.';
  return `${PRIORITY_WORDS[alarm.priority]} alarm: ${alarm.message}. ${status}`;
}
