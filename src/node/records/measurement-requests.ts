/**
 * The measurements the remote clinician asks for during a video visit (records table
 * `measurement_requests`, migration 17), for the visit summary (issue 14): who asked, which device,
 * when, and what became of it at the station: started (by whom, when), declined, or failed (why).
 * Each change is written with its audit entry in one transaction (`measurement.request`, the
 * request's id as object). The reading that answered a started request is read from the readings
 * when asked (visitMeasurementRequests), so it is never a copy that could disagree with them.
 */
import { z } from 'zod';
import type { Actor } from '../../shared/clinical/actor';
import type { AuditEvent } from '../audit/audit-log';
import type { RecordsDb } from './database';
import { readingFromRow, RecordInputError, type StoredReading } from './store';

export type MeasurementRequestState = 'awaiting-confirmation' | 'started' | 'declined' | 'failed';
/** What the person at the station did with a request, or why it could not be done. */
export type MeasurementRequestOutcome = Exclude<MeasurementRequestState, 'awaiting-confirmation'>;

export interface MeasurementRequestRecord {
  requestId: string;
  visitId: string;
  deviceId: string;
  /** As the station named the device when it was asked for; null when it was not connected. */
  deviceName: string | null;
  requestedBy: string;
  requestedAt: number;
  state: MeasurementRequestState;
  settledBy: string | null;
  settledAt: number | null;
  reason: string | null;
  /** The measurement that answered a started request (its parts: systolic, diastolic...), oldest first; empty when none came. */
  answer: StoredReading[];
}

const RequestIdSchema = z.string().min(1).max(100);
const ReasonSchema = z.string().max(500);

function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new RecordInputError(`Invalid ${what}`);
  return result.data;
}

export class MeasurementRequests {
  constructor(
    private readonly db: RecordsDb,
    private readonly audit: { append(event: AuditEvent): unknown },
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The clinician asked for a measurement on `device` during the records' visit `visitId`. A request
   * id seen before in this visit (a replay of the channel) changes nothing and is not audited again.
   */
  requested(visitId: string, requestId: string, device: { id: string; name: string | null }, by: Actor): void {
    const id = valid(RequestIdSchema, requestId, 'measurement request id');
    this.#audited(by, id, () => {
      const patientId = this.db.prepare('SELECT patient_id FROM visits WHERE id = ? AND ended_at IS NULL').pluck().get(visitId) as string | undefined;
      if (patientId === undefined) throw new RecordInputError('no such open visit');
      return (
        this.db
          .prepare(
            `INSERT OR IGNORE INTO measurement_requests (visit_id, request_id, patient_id, device_id, device_name, requested_by, requested_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, 'awaiting-confirmation')`,
          )
          .run(visitId, id, patientId, device.id, device.name, by.id, this.now()).changes > 0
      );
    });
  }

  /**
   * What became of the request. A failed one may be tried again at the station (started later); a
   * started or declined one is settled for good, so a late or repeated outcome changes nothing.
   */
  settled(visitId: string, requestId: string, outcome: MeasurementRequestOutcome, by: Actor, reason: string | null = null): void {
    const id = valid(RequestIdSchema, requestId, 'measurement request id');
    const why = reason === null ? null : valid(ReasonSchema, reason, 'reason');
    this.#audited(by, id, () => {
      const changed = this.db
        .prepare(
          `UPDATE measurement_requests SET state = ?, settled_by = ?, settled_at = ?, reason = ? WHERE visit_id = ? AND request_id = ? AND state IN ('awaiting-confirmation', 'failed')`,
        )
        .run(outcome, by.id, this.now(), why, visitId, id).changes;
      if (changed > 0) return true;
      const known = this.db.prepare('SELECT 1 FROM measurement_requests WHERE visit_id = ? AND request_id = ?').pluck().get(visitId, id);
      if (known === undefined) throw new RecordInputError('no such measurement request');
      return false;
    });
  }

  #audited(by: Actor, requestId: string, change: () => boolean): void {
    this.db
      .transaction(() => {
        if (change()) this.audit.append({ actor: by.id, role: by.role, action: 'measurement.request', object: requestId });
      })
      .immediate();
  }
}

/**
 * A visit's measurement requests in the order they were made, each with the measurement that
 * answered it: the first reading of the device in the visit at or after the request was started
 * and before the device was asked again, with the other parts of its measurement.
 */
export function visitMeasurementRequests(db: RecordsDb, patientId: string, visitId: string): MeasurementRequestRecord[] {
  const rows = db.prepare('SELECT * FROM measurement_requests WHERE patient_id = ? AND visit_id = ? ORDER BY requested_at, rowid').all(patientId, visitId) as Record<string, unknown>[];
  const firstAnswer = db.prepare(
    `SELECT * FROM readings WHERE patient_id = @patientId AND visit_id = @visitId AND device_id = @deviceId AND received_at >= @from AND received_at < @until ORDER BY received_at, id LIMIT 1`,
  );
  const measurementParts = db.prepare('SELECT * FROM readings WHERE patient_id = ? AND visit_id = ? AND measurement_id = ? ORDER BY received_at, id');
  return rows.map((row, index) => {
    const request: MeasurementRequestRecord = {
      requestId: row.request_id as string,
      visitId,
      deviceId: row.device_id as string,
      deviceName: row.device_name as string | null,
      requestedBy: row.requested_by as string,
      requestedAt: row.requested_at as number,
      state: row.state as MeasurementRequestState,
      settledBy: row.settled_by as string | null,
      settledAt: row.settled_at as number | null,
      reason: row.reason as string | null,
      answer: [],
    };
    if (request.state !== 'started') return request;
    const next = rows.slice(index + 1).find((later) => later.device_id === request.deviceId);
    const first = firstAnswer.get({ patientId, visitId, deviceId: request.deviceId, from: request.settledAt, until: (next?.requested_at as number | undefined) ?? Number.MAX_SAFE_INTEGER }) as
      | Record<string, unknown>
      | undefined;
    if (first === undefined) return request;
    const reading = readingFromRow(first);
    const parts = reading.measurementId === null ? [first] : (measurementParts.all(patientId, visitId, reading.measurementId) as Record<string, unknown>[]);
    return { ...request, answer: parts.map(readingFromRow) };
  });
}
