/**
 * NEWS2 at the station: keeps what staff entered by hand (respiratory rate, ACVPU, air or oxygen,
 * the Scale 2 prescription), each with who entered it and when, and scores it together with the
 * latest device readings through assembleNews2Input, which refuses stale, missing and untrustworthy
 * inputs and says which. The scores of the visit are kept as a trend.
 */
import type { DeviceInfo, StationReading } from '../../../shared/contract';
import type { News2AssessmentPayload, News2Observation, News2StatePayload, News2TrendPoint } from '../../../shared/contract-clinical';
import { MAX_NEWS2_TREND_POINTS, News2ObservationSchema } from '../../../shared/contract-clinical';
import { actorMay, roleWithArticle, type Actor } from '../../../shared/clinical/actor';
import { scoreNews2 } from '../../../shared/clinical/news2';
import type { ManualNews2Entries } from '../../../shared/clinical/news2-from-station';
import { assembleNews2Input } from '../../../shared/clinical/news2-from-station';
import type { Metric } from '../../../shared/vitals';
import type { Clock } from '../../simulator/clock';
import { ClinicalCommandError } from './alarm-service';
import { StateFeed } from './state-feed';
import { tickUntilAborted } from './tick-loop';

/** The station's current readings and devices, as the hub knows them. */
export interface ReadingSource {
  latest(): StationReading[];
  devices(): DeviceInfo[];
}

export interface News2ServiceOptions {
  clock: Clock;
  readings: ReadingSource;
  /** How often the score is checked for inputs going stale while nothing arrives. */
  tickMs?: number;
}

/** The metrics NEWS2 takes from devices; other readings cannot change the score. */
export const NEWS2_DEVICE_METRICS: ReadonlySet<Metric> = new Set(['respiratoryRate', 'spo2', 'systolic', 'pulseRate', 'heartRate', 'bodyTemperature']);

export class News2Service {
  readonly feed: StateFeed<News2StatePayload>;
  readonly #clock: Clock;
  readonly #readings: ReadingSource;
  readonly #tickMs: number;
  readonly #ticking = new AbortController();
  #manual: ManualNews2Entries = {};
  #trend: News2TrendPoint[] = [];

  constructor(options: News2ServiceOptions) {
    this.#clock = options.clock;
    this.#readings = options.readings;
    this.#tickMs = options.tickMs ?? 1_000;
    this.feed = new StateFeed(this.#state(this.#assess()));
  }

  start(): void {
    void tickUntilAborted(this.#clock, this.#tickMs, this.#ticking.signal, () => this.refresh());
  }

  stop(): void {
    this.#ticking.abort();
  }

  current(): News2StatePayload {
    return this.feed.current;
  }

  /** Records the observations with who and when, then scores; throws ClinicalCommandError when the actor may not enter them. */
  enter(observation: News2Observation, actor: Actor): News2StatePayload {
    const parsed = News2ObservationSchema.safeParse(observation);
    if (!parsed.success) throw new ClinicalCommandError(parsed.error.issues.map((issue) => issue.message).join('; '));
    const entry = parsed.data;
    // assembleNews2Input would refuse to score such entries anyway; refusing them here tells the person at once.
    if (!actorMay(actor, 'observation.enter')) throw new ClinicalCommandError(`${roleWithArticle(actor.role)} may not enter NEWS2 observations`);
    if (entry.spo2Scale2 !== undefined && !actorMay(actor, 'news2.prescribe-scale-2')) {
      throw new ClinicalCommandError(`SpO₂ Scale 2 is prescribed by a physician; ${actor.name} is ${roleWithArticle(actor.role)}`);
    }
    const at = this.#clock.now();
    const stamp = <T>(value: T) => ({ value, enteredBy: actor, enteredAt: at });
    this.#manual = {
      ...this.#manual,
      ...(entry.respiratoryRate !== undefined && { respiratoryRate: stamp(entry.respiratoryRate) }),
      ...(entry.consciousness !== undefined && { consciousness: stamp(entry.consciousness) }),
      ...(entry.onOxygen !== undefined && { onOxygen: stamp(entry.onOxygen) }),
      ...(entry.spo2Scale2 !== undefined && { spo2Scale2: stamp(entry.spo2Scale2) }),
    };
    // A charted observation set is a point on the trend even when the score did not move.
    this.#publish(true);
    return this.feed.current;
  }

  /**
   * The encounter's charted entries and trend as the records hold them (a restarted station):
   * each entry keeps its original time, so one charted too long ago counts as stale, not current.
   */
  restore(saved: { manual: ManualNews2Entries; trend: readonly News2TrendPoint[] }): void {
    this.#manual = saved.manual;
    this.#trend = saved.trend.slice(-MAX_NEWS2_TREND_POINTS);
    this.#publish(false);
  }

  /** A new patient (the next kiosk visit): nothing charted, no trend; scored afresh from the readings source. */
  reset(): void {
    this.restore({ manual: {}, trend: [] });
  }

  /** Re-scores from the current readings; call when a reading that NEWS2 uses or the device list changes. */
  refresh(): void {
    this.#publish(false);
  }

  #publish(charted: boolean): void {
    const assessment = this.#assess();
    if (assessment.ok) {
      const last = this.#trend.at(-1);
      const { total, risk } = assessment.result;
      if (charted || !last || last.total !== total || last.risk !== risk) {
        this.#trend = [...this.#trend, { at: this.#clock.now(), total, risk }].slice(-MAX_NEWS2_TREND_POINTS);
      }
    }
    this.feed.set(this.#state(assessment));
  }

  #assess(): News2AssessmentPayload {
    const assembly = assembleNews2Input({
      latest: this.#readings.latest(),
      devices: this.#readings.devices(),
      manual: this.#manual,
      now: this.#clock.now(),
    });
    if (!assembly.ok) return { ok: false, problems: assembly.problems };
    return { ok: true, input: assembly.input, provenance: assembly.provenance, result: scoreNews2(assembly.input) };
  }

  #state(assessment: News2AssessmentPayload): News2StatePayload {
    return { manual: this.#manual, assessment, trend: this.#trend };
  }
}
