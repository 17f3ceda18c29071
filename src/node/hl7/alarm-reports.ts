/**
 * What the PCD-04 reports (pcd04-message.ts) are made of, read from the records.
 *
 * Queueing (migration 16): while meta 'hl7_alarms' is 'on', triggers on `alarms` write each
 * change of an alarm that has a source key (start, acknowledgement, escalation, return, end) to
 * `hl7_alarm_events` as it was at that moment, and an outbox row (kind 'alarm') naming it, in the
 * transaction that changed the alarm: the recorder's code is untouched, and nothing is lost or sent
 * twice across restarts, as with readings. An event row never changes, so every attempt rebuilds
 * the same message. `storedAlarmReports` rebuilds the same reports from the alarms table alone,
 * for the `hl7` verb's preview of alarms recorded whether or not the output was on.
 */
import type { MeasurementSource } from '../../shared/vitals';
import type { RecordsDb } from '../records/database';
import type { AlarmPriority, AlarmSource, PatientRecord, RecordStore, StoredAlarm } from '../records/store';
import type { AlarmEvent, AlarmPhase, AlarmReport } from './pcd04-message';
import { parseAlarmKey } from './pcd04-message';

export const ALARMS_KEY = 'hl7_alarms';

/** A report's content: everything but its control id and formation time, which the outbox item gives. */
export type AlarmContent = Omit<AlarmReport, 'controlId' | 'formedAt'>;

interface AlarmRow {
  id: string;
  patient_id: string;
  kind: StoredAlarm['kind'];
  condition: string;
  priority: AlarmPriority;
  raised_at: number;
  acknowledged_at: number | null;
  ended_at: number | null;
  source_key: string;
  source_value: number | null;
  source_unit: string | null;
  source_limit: number | null;
}

const ALARM_COLUMNS = 'id, patient_id, kind, condition, priority, raised_at, acknowledged_at, ended_at, source_key, source_value, source_unit, source_limit';

/**
 * The kind of device the alarm's metric last came from before the alarm: a pulse's MDC code depends
 * on it (an oximeter's or a cuff's), and the alarm engine does not keep it.
 */
function measurementSource(db: RecordsDb, row: AlarmRow): MeasurementSource | null {
  const condition = parseAlarmKey(row.source_key);
  if (condition?.metric == null) return null;
  const source = db
    .prepare('SELECT source FROM readings WHERE patient_id = ? AND metric = ? AND received_at <= ? ORDER BY received_at DESC, id DESC LIMIT 1')
    .pluck()
    .get(row.patient_id, condition.metric, row.raised_at) as MeasurementSource | null | undefined;
  return source ?? null;
}

function content(db: RecordsDb, patient: PatientRecord, row: AlarmRow, event: AlarmEvent): AlarmContent {
  const source: AlarmSource = { key: row.source_key, value: row.source_value, unit: row.source_unit, limit: row.source_limit };
  return {
    patient,
    alarm: { id: row.id, kind: row.kind, condition: row.condition, raisedAt: row.raised_at, source },
    event,
    measurementSource: measurementSource(db, row),
  };
}

/** The report an outbox item of kind 'alarm' names (its alarm_event); null when the patient or alarm is gone. */
export function queuedAlarmReport(db: RecordsDb, store: RecordStore, eventSeq: number): AlarmContent | null {
  const event = db.prepare('SELECT alarm_id, phase, at, priority, acknowledged, condition_present FROM hl7_alarm_events WHERE seq = ?').get(eventSeq) as
    | { alarm_id: string; phase: AlarmPhase; at: number; priority: AlarmPriority; acknowledged: number; condition_present: number }
    | undefined;
  if (!event) return null;
  const row = db.prepare(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = ?`).get(event.alarm_id) as AlarmRow | undefined;
  const patient = row ? store.getPatient(row.patient_id) : null;
  if (!row || !patient) return null;
  return content(db, patient, row, { phase: event.phase, at: event.at, priority: event.priority, acknowledged: event.acknowledged === 1, conditionPresent: event.condition_present === 1 });
}

/**
 * The reports the patient's alarms raised at or after `since` make, oldest first, from what the
 * alarms table holds now: each one's start, its acknowledgement and its end where they happened.
 * (Escalations and returns leave no time in the table, and the start carries the highest priority
 * reached: the output's queue has them as they happened.)
 */
export function storedAlarmReports(db: RecordsDb, patient: PatientRecord, since: number): AlarmContent[] {
  const rows = db
    .prepare(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE patient_id = ? AND raised_at >= ? AND source_key IS NOT NULL ORDER BY raised_at, rowid`)
    .all(patient.id, since) as AlarmRow[];
  return rows.flatMap((row) => {
    const acknowledgedBy = (at: number) => row.acknowledged_at !== null && row.acknowledged_at <= at;
    const events: AlarmEvent[] = [{ phase: 'start', at: row.raised_at, priority: row.priority, acknowledged: false, conditionPresent: true }];
    if (row.acknowledged_at !== null) {
      const ongoing = row.ended_at === null || row.ended_at > row.acknowledged_at;
      events.push({ phase: 'update', at: row.acknowledged_at, priority: row.priority, acknowledged: true, conditionPresent: ongoing });
    }
    if (row.ended_at !== null) events.push({ phase: 'end', at: row.ended_at, priority: row.priority, acknowledged: acknowledgedBy(row.ended_at), conditionPresent: false });
    return events.sort((a, b) => a.at - b.at).map((event) => content(db, patient, row, event));
  });
}
