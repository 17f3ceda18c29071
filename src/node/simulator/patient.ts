/**
 * The simulated patient: what a scenario says the body is doing at a given moment. Every simulated
 * device samples the same patient, so the oximeter and the cuff agree on the pulse rate.
 */
import { BASELINE_VITALS, PATIENT_VITALS, getScenario, type Keyframe, type PatientVitals, type Scenario, type ScenarioName } from './scenarios';

function valueAt(track: readonly Keyframe[], atMs: number, fallback: number): number {
  const first = track[0];
  if (!first) return fallback;
  if (atMs <= first[0]) return first[1];
  for (let i = 1; i < track.length; i++) {
    const [t1, v1] = track[i]!;
    if (atMs <= t1) {
      const [t0, v0] = track[i - 1]!;
      return t1 === t0 ? v1 : v0 + ((v1 - v0) * (atMs - t0)) / (t1 - t0);
    }
  }
  return track[track.length - 1]![1];
}

export class SimulatedPatient {
  #scenario: Scenario;
  #startedAt: number;
  readonly #speed: number;

  /** speed: how many times faster than real time the scenario's timeline runs (training and tests). */
  constructor(scenario: ScenarioName, startedAt: number, speed = 1) {
    if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`scenario speed must be a positive number, got ${speed}`);
    this.#scenario = getScenario(scenario);
    this.#startedAt = startedAt;
    this.#speed = speed;
  }

  get speed(): number {
    return this.#speed;
  }

  get scenario(): Scenario {
    return this.#scenario;
  }

  get startedAt(): number {
    return this.#startedAt;
  }

  /** Starts a scenario from its beginning. */
  play(scenario: ScenarioName, startedAt: number): void {
    this.#scenario = getScenario(scenario);
    this.#startedAt = startedAt;
  }

  /** Milliseconds into the scenario's timeline, folded into one cycle for repeating scenarios. */
  timelineAt(clockMs: number): number {
    const elapsed = Math.max(0, clockMs - this.#startedAt) * this.#speed;
    const period = this.#scenario.repeatEveryMs;
    return period ? elapsed % period : elapsed;
  }

  vitalsAt(clockMs: number): PatientVitals {
    const t = this.timelineAt(clockMs);
    const vitals = { ...BASELINE_VITALS };
    for (const vital of PATIENT_VITALS) {
      const track = this.#scenario.tracks[vital];
      if (track) vitals[vital] = valueAt(track, t, BASELINE_VITALS[vital]);
    }
    return vitals;
  }

  /** Whether the oximeter probe is on the finger: the last probe event so far in this cycle decides. */
  probeAttachedAt(clockMs: number): boolean {
    const t = this.timelineAt(clockMs);
    let attached = true;
    let latest = -1;
    for (const event of this.#scenario.events) {
      if ((event.action === 'probe-off' || event.action === 'probe-on') && event.atMs <= t && event.atMs >= latest) {
        latest = event.atMs;
        attached = event.action === 'probe-on';
      }
    }
    return attached;
  }
}
