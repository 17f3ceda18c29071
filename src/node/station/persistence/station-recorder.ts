/**
 * Files what the hub emits under the current encounter, off the hot path and off the event loop:
 * a reading, waveform chunk or alarm change only lands in a memory queue, tagged with the encounter
 * of that moment, and the queue goes to a BatchWriter (in the station, a worker thread with its own
 * database connection: ./recorder-thread.ts) as one batch every second, or sooner once it is long.
 * With synchronous=FULL each batch is one fsync, so batching is what keeps a 60 Hz pleth plus
 * numerics at a few commits a second. An item counts as written (counts, flush()) only once the
 * writer reports its batch committed; a batch that was not is put back at the head of the queue.
 *
 * Pleth/ECG are kept as one blob per device and metric per 10 s of continuous signal at most; a gap,
 * a rate or raw-scale change or a change of encounter starts a new segment, so a stored segment never pretends
 * samples were contiguous or belonged to one patient.
 */
import type { StationReading, WaveformBatch } from '../../../shared/contract';
import { randomUUID } from 'node:crypto';
import type { RawScale } from '../../../shared/readings';
import type { AlarmLogEntry } from '../../../shared/clinical/alarm-engine';
import type { News2StatePayload } from '../../../shared/contract-clinical';
import { NEWS2_CHARTED_KINDS, type StoredNews2Charted, type StoredNews2Score } from '../../records/store';
import type { BatchWriter, EncounterTag, RecordedWrite } from './recorder-batch';
import type { Encounter } from './encounter';
import { recorderQueueChannel } from '../../diagnostics/channels';

/** The NEWS2 input each charted observation is. */
const NEWS2_INPUT_OF = { respiratoryRate: 'respiratoryRate', consciousness: 'consciousness', onOxygen: 'onOxygen', spo2Scale2: 'spo2Scale' } as const;

export interface StationRecorderOptions {
  /** Takes the batches; closed by close(). */
  writer: BatchWriter;
  /** Read at every recorded item: whatever it names then is who the item belongs to. */
  encounter: Encounter;
  /** Diagnostics; lines never carry values, names or device serials. */
  log: (line: string) => void;
  flushIntervalMs?: number;
  /** A queue this long is written at once instead of waiting for the interval. */
  flushAtPending?: number;
  segmentMs?: number;
  /** When the database cannot be written for a while, the oldest queued items beyond this are dropped (and counted). */
  maxPending?: number;
}

export interface RecorderCounts {
  /** Committed, as the writer reported. */
  readings: number;
  waveformSegments: number;
  alarms: number;
  refused: number;
  droppedItems: number;
  failedFlushes: number;
}

/** flush() could not get the queue committed; the items stay queued and are retried. */
export class RecorderFlushError extends Error {
  override name = 'RecorderFlushError';
}

interface OpenSegment {
  encounter: EncounterTag;
  deviceId: string;
  metric: WaveformBatch['metric'];
  rateHz: number;
  startedAt: number;
  scale: RawScale | null;
  samples: number[];
}

const sameScale = (a: RawScale | null, b: RawScale | null) => a === b || (a !== null && b !== null && a.min === b.min && a.max === b.max);

/** How the recorder last saw each alarm of the engine's log, to queue only what changed. */
interface SeenAlarm {
  /** Its row, once a committed batch has reported it. */
  storedId: string | null;
  priority: AlarmLogEntry['priority'];
  acknowledged: boolean;
  clearedAt: number | null;
  /** Its writes queued or in a batch not yet committed: a later change of it needs storedId until they are. */
  unwritten: number;
  /** Gone from the engine's log (trimmed, or a new patient's empty log): no change of it can come any more. */
  retired: boolean;
}

type AlarmWrite = Extract<RecordedWrite, { alarmId: string }>;
const isAlarmWrite = (write: RecordedWrite): write is AlarmWrite => 'alarmId' in write;

export class StationRecorder {
  readonly counts: RecorderCounts = { readings: 0, waveformSegments: 0, alarms: 0, refused: 0, droppedItems: 0, failedFlushes: 0 };
  readonly #writer: BatchWriter;
  readonly #encounter: Encounter;
  readonly #log: (line: string) => void;
  readonly #flushAtPending: number;
  readonly #segmentMs: number;
  readonly #maxPending: number;
  readonly #timer: NodeJS.Timeout;
  #pending: RecordedWrite[] = [];
  /** The last batch handed to the writer (or scheduled to be): batches go one after another. */
  #writing: Promise<string | null> = Promise.resolve(null);
  /** A batch scheduled behind the one in flight, which has not taken its items yet. */
  #scheduled: Promise<string | null> | null = null;
  /** After a failed batch only the interval retries, so a long queue cannot spin on a broken writer. */
  #waitForInterval = false;
  #tag: EncounterTag = { patientId: '', visitId: '' };
  readonly #segments = new Map<string, OpenSegment>();
  /** The alarms of the engine's log, and those that left it while a write of theirs is uncommitted. */
  readonly #alarms = new Map<string, SeenAlarm>();
  /** The charted NEWS2 entries already queued (kind and time) that are still current, with the id each got. */
  readonly #charted = new Map<string, string>();
  /** When the newest NEWS2 trend point queued was scored. */
  #lastScoredAt = -Infinity;
  #closing: Promise<void> | null = null;

