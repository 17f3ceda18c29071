/**
 * What one flush of the station recorder carries to the thread that writes it, and how that thread
 * writes it: every item already tagged with the encounter it was recorded under, the whole batch in
 * one IMMEDIATE transaction (with synchronous=FULL, one fsync per batch).
 */
import type { AlarmLogEntry } from '../../../shared/clinical/alarm-engine';
import { RecordInputError, type AlarmSource, type News2ChartedInput, type News2ScoreInput, type ReadingInput, type RecordStore, type WaveformInput } from '../../records/store';
import type { Encounter } from './encounter';

/** Who the item belongs to, fixed when it was queued: the encounter may change before the flush. */
export type EncounterTag = Pick<Encounter, 'patientId' | 'visitId'>;

/** A waveform segment with its samples packed, so a batch crosses threads as one copy of bytes per segment. */
export interface PackedSegment extends Omit<WaveformInput, 'samples'> {
  samples: Float64Array;
}

export type RecordedWrite =
  | { kind: 'reading'; encounter: EncounterTag; reading: ReadingInput }
  | { kind: 'waveform'; encounter: EncounterTag; segment: PackedSegment }
  | {
      kind: 'alarm-raised';
      encounter: EncounterTag;
      alarmId: string;
      alarmKind: AlarmLogEntry['kind'];
      priority: AlarmLogEntry['priority'];
      condition: string;
      source: AlarmSource;
      raisedAt: number;
      /** When its condition ended, if it had by the time the recorder saw it. */
      clearedAt: number | null;
      acknowledgedBy: string | null;
    }
  /** storedId: the alarm's row, when a committed batch has reported it; otherwise its raise is in the same batch. */
  | { kind: 'alarm-escalated'; alarmId: string; storedId: string | null; priority: AlarmLogEntry['priority'] }
  | { kind: 'alarm-acknowledged'; alarmId: string; storedId: string | null; by: string }
  /** Its condition ended (clearedAt), or came back (null). */
  | { kind: 'alarm-cleared'; alarmId: string; storedId: string | null; clearedAt: number | null }
  | { kind: 'news2-charted'; encounter: EncounterTag; charted: News2ChartedInput }
  | { kind: 'news2-score'; encounter: EncounterTag; score: News2ScoreInput };

export type BatchOutcome =
  | {
      committed: true;
      readings: number;
      waveformSegments: number;
      alarms: number;
      /** Items refused as implausible, per kind ("spo2 reading"), not stored. */
      refused: [what: string, count: number][];
      /** The rows the batch's raised alarms got, for later escalations and acknowledgements. */
      storedAlarms: [alarmId: string, storedId: string][];
    }
  | { committed: false; reason: string };

/** Takes batches one at a time; never rejects: a batch that could not be committed comes back as such. */
export interface BatchWriter {
  write(writes: readonly RecordedWrite[]): Promise<BatchOutcome>;
  /** Resolves once nothing is being written any more and the writer's connection is closed. */
  close(): Promise<void>;
}

/**
 * Writes a batch in one transaction. An implausible item is refused alone (validation runs before
 * any insert); anything else (busy, disk full, I/O) rolls the whole batch back so it can be retried.
 */
export function writeBatch(store: RecordStore, writes: readonly RecordedWrite[]): BatchOutcome {
  const written = { readings: 0, waveformSegments: 0, alarms: 0 };
  const refused = new Map<string, number>();
  const storedAlarms = new Map<string, string>();
  try {
    store.db
      .transaction(() => {
        for (const write of writes) {
          try {
            writeOne(store, write, written, storedAlarms);
          } catch (error) {
            if (!(error instanceof RecordInputError)) throw error;
            const what =
              write.kind === 'reading'
                ? `${write.reading.metric} reading`
                : write.kind === 'waveform'
                  ? 'waveform segment'
                  : write.kind === 'news2-charted' || write.kind === 'news2-score'
                    ? 'NEWS2 record'
                    : 'alarm log change';
            refused.set(what, (refused.get(what) ?? 0) + 1);
          }
        }
      })
      .immediate();
  } catch (error) {
    return { committed: false, reason: describeWriteError(error) };
  }
  return { committed: true, ...written, refused: [...refused], storedAlarms: [...storedAlarms] };
}

function writeOne(store: RecordStore, write: RecordedWrite, written: { readings: number; waveformSegments: number; alarms: number }, storedAlarms: Map<string, string>): void {
  switch (write.kind) {
    case 'reading':
      store.recordReading(write.encounter.patientId, write.encounter.visitId, write.reading);
      written.readings += 1;
      return;
    case 'waveform':
      store.recordWaveform(write.encounter.patientId, write.encounter.visitId, { ...write.segment, samples: Array.from(write.segment.samples) });
      written.waveformSegments += 1;
      return;
    case 'alarm-raised': {
      const { patientId, visitId } = write.encounter;
      const stored = store.raiseAlarm(patientId, visitId, { kind: write.alarmKind, priority: write.priority, condition: write.condition, source: write.source }, write.raisedAt);
      if (write.clearedAt !== null) store.setAlarmEnd(stored.id, write.clearedAt);
      if (write.acknowledgedBy !== null) store.acknowledgeAlarm(stored.id, write.acknowledgedBy);
      storedAlarms.set(write.alarmId, stored.id);
      written.alarms += 1;
      return;
    }
    case 'news2-charted':
      store.recordNews2Charted(write.encounter.patientId, write.encounter.visitId, write.charted);
      return;
    case 'news2-score':
      store.recordNews2Score(write.encounter.patientId, write.encounter.visitId, write.score);
      return;
    case 'alarm-escalated':
    case 'alarm-acknowledged':
    case 'alarm-cleared': {
      // The raise always precedes these in queue order, in this batch or an earlier committed one.
      const storedId = write.storedId ?? storedAlarms.get(write.alarmId);
      if (!storedId) return;
      if (write.kind === 'alarm-escalated') store.raiseAlarmPriority(storedId, write.priority);
      else if (write.kind === 'alarm-cleared') store.setAlarmEnd(storedId, write.clearedAt);
      else store.acknowledgeAlarm(storedId, write.by);
    }
  }
}

/**
 * For log lines: SQLite's messages name the problem (busy, full disk, I/O), never row content;
 * any other error is named by kind only, because its text may quote a value.
 */
export function describeWriteError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return error.message;
  return typeof code === 'string' ? `${error.name} (${code})` : error.name;
}
