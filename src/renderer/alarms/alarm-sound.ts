/**
 * The page's alarm sound: silent until the first user gesture (browsers only let a page start audio
 * after one), then the scheduler plays whatever priority the station says is audible. Tests read
 * the scheduled pulses through window.__vitalbridgeAlarmAudio.
 */
import type { AlarmPriority } from '../../shared/clinical/alarm-presentation';
import { AlarmSoundScheduler, WebAudioPulseOutput, type ScheduledPulse } from './alarm-audio';

/** The events that can carry a user activation (pointerup for touch, pointerdown for a mouse). */
const GESTURES = ['pointerdown', 'pointerup', 'keydown'] as const;

/** Well under the lookahead, so the queue never runs dry even when the page's timers are throttled. */
const PUMP_EVERY_MS = 250;

export interface AlarmAudioProbe {
  readonly enabled: boolean;
  readonly priority: AlarmPriority | null;
  /** Every pulse handed to Web Audio, on the audio clock (ms), oldest first. */
  readonly pulses: readonly ScheduledPulse[];
  /** The audio clock now, in ms, to relate pulse times to. */
  nowMs(): number;
}

declare global {
  interface Window {
    __vitalbridgeAlarmAudio?: AlarmAudioProbe;
  }
}

export class AlarmSound {
  #context: AudioContext | null = null;
  #scheduler: AlarmSoundScheduler | null = null;
  #priority: AlarmPriority | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly createContext: () => AudioContext = () => new AudioContext()) {}

  isEnabled = (): boolean => this.#scheduler !== null;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /**
   * Must run inside a user gesture's handler. A later call resumes the audio context if the browser
   * kept it suspended (a touch's pointerdown is no user activation; its pointerup is).
   */
  enable(): void {
    if (this.#scheduler) {
      if (this.#context?.state === 'suspended') void this.#context.resume();
      return;
    }
    const context = this.createContext();
    void context.resume();
    this.#context = context;
    this.#scheduler = new AlarmSoundScheduler(new WebAudioPulseOutput(context));
    this.#scheduler.setPriority(this.#priority);
    const scheduler = this.#scheduler;
    // Runs for the life of the page: the alarm sound is never switched off from the screen.
    setInterval(() => scheduler.pump(), PUMP_EVERY_MS);
    for (const listener of [...this.#listeners]) listener();
  }

  setPriority(priority: AlarmPriority | null): void {
    this.#priority = priority;
    this.#scheduler?.setPriority(priority);
  }

  /**
   * Enables the sound on the first click, tap or key press anywhere in the document, and keeps
   * listening until the audio really runs: on a touch screen (the kiosk) the first finger down is no
   * user activation, so the browser holds the context suspended until the finger lifts.
   */
  enableOnFirstGesture(target: EventTarget): () => void {
    const onGesture = () => {
      this.enable();
      if (this.#context?.state === 'running') remove();
    };
    const remove = () => {
      for (const type of GESTURES) target.removeEventListener(type, onGesture, true);
    };
    for (const type of GESTURES) target.addEventListener(type, onGesture, true);
    return remove;
  }

  probe(): AlarmAudioProbe {
    const isEnabled = this.isEnabled;
    const priority = () => this.#priority;
    const pulses = () => this.#scheduler?.recorded ?? [];
    return {
      get enabled() {
        return isEnabled();
      },
      get priority() {
        return priority();
      },
      get pulses() {
        return pulses();
      },
      nowMs: () => (this.#context ? this.#context.currentTime * 1000 : 0),
    };
  }
}