  constructor(options: StationRecorderOptions) {
    this.#writer = options.writer;
    this.#encounter = options.encounter;
    this.#log = options.log;
    this.#flushAtPending = options.flushAtPending ?? 500;
    this.#segmentMs = options.segmentMs ?? 10_000;
    this.#maxPending = options.maxPending ?? 200_000;
    this.#timer = setInterval(() => {
      this.#waitForInterval = false;
      if (recorderQueueChannel.hasSubscribers) recorderQueueChannel.publish({ pending: this.#pending.length, alarms: this.#alarms.size, charted: this.#charted.size });
      void this.#writeQueued();
    }, options.flushIntervalMs ?? 1_000);
    // The recorder must never be what keeps a stopping process alive.
    this.#timer.unref();
  }

  recordReading(reading: StationReading): void {
    const { deviceId, metric, value, unit, deviceTime, receivedAt, source, measurementId } = reading;
    this.#enqueue({ kind: 'reading', encounter: this.#currentTag(), reading: { deviceId, metric, value, unit, deviceTime, receivedAt: Math.round(receivedAt), source, measurementId } });
  }

  recordWaveform(batch: WaveformBatch): void {
    if (this.#closing || batch.samples.length === 0) return;
    const encounter = this.#currentTag();
    const key = `${batch.deviceId}\u0000${batch.metric}`;
    const scale = batch.scale ?? null;
    const open = this.#segments.get(key);
    const periodMs = 1_000 / batch.rateHz;
    if (open) {
      const expectedNext = open.startedAt + open.samples.length * (1_000 / open.rateHz);
      // Chunk timestamps jitter by a few ms; a gap of more than two samples (or 250 ms) is real.
      const contiguous = open.rateHz === batch.rateHz && sameScale(open.scale, scale) && Math.abs(batch.startedAt - expectedNext) <= Math.max(250, 2 * periodMs);
      // The tag object only changes when the encounter does.
      if (!contiguous || open.encounter !== encounter) this.#endSegment(key);
    }
    // A segment ends at segmentMs exactly, splitting the chunk that crosses it: an exported
    // segment is one 10 s Observation (issue 12), never a chunk longer.
    const samplesPerSegment = Math.max(1, Math.round(this.#segmentMs / periodMs));
    for (let taken = 0; taken < batch.samples.length; ) {
      const startedAt = Math.round(batch.startedAt + taken * periodMs);
      const segment = this.#segments.get(key) ?? { encounter, deviceId: batch.deviceId, metric: batch.metric, rateHz: batch.rateHz, startedAt, scale, samples: [] };
      this.#segments.set(key, segment);
      const end = Math.min(batch.samples.length, taken + samplesPerSegment - segment.samples.length);
      for (; taken < end; taken++) segment.samples.push(batch.samples[taken]!);
      if (segment.samples.length >= samplesPerSegment) this.#endSegment(key);
    }
  }

  /** Takes the alarm engine's log as it stands and queues whatever is new: raised, escalated, acknowledged, ended (or back). */
  recordAlarmLog(log: readonly AlarmLogEntry[]): void {
    for (const entry of log) {
      const seen = this.#alarms.get(entry.alarmId);
      if (!seen) {
        this.#alarms.set(entry.alarmId, { storedId: null, priority: entry.priority, acknowledged: entry.acknowledgedBy !== null, clearedAt: entry.clearedAt, unwritten: 0, retired: false });
        this.#enqueue({
          kind: 'alarm-raised',
          encounter: this.#currentTag(),
          alarmId: entry.alarmId,
          alarmKind: entry.kind,
          priority: entry.priority,
          condition: entry.message,
          source: { key: entry.key, value: entry.firstValue, unit: entry.unit, limit: entry.limit },
          raisedAt: entry.raisedAt,
          clearedAt: entry.clearedAt,
          acknowledgedBy: entry.acknowledgedBy?.id ?? null,
        });
        continue;
      }
      if (entry.clearedAt !== seen.clearedAt) {
        seen.clearedAt = entry.clearedAt;
        this.#enqueue({ kind: 'alarm-cleared', alarmId: entry.alarmId, storedId: null, clearedAt: entry.clearedAt });
      }
      if (entry.priority !== seen.priority) {
        seen.priority = entry.priority;
        this.#enqueue({ kind: 'alarm-escalated', alarmId: entry.alarmId, storedId: null, priority: entry.priority });
      }
      if (entry.acknowledgedBy !== null && !seen.acknowledged) {
        seen.acknowledged = true;
        this.#enqueue({ kind: 'alarm-acknowledged', alarmId: entry.alarmId, storedId: null, by: entry.acknowledgedBy.id });
      }
    }
    this.#retireAlarmsNotIn(log);
  }

  /** Alarm ids are never reused within a launch, so one the log no longer holds is forgotten once its writes are committed. */
  #retireAlarmsNotIn(log: readonly AlarmLogEntry[]): void {
    if (this.#alarms.size === log.length) return;
    const inLog = new Set(log.map((entry) => entry.alarmId));
    for (const [alarmId, seen] of this.#alarms) {
      if (inLog.has(alarmId)) continue;
      seen.retired = true;
      this.#forgetIfDone(alarmId, seen);
    }
  }

  #forgetIfDone(alarmId: string, seen: SeenAlarm): void {
    if (seen.retired && seen.unwritten === 0) this.#alarms.delete(alarmId);
  }

