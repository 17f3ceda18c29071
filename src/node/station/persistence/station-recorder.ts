/**
 * Files what the hub emits under the current encounter, off the hot path: a reading or waveform
 * chunk only lands in a memory queue, and the queue is written in one transaction per flush
 * (every second, or sooner once it is long). With synchronous=FULL each commit is one fsync, so
 * batching is what keeps a 60 Hz pleth plus numerics at a few commits a second.
 *
 * Pleth/ECG are kept as one blob per device and metric per ~10 s of continuous signal; a gap or a
 * rate change starts a new segment, so a stored segment never pretends samples were contiguous.
 */
import type { StationReading, WaveformBatch } from '../../../shared/contract';
import type { AlarmLogEntry } from '../../../shared/clinical/alarm-engine';
import { RecordInputError, type RecordStore, type WaveformInput } from '../../records/store';
import type { Encounter } from './encounter';

export interface StationRecorderOptions {
  store: RecordStore;
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
  readings: number;
  waveformSegments: number;
  alarms: number;
  refused: number;
  droppedItems: number;
  failedFlushes: number;
}

interface OpenSegment {
  deviceId: string;
  metric: WaveformBatch['metric'];
  rateHz: number;
  startedAt: number;
  samples: number[];
}

type PendingWrite =
  | { kind: 'reading'; reading: StationReading }
  | { kind: 'waveform'; segment: WaveformInput }
  | { kind: 'alarm-raised'; entry: AlarmLogEntry }
  | { kind: 'alarm-escalated'; alarmId: string; priority: AlarmLogEntry['priority'] }
  | { kind: 'alarm-acknowledged'; alarmId: string; by: string };

/** How the recorder last saw each alarm of the engine's log, to write only what changed. */
interface SeenAlarm {
  storedId: string | null;
  priority: AlarmLogEntry['priority'];
  acknowledged: boolean;
}

export class StationRecorder {
  readonly counts: RecorderCounts = { readings: 0, waveformSegments: 0, alarms: 0, refused: 0, droppedItems: 0, failedFlushes: 0 };
  readonly #store: RecordStore;
  readonly #encounter: Encounter;
  readonly #log: (line: string) => void;
  readonly #flushAtPending: number;
  readonly #segmentMs: number;
  readonly #maxPending: number;
  readonly #timer: NodeJS.Timeout;
  #pending: PendingWrite[] = [];
  #flushSoon: NodeJS.Immediate | null = null;
  readonly #segments = new Map<string, OpenSegment>();
  readonly #alarms = new Map<string, SeenAlarm>();
  #closed = false;

  constructor(options: StationRecorderOptions) {
    this.#store = options.store;
    this.#encounter = options.encounter;
    this.#log = options.log;
    this.#flushAtPending = options.flushAtPending ?? 500;
    this.#segmentMs = options.segmentMs ?? 10_000;
    this.#maxPending = options.maxPending ?? 200_000;
    this.#timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 1_000);
    // The recorder must never be what keeps a stopping process alive.
    this.#timer.unref();
  }

  recordReading(reading: StationReading): void {
    this.#enqueue({ kind: 'reading', reading });
  }

