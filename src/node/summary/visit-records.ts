/**
 * What a visit summary reads from the records that RecordStore has no query for: a visit's alarms,
 * consents, snapshots and the people named in its rows. Read-only; the patient-scoped indexes of
 * migration 1 (alarms_by_patient, consents_by_patient, attachments_by_patient) serve each query.
 */
import type { RecordsDb } from '../records/database';
import type { StoredAlarm } from '../records/store';

export interface VisitConsent {
  scope: string;
  granted: boolean;
  recordedAt: number;
  recordedBy: string;
}

export interface VisitSnapshot {
  id: string;
  capturedAt: number;
  capturedBy: string;
  mediaType: string;
  content: Buffer;
}

/** The kind of attachment a clinician's still of the patient video is filed as (station-records.ts keepVisitSnapshot). */
export const VISIT_SNAPSHOT_KIND = 'visit-snapshot';

export function visitAlarms(db: RecordsDb, patientId: string, visitId: string): StoredAlarm[] {
  const rows = db.prepare('SELECT * FROM alarms WHERE patient_id = ? AND visit_id = ? ORDER BY raised_at, rowid').all(patientId, visitId) as Record<string, unknown>[];
  return rows.map((row) => ({
    id: row.id as string,
    patientId,
    visitId,
    // Alarms recorded before migration 10 have no kind; they were all about the patient's values.
    kind: (row.kind as StoredAlarm['kind'] | null) ?? 'physiological',
    priority: row.priority as StoredAlarm['priority'],
    condition: row.condition as string,
    raisedAt: row.raised_at as number,
    endedAt: row.ended_at as number | null,
    acknowledgedAt: row.acknowledged_at as number | null,
    acknowledgedBy: row.acknowledged_by as string | null,
  }));
}

export function visitConsents(db: RecordsDb, patientId: string, visitId: string): VisitConsent[] {
  const rows = db.prepare('SELECT scope, granted, recorded_at, recorded_by FROM consents WHERE patient_id = ? AND visit_id = ? ORDER BY recorded_at, rowid').all(patientId, visitId) as {
    scope: string;
    granted: number;
    recorded_at: number;
    recorded_by: string;
  }[];
  return rows.map((row) => ({ scope: row.scope, granted: row.granted === 1, recordedAt: row.recorded_at, recordedBy: row.recorded_by }));
}

export function visitSnapshots(db: RecordsDb, patientId: string, visitId: string): VisitSnapshot[] {
  const rows = db
    .prepare('SELECT id, captured_at, captured_by, media_type, content FROM attachments WHERE patient_id = ? AND visit_id = ? AND kind = ? ORDER BY captured_at, rowid')
    .all(patientId, visitId, VISIT_SNAPSHOT_KIND) as { id: string; captured_at: number; captured_by: string; media_type: string; content: Buffer }[];
  return rows.map((row) => ({ id: row.id, capturedAt: row.captured_at, capturedBy: row.captured_by, mediaType: row.media_type, content: row.content }));
}

/** Whoever charted a NEWS2 observation or changed an alarm limit during the visit, with the role recorded at the time. */
export function visitActors(db: RecordsDb, patientId: string, visitId: string): { id: string; role: string; name: string | null }[] {
  return db
    .prepare(
      `SELECT entered_by AS id, entered_role AS role, NULL AS name FROM news2_charted WHERE patient_id = @patientId AND visit_id = @visitId
       UNION SELECT changed_by, changed_by_role, changed_by_name FROM alarm_limit_changes WHERE patient_id = @patientId AND visit_id = @visitId`,
    )
    .all({ patientId, visitId }) as { id: string; role: string; name: string | null }[];
}