  /** An alarm write left the queue, committed or dropped. */
  #alarmWriteDone(write: AlarmWrite): void {
    const seen = this.#alarms.get(write.alarmId);
    if (!seen) return;
    seen.unwritten -= 1;
    this.#forgetIfDone(write.alarmId, seen);
  }

  /**
   * What the records already hold of the encounter's NEWS2 (a resumed encounter): those charted
   * entries and scores are not queued again, and new scores name the stored entries they used.
   */
  resumeNews2(record: { charted: readonly StoredNews2Charted[]; scores: readonly StoredNews2Score[] }): void {
    for (const entry of record.charted) this.#charted.set(chartedKey(entry.kind, entry.enteredAt), entry.id);
    for (const score of record.scores) this.#lastScoredAt = Math.max(this.#lastScoredAt, score.scoredAt);
  }

  /**
   * Takes the NEWS2 state as it stands and queues what is new: each charted observation (who,
   * when) once, and the score of each new trend point with its sub-scores and the charted
   * observations and device readings it was derived from. A reading is queued before the scores
   * it changes (the records attach to the hub before the clinical station does), so the store
   * finds its row when it files the score.
   */
  recordNews2(state: News2StatePayload): void {
    const chartedIds: string[] = [];
    const current = new Set<string>();
    for (const kind of NEWS2_CHARTED_KINDS) {
      const entry = state.manual[kind];
      if (!entry) continue;
      const key = chartedKey(kind, entry.enteredAt);
      current.add(key);
      let id = this.#charted.get(key);
      if (id === undefined) {
        id = randomUUID();
        this.#charted.set(key, id);
        this.#enqueue({
          kind: 'news2-charted',
          encounter: this.#currentTag(),
          charted: { id, kind, value: entry.value, enteredBy: entry.enteredBy.id, enteredRole: entry.enteredBy.role, enteredAt: entry.enteredAt },
        });
      }
      const used = state.assessment.ok ? state.assessment.provenance[NEWS2_INPUT_OF[kind]] : undefined;
      if (used?.kind === 'manual' && used.enteredAt === entry.enteredAt) chartedIds.push(id);
    }
    // A replaced entry never comes back (NEWS2 only charts newer ones, or starts over empty), and its write carries its id.
    for (const key of this.#charted.keys()) if (!current.has(key)) this.#charted.delete(key);
    const point = state.trend.at(-1);
    if (!point || point.at <= this.#lastScoredAt || !state.assessment.ok) return;
    this.#lastScoredAt = point.at;
    const { total, risk, scores } = state.assessment.result;
    const deviceInputs = Object.values(state.assessment.provenance).flatMap((used) =>
      used.kind === 'device' ? [{ deviceId: used.deviceId, metric: used.metric, receivedAt: Math.round(used.receivedAt) }] : [],
    );
    this.#enqueue({ kind: 'news2-score', encounter: this.#currentTag(), score: { id: randomUUID(), scoredAt: point.at, total, risk, scores, chartedInputs: chartedIds, deviceInputs } });
  }

  /**
   * Ends the open waveform segments and writes everything recorded so far; resolves once it is
   * committed (await it before the encounter changes, to have the old one's data complete), and
   * rejects with RecorderFlushError if it could not be, the items staying queued for the retry.
   */
  async flush(): Promise<void> {
    this.#endSegments();
    const failure = await this.#writeQueued();
    if (failure !== null) throw new RecorderFlushError(`records: the queued items are not written yet (${failure}); they stay queued and are retried`);
  }

  /**
   * Ends open waveform segments, writes everything queued and waits for the commit, then closes the
   * writer; nothing is accepted from the first call on. What cannot be written by then is logged as lost.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#endSegments();
      clearInterval(this.#timer);
      // A last batch that failed gets one more try (after the writer's restart pause, if it died).
      if ((await this.#writeQueued()) !== null) await this.#writeQueued();
      if (this.#pending.length > 0) this.#log(`records: closing with ${this.#pending.length} queued item(s) that could not be written; they are lost`);
      await this.#writer.close();
    })();
    return this.#closing;
  }

  /** The encounter as a tag object that changes identity only when the encounter does. */
  #currentTag(): EncounterTag {
    const { patientId, visitId } = this.#encounter;
    if (patientId !== this.#tag.patientId || visitId !== this.#tag.visitId) this.#tag = { patientId, visitId };
    return this.#tag;
  }

  #endSegments(): void {
    for (const key of [...this.#segments.keys()]) this.#endSegment(key);
  }

  #endSegment(key: string): void {
    const segment = this.#segments.get(key);
    this.#segments.delete(key);
    if (!segment || segment.samples.length === 0) return;
    const { encounter, samples, ...rest } = segment;
    this.#enqueue({ kind: 'waveform', encounter, segment: { ...rest, samples: Float64Array.from(samples) } });
  }

  #enqueue(write: RecordedWrite): void {
    if (this.#closing) return;
    const seen = isAlarmWrite(write) ? this.#alarms.get(write.alarmId) : undefined;
    if (seen) seen.unwritten += 1;
    this.#pending.push(write);
    this.#trimPending();
    if (this.#pending.length >= this.#flushAtPending && !this.#waitForInterval) void this.#writeQueued();
  }

  #trimPending(): void {
    const excess = this.#pending.length - this.#maxPending;
    if (excess <= 0) return;
    for (const dropped of this.#pending.splice(0, excess)) if (isAlarmWrite(dropped)) this.#alarmWriteDone(dropped);
    this.counts.droppedItems += excess;
    this.#log(`records: the database has not accepted writes for a while; dropped the ${excess} oldest queued item(s)`);
  }

  /**
   * Hands what is queued to the writer as one batch, after the batch in flight; resolves with null
   * once committed, or with why not. Calls while a batch is still waiting to start share it.
   */
  #writeQueued(): Promise<string | null> {
    if (this.#scheduled) return this.#scheduled;
    const next = this.#writing.then(() => {
      this.#scheduled = null;
      return this.#writeBatch();
    });
    this.#scheduled = next;
    this.#writing = next;
    return next;
  }

  async #writeBatch(): Promise<string | null> {
    if (this.#pending.length === 0) return null;
    const batch = this.#pending;
    this.#pending = [];
    for (const write of batch) {
      if (write.kind === 'alarm-escalated' || write.kind === 'alarm-acknowledged' || write.kind === 'alarm-cleared') write.storedId ??= this.#alarms.get(write.alarmId)?.storedId ?? null;
    }
    const outcome = await this.#writer.write(batch);
    if (!outcome.committed) {
      this.counts.failedFlushes += 1;
      this.#waitForInterval = true;
      this.#pending = [...batch, ...this.#pending];
      this.#trimPending();
      this.#log(`records: could not write ${batch.length} queued item(s), will retry: ${outcome.reason}`);
      return outcome.reason;
    }
    this.counts.readings += outcome.readings;
    this.counts.waveformSegments += outcome.waveformSegments;
    this.counts.alarms += outcome.alarms;
    for (const [alarmId, storedId] of outcome.storedAlarms) {
      const seen = this.#alarms.get(alarmId);
      if (seen) seen.storedId = storedId;
    }
    for (const write of batch) if (isAlarmWrite(write)) this.#alarmWriteDone(write);
    for (const [what, count] of outcome.refused) {
      this.counts.refused += count;
      this.#log(`records: refused ${count} implausible ${what}(s); not stored`);
    }
    return null;
  }
}

/** One charted NEWS2 entry: its kind and when it was entered. */
function chartedKey(kind: string, enteredAt: number): string {
  return `${kind}\u0000${enteredAt}`;
}