  recordWaveform(batch: WaveformBatch): void {
    if (this.#closed || batch.samples.length === 0) return;
    const key = `${batch.deviceId}\u0000${batch.metric}`;
    const open = this.#segments.get(key);
    const periodMs = 1_000 / batch.rateHz;
    if (open) {
      const expectedNext = open.startedAt + open.samples.length * (1_000 / open.rateHz);
      // Chunk timestamps jitter by a few ms; a gap of more than two samples (or 250 ms) is real.
      const contiguous = open.rateHz === batch.rateHz && Math.abs(batch.startedAt - expectedNext) <= Math.max(250, 2 * periodMs);
      if (!contiguous) this.#closeSegment(key);
    }
    const segment = this.#segments.get(key) ?? { deviceId: batch.deviceId, metric: batch.metric, rateHz: batch.rateHz, startedAt: Math.round(batch.startedAt), samples: [] };
    this.#segments.set(key, segment);
    for (const sample of batch.samples) segment.samples.push(sample);
    if (segment.samples.length * periodMs >= this.#segmentMs) this.#closeSegment(key);
  }

  /** Takes the alarm engine's log as it stands and queues whatever is new: raised, escalated, acknowledged. */
  recordAlarmLog(log: readonly AlarmLogEntry[]): void {
    for (const entry of log) {
      const seen = this.#alarms.get(entry.alarmId);
      if (!seen) {
        this.#alarms.set(entry.alarmId, { storedId: null, priority: entry.priority, acknowledged: entry.acknowledgedBy !== null });
        this.#enqueue({ kind: 'alarm-raised', entry });
        continue;
      }
      if (entry.priority !== seen.priority) {
        seen.priority = entry.priority;
        this.#enqueue({ kind: 'alarm-escalated', alarmId: entry.alarmId, priority: entry.priority });
      }
      if (entry.acknowledgedBy !== null && !seen.acknowledged) {
        seen.acknowledged = true;
        this.#enqueue({ kind: 'alarm-acknowledged', alarmId: entry.alarmId, by: entry.acknowledgedBy.id });
      }
    }
  }

  /** Writes everything queued in one transaction. A failure keeps the queue for the next attempt. */
  flush(): void {
    if (this.#flushSoon) {
      clearImmediate(this.#flushSoon);
      this.#flushSoon = null;
    }
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    const refused = new Map<string, number>();
    try {
      this.#store.db
        .transaction(() => {
          for (const write of batch) {
            try {
              this.#write(write);
            } catch (error) {
              // Validation runs before any insert, so a refused item leaves the rest of the batch intact;
              // anything else (busy, disk full) aborts the transaction and the batch is retried.
              if (!(error instanceof RecordInputError)) throw error;
              const what = write.kind === 'reading' ? `${write.reading.metric} reading` : write.kind === 'waveform' ? 'waveform segment' : 'alarm log change';
              refused.set(what, (refused.get(what) ?? 0) + 1);
            }
          }
        })
        .immediate();
    } catch (error) {
      this.counts.failedFlushes += 1;
      this.#pending = [...batch, ...this.#pending];
      this.#trimPending();
      // SQLite's messages name the problem (busy, full disk, I/O), never row content.
      this.#log(`records: could not write ${batch.length} queued item(s), will retry: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const [what, count] of refused) {
      this.counts.refused += count;
      this.#log(`records: refused ${count} implausible ${what}(s); not stored`);
    }
  }

  /** Ends open waveform segments and writes everything; nothing is accepted afterwards. */
  close(): void {
    if (this.#closed) return;
    for (const key of [...this.#segments.keys()]) this.#closeSegment(key);
    this.#closed = true;
    clearInterval(this.#timer);
    this.flush();
  }

  #closeSegment(key: string): void {
    const segment = this.#segments.get(key);
    this.#segments.delete(key);
    if (segment && segment.samples.length > 0) this.#enqueue({ kind: 'waveform', segment });
  }

  #enqueue(write: PendingWrite): void {
    if (this.#closed) return;
    this.#pending.push(write);
    this.#trimPending();
    if (this.#pending.length >= this.#flushAtPending && !this.#flushSoon) this.#flushSoon = setImmediate(() => this.flush());
  }

  #trimPending(): void {
    const excess = this.#pending.length - this.#maxPending;
    if (excess <= 0) return;
    this.#pending.splice(0, excess);
    this.counts.droppedItems += excess;
    this.#log(`records: the database has not accepted writes for a while; dropped the ${excess} oldest queued item(s)`);
  }

  #write(write: PendingWrite): void {
    const { patientId, visitId } = this.#encounter;
    switch (write.kind) {
      case 'reading': {
        const { deviceId, metric, value, unit, deviceTime, receivedAt } = write.reading;
        this.#store.recordReading(patientId, visitId, { deviceId, metric, value, unit, deviceTime, receivedAt: Math.round(receivedAt) });
        this.counts.readings += 1;
        return;
      }
      case 'waveform':
        this.#store.recordWaveform(patientId, visitId, write.segment);
        this.counts.waveformSegments += 1;
        return;
      case 'alarm-raised': {
        const { entry } = write;
        const stored = this.#store.raiseAlarm(patientId, visitId, { priority: entry.priority, condition: entry.message }, entry.raisedAt);
        const seen = this.#alarms.get(entry.alarmId);
        if (seen) seen.storedId = stored.id;
        if (entry.acknowledgedBy !== null) this.#store.acknowledgeAlarm(stored.id, entry.acknowledgedBy.id);
        this.counts.alarms += 1;
        return;
      }
      case 'alarm-escalated':
      case 'alarm-acknowledged': {
        // The raise always precedes these in queue order, in this batch or an earlier one.
        const storedId = this.#alarms.get(write.alarmId)?.storedId;
        if (!storedId) return;
        if (write.kind === 'alarm-escalated') this.#store.raiseAlarmPriority(storedId, write.priority);
        else this.#store.acknowledgeAlarm(storedId, write.by);
      }
    }
  }
}
