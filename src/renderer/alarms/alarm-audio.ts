/**
 * The alarm's auditory signal: the IEC 60601-1-8 burst of the highest audible priority
 * (auditorySchedule in alarm-presentation.ts), played with Web Audio. Each pulse is one oscillator
 * whose periodic wave holds the fundamental and its four harmonics, shaped by a gain envelope with
 * the burst's rise and fall. Pulses are scheduled a little ahead on the audio clock, so timing does
 * not depend on the page's timers; a change of priority cancels what was scheduled and starts the
 * new priority's burst at once.
 */
import type { AlarmPriority, AuditoryPulse } from '../../shared/clinical/alarm-presentation';
import { auditoryBurst, auditorySchedule } from '../../shared/clinical/alarm-presentation';

/** A pulse as it was handed to the audio device, on the audio clock. */
export interface ScheduledPulse {
  priority: AlarmPriority;
  startMs: number;
  durationMs: number;
  frequencyHz: number;
  harmonicsHz: number[];
  amplitude: number;
}

/** Where pulses go: Web Audio in the page, a recorder in tests. */
export interface PulseOutput {
  /** The output's clock, in milliseconds. */
  nowMs(): number;
  play(pulse: AuditoryPulse, atMs: number): void;
  /** Silences everything scheduled to sound from `atMs` on. */
  cancelFrom(atMs: number): void;
}

/** Pulses are queued this far ahead of the audio clock. */
export const LOOKAHEAD_MS = 1_000;
/** A new burst starts this long after the change, so its first pulse is never scheduled in the past. */
const START_DELAY_MS = 50;
const MAX_RECORDED_PULSES = 500;

/** The pulses of the burst series started at burstStartMs that begin in [fromMs, untilMs). */
export function pulsesBetween(priority: AlarmPriority, burstStartMs: number, fromMs: number, untilMs: number): AuditoryPulse[] {
  const repeat = auditoryBurst(priority).repeatIntervalMs;
  // Start from the burst that is playing at fromMs rather than from the very first burst.
  const burstsDone = repeat === null ? 0 : Math.max(0, Math.floor((fromMs - burstStartMs) / repeat));
  const currentBurstStart = burstStartMs + burstsDone * (repeat ?? 0);
  return auditorySchedule(priority, currentBurstStart, untilMs).filter((pulse) => pulse.startMs >= fromMs);
}

export class AlarmSoundScheduler {
  readonly recorded: ScheduledPulse[] = [];
  #priority: AlarmPriority | null = null;
  #burstStartMs = 0;
  #scheduledUntilMs = 0;

  constructor(private readonly output: PulseOutput) {}

  get priority(): AlarmPriority | null {
    return this.#priority;
  }

  setPriority(priority: AlarmPriority | null): void {
    if (priority === this.#priority) return;
    const now = this.output.nowMs();
    this.output.cancelFrom(now);
    this.#priority = priority;
    this.#burstStartMs = now + START_DELAY_MS;
    this.#scheduledUntilMs = this.#burstStartMs;
    this.pump();
  }

  /** Queues the pulses due within the lookahead; call it often (every few hundred ms). */
  pump(): void {
    if (this.#priority === null) return;
    const until = this.output.nowMs() + LOOKAHEAD_MS;
    if (until <= this.#scheduledUntilMs) return;
    for (const pulse of pulsesBetween(this.#priority, this.#burstStartMs, this.#scheduledUntilMs, until)) {
      this.output.play(pulse, pulse.startMs);
      this.recorded.push({
        priority: this.#priority,
        startMs: pulse.startMs,
        durationMs: pulse.durationMs,
        frequencyHz: pulse.frequencyHz,
        harmonicsHz: pulse.harmonics.map((harmonic) => harmonic.frequencyHz),
        amplitude: pulse.amplitude,
      });
    }
    if (this.recorded.length > MAX_RECORDED_PULSES) this.recorded.splice(0, this.recorded.length - MAX_RECORDED_PULSES);
    this.#scheduledUntilMs = until;
  }
}

/** The station's alarm volume relative to full scale; loud enough to hear, with headroom for the harmonics. */
const MASTER_GAIN = 0.5;

/** Web Audio output: one oscillator per pulse with a harmonic periodic wave and an envelope. */
export class WebAudioPulseOutput implements PulseOutput {
  readonly #scheduled = new Set<{ oscillator: OscillatorNode; startMs: number }>();
  readonly #waves = new Map<number, PeriodicWave>();

  constructor(private readonly context: AudioContext) {}

  nowMs(): number {
    return this.context.currentTime * 1000;
  }

  play(pulse: AuditoryPulse, atMs: number): void {
    const context = this.context;
    const start = atMs / 1000;
    const end = start + pulse.durationMs / 1000;
    const peak = pulse.amplitude * MASTER_GAIN;
    const envelope = context.createGain();
    envelope.gain.setValueAtTime(0, start);
    envelope.gain.linearRampToValueAtTime(peak, start + pulse.riseMs / 1000);
    envelope.gain.setValueAtTime(peak, end - pulse.fallMs / 1000);
    envelope.gain.linearRampToValueAtTime(0, end);
    envelope.connect(context.destination);
    const oscillator = context.createOscillator();
    oscillator.setPeriodicWave(this.#wave(pulse));
    oscillator.frequency.setValueAtTime(pulse.frequencyHz, start);
    oscillator.connect(envelope);
    const entry = { oscillator, startMs: atMs };
    this.#scheduled.add(entry);
    oscillator.onended = () => {
      this.#scheduled.delete(entry);
      envelope.disconnect();
    };
    oscillator.start(start);
    oscillator.stop(end);
  }

  cancelFrom(atMs: number): void {
    for (const entry of this.#scheduled) {
      // A pulse already sounding finishes its envelope; only future ones are dropped.
      if (entry.startMs >= atMs) entry.oscillator.stop();
    }
  }

  /** Fundamental plus harmonics at their relative levels; one wave per fundamental, reused. */
  #wave(pulse: AuditoryPulse): PeriodicWave {
    const cached = this.#waves.get(pulse.frequencyHz);
    if (cached) return cached;
    const multiples = pulse.harmonics.map((harmonic) => Math.round(harmonic.frequencyHz / pulse.frequencyHz));
    const size = Math.max(1, ...multiples) + 1;
    const real = new Float32Array(size);
    const imag = new Float32Array(size);
    imag[1] = 1;
    pulse.harmonics.forEach((harmonic, index) => {
      imag[multiples[index]!] = 10 ** (harmonic.relativeDb / 20);
    });
    const wave = this.context.createPeriodicWave(real, imag);
    this.#waves.set(pulse.frequencyHz, wave);
    return wave;
  }
}
