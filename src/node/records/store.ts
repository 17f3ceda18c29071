/**
 * Reading and writing the records tables. No permission checks here: ./clinical-records.ts is the
 * guarded front door that checks the session, scopes kiosks and writes the audit trail.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ALARM_METRICS, type AlarmMetric, type LimitChangeRecord } from '../../shared/clinical/alarm-limits';
import type { Alarm } from '../../shared/clinical/alarm-engine';
import { toCanonicalUnit } from '../../shared/clinical/units';
import { STATION_ROLES, type StationRole } from '../../shared/roles';
import { RawScaleSchema } from '../../shared/contract';
import { PatientDetailsSchema, type PatientDetails } from '../../shared/contract-records';
import type { PlethQueueResult, PlethVisit } from '../../shared/contract-sync';
import { MEASUREMENT_SOURCES, METRICS, UCUM_UNITS, type MeasurementSource, type Metric, type UcumUnit } from '../../shared/vitals';
import type { RecordsDb } from './database';
import { isContinuous, minuteStartOf, MINUTE_MS, summaryDueAt, summaryRecordId, type SummaryKey } from './minute-summaries';
import { decodeSamples, encodeSamples } from './waveform-blob';

/** What an outbox row announces; the sync worker turns it into FHIR resources. */
export const OUTBOX_KINDS = ['patient', 'visit', 'reading', 'reading-summary', 'news2-charted', 'news2-score', 'pleth-segment', 'visit-summary'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
/**
 * The predicate of the partial unique index outbox_once (migration 15). A lookup by kind and
 * record id must repeat it word for word: SQLite uses a partial index only for a query whose
 * WHERE contains the index's own condition, and otherwise reads the whole outbox, which only grows
 * (sent rows are kept). outbox-query-plans.test.ts checks every such lookup.
 */
const queuedOnce = (kind = 'kind') => `${kind} IN ('reading', 'reading-summary', 'pleth-segment', 'visit-summary')`;

export class RecordInputError extends Error {
  override name = 'RecordInputError';
}

// One schema for what a patient's details may be, here and at the contract's boundary.
export { PatientDetailsSchema, type PatientDetails } from '../../shared/contract-records';
export interface PatientRecord extends PatientDetails {
  id: string;
  createdAt: number;
}

/** A patient with how much is recorded about them, for the records screen's list. */
export interface PatientOverview extends PatientRecord {
  readingCount: number;
  /** When the newest reading arrived; null without readings. */
  lastReadingAt: number | null;
}

export const ReadingInputSchema = z.object({
  deviceId: z.string().min(1).max(200),
  metric: z.enum(METRICS),
  value: z.number().finite(),
  unit: z.enum(UCUM_UNITS),
  deviceTime: z.string().max(40).nullable(),
  receivedAt: z.number().int().nonnegative(),
  /** The kind of device; null in rows recorded before it was kept (their pulse's MDC code is unknown). */
  source: z.enum(MEASUREMENT_SOURCES).nullable().default(null),
  /** Shared by the parts of one measurement (a cuff's systolic, diastolic, mean and pulse). */
  measurementId: z.string().max(100).nullable().default(null),
});
export type ReadingInput = z.input<typeof ReadingInputSchema>;
export interface StoredReading extends z.output<typeof ReadingInputSchema> {
  id: number;
  patientId: string;
  visitId: string | null;
}

export const WaveformInputSchema = z.object({
  deviceId: z.string().min(1).max(200),
  metric: z.enum(['pleth', 'ecg']),
  rateHz: z.number().positive().max(10_000),
  startedAt: z.number().int().nonnegative(),
  samples: z.array(z.number().finite()).min(1).max(100_000),
  /** The device's raw range for these samples; null when it declared none (and in rows recorded before it was kept). */
  scale: RawScaleSchema.nullable().default(null),
});
export type WaveformInput = z.input<typeof WaveformInputSchema>;
export type StoredWaveform = z.output<typeof WaveformInputSchema> & { id: number; patientId: string; visitId: string | null };


/** What staff chart by hand for NEWS2 (news2-from-station.ts ManualNews2Entries), kept with who and when. */
export const NEWS2_CHARTED_KINDS = ['respiratoryRate', 'consciousness', 'onOxygen', 'spo2Scale2'] as const;
export const News2ChartedInputSchema = z.object({
  id: z.uuid(),
  kind: z.enum(NEWS2_CHARTED_KINDS),
  value: z.union([z.number().finite(), z.string().max(20), z.boolean()]),
  /** The user id (or remote-clinician id) and role of who charted it. */
  enteredBy: z.string().min(1).max(200),
  enteredRole: z.string().min(1).max(40),
  enteredAt: z.number().int().nonnegative(),
});
export type News2ChartedInput = z.infer<typeof News2ChartedInputSchema>;
export interface StoredNews2Charted extends News2ChartedInput {
  patientId: string;
  visitId: string | null;
}

/** A NEWS2 result: total, risk band, each parameter's sub-score and the charted observations it used. */
export const News2ScoreInputSchema = z.object({
  id: z.uuid(),
  scoredAt: z.number().int().nonnegative(),
  total: z.number().int().min(0).max(20),
  risk: z.string().min(1).max(20),
  scores: z.record(z.string().max(40), z.number().int().min(0).max(3)),
  chartedInputs: z.array(z.uuid()).max(4),
  /**
   * The device readings it used (at most one per parameter a device can supply: respiration rate,
   * SpO2, systolic pressure, pulse, temperature), as the scorer saw them with the recorder's
   * rounded receivedAt; the store finds their rows.
   */
  deviceInputs: z.array(z.object({ deviceId: z.string().max(200), metric: z.enum(METRICS), receivedAt: z.number().int().nonnegative() })).max(5),
});
export type News2ScoreInput = z.infer<typeof News2ScoreInputSchema>;
export interface StoredNews2Score extends Omit<News2ScoreInput, 'deviceInputs'> {
  patientId: string;
  visitId: string | null;
  /** The rows of the device readings it used that were stored (one refused as implausible is not). */
  readingInputs: number[];
}

export interface Visit {
  id: string;
  patientId: string;
  startedAt: number;
  startedBy: string;
  endedAt: number | null;
  /** A video visit ran during it: the patient's consent to one was recorded under it (consent comes before any call). */
  hadVideo: boolean;
}

/** The scope of the consent recorded before each video visit (station-records.ts), `video-visit/<statement version>`. */
export const VIDEO_VISIT_CONSENT_SCOPE = 'video-visit';

const VISIT_COLUMNS = `visits.*, EXISTS (SELECT 1 FROM consents WHERE consents.visit_id = visits.id AND consents.granted = 1 AND consents.scope LIKE '${VIDEO_VISIT_CONSENT_SCOPE}/%') AS had_video`;

function visitFromRow(row: Record<string, unknown>): Visit {
  return {
    id: row.id as string,
    patientId: row.patient_id as string,
    startedAt: row.started_at as number,
    startedBy: row.started_by as string,
    endedAt: row.ended_at as number | null,
    hadVideo: row.had_video === 1,
  };
}

export type AlarmPriority = 'high' | 'medium' | 'low';
/** A physiological alarm is about the patient's values; a technical one about the equipment. */
export type AlarmKind = Alarm['kind'];
export interface StoredAlarm {
  id: string;
  patientId: string;
  visitId: string | null;
  kind: AlarmKind;
  priority: AlarmPriority;
  condition: string;
  raisedAt: number;
  /** When its condition ended (or the alarm was closed); null while it lasts. */
  endedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
}

/** What raised an alarm, as the alarm engine's log has it (AlarmLogEntry key, firstValue, unit, limit). */
export interface AlarmSource {
  /** `physiological:<metric>:<side>` or `technical:<deviceId>:<condition>[:<metric>]`. */
  key: string;
  value: number | null;
  unit: string | null;
  limit: number | null;
}

/** How long each kind of data is kept, in days; null keeps it until the patient's erasure. */
export interface RetentionPolicy {
  waveformDays: number | null;
  numericDays: number | null;
  attachmentDays: number | null;
}

/** Waveforms are bulky and only needed around an event; numbers are the record of care. */
export const DEFAULT_RETENTION: RetentionPolicy = { waveformDays: 7, numericDays: 3_650, attachmentDays: 365 };

const DAY_MS = 86_400_000;

/** Every table holding a patient's data, erased with the patient and checked empty afterwards. */
const PATIENT_TABLES = ['outbox', 'readings', 'waveform_segments', 'alarms', 'alarm_limit_changes', 'news2_charted', 'news2_scores', 'notes', 'visit_notes', 'consents', 'attachments', 'measurement_requests', 'visits'] as const;
export type PatientTable = (typeof PATIENT_TABLES)[number];

/** The server link's columns; details typed by hand (no link) clear an earlier one. */
const serverColumns = (details: PatientDetails): [string | null, string | null] => [details.serverPatient?.serverId ?? null, details.serverPatient?.identifierSystem ?? null];

function patientFromRow(row: Record<string, unknown>): PatientRecord {
  return {
    id: row.id as string,
    givenName: row.given_name as string,
    familyName: row.family_name as string,
    birthDate: row.birth_date as string | null,
    gender: row.gender as PatientRecord['gender'],
    identifier: row.identifier as string | null,
    ...(row.server_id !== null && row.server_id !== undefined
      ? { serverPatient: { serverId: row.server_id as string, identifierSystem: row.server_identifier_system as string | null } }
      : {}),
    createdAt: row.created_at as number,
  };
}

function waveformFromRow(row: Record<string, unknown>): StoredWaveform {
  return {
    id: row.id as number,
    patientId: row.patient_id as string,
    visitId: row.visit_id as string | null,
    deviceId: row.device_id as string,
    metric: row.metric as StoredWaveform['metric'],
    rateHz: row.rate_hz as number,
    startedAt: row.started_at as number,
    samples: decodeSamples(row.samples as Buffer),
    scale: row.raw_max === null ? null : { min: row.raw_min as number, max: row.raw_max as number },
  };
}

export function readingFromRow(row: Record<string, unknown>): StoredReading {
  return {
    id: row.id as number,
    patientId: row.patient_id as string,
    visitId: row.visit_id as string | null,
    deviceId: row.device_id as string,
    metric: row.metric as Metric,
    value: row.value as number,
    unit: row.unit as UcumUnit,
    deviceTime: row.device_time as string | null,
    receivedAt: row.received_at as number,
    source: row.source as MeasurementSource | null,
    measurementId: row.measurement_id as string | null,
  };
}

function chartedFromRow(row: Record<string, unknown>): StoredNews2Charted {
  return {
    id: row.id as string,
    patientId: row.patient_id as string,
    visitId: row.visit_id as string | null,
    kind: row.kind as StoredNews2Charted['kind'],
    value: JSON.parse(row.value as string) as StoredNews2Charted['value'],
    enteredBy: row.entered_by as string,
    enteredRole: row.entered_role as string,
    enteredAt: row.entered_at as number,
  };
}

function scoreFromRow(row: Record<string, unknown>): StoredNews2Score {
  return {
    id: row.id as string,
    patientId: row.patient_id as string,
    visitId: row.visit_id as string | null,
    scoredAt: row.scored_at as number,
    total: row.total as number,
    risk: row.risk as string,
    scores: JSON.parse(row.scores as string) as Record<string, number>,
    chartedInputs: JSON.parse(row.charted_inputs as string) as string[],
    readingInputs: JSON.parse(row.reading_inputs as string) as number[],
  };
}

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new RecordInputError(`${what}: ${result.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ')}`);
  return result.data;
}

export class RecordStore {
  constructor(
    readonly db: RecordsDb,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `write` and queues the record for the FHIR server in one transaction (a savepoint inside
   * the caller's, e.g. the recorder's batch): a record is never kept without being announced, nor
   * announced without being kept.
   */
  #withOutbox(kind: OutboxKind, recordId: string, patientId: string, write: () => void): void {
    this.db.transaction(() => {
      write();
      this.#enqueue(kind, recordId, patientId);
    })();
  }

  /** `groupKey`: rows sharing one are sent in the same batch (the parts of one measurement make one FHIR panel). */
  #enqueue(kind: OutboxKind, recordId: string, patientId: string, groupKey: string | null = null): void {
    this.db.prepare('INSERT INTO outbox (kind, record_id, patient_id, group_key, queued_at) VALUES (?, ?, ?, ?, ?)').run(kind, recordId, patientId, groupKey, this.now());
  }

  /**
   * Queues a reading for the server: on its own, or (a continuous one) in its minute's summary,
   * whose row the minute's first reading writes, due once the minute has closed. A reading that
   * arrives after its summary was taken for sending goes on its own, so none is ever left out.
   */
  #queueReading(reading: StoredReading): void {
    if (!isContinuous(reading)) {
      this.#enqueue('reading', String(reading.id), reading.patientId, reading.measurementId);
      return;
    }
    const minuteStart = minuteStartOf(reading.receivedAt);
    const recordId = summaryRecordId({ patientId: reading.patientId, visitId: reading.visitId, deviceId: reading.deviceId, metric: reading.metric, minuteStart });
    const created = this.db
      .prepare(`INSERT OR IGNORE INTO outbox (kind, record_id, patient_id, queued_at, next_attempt_at) VALUES ('reading-summary', ?, ?, ?, ?)`)
      .run(recordId, reading.patientId, this.now(), summaryDueAt(minuteStart)).changes;
    if (created > 0) return;
    const state = this.db.prepare(`SELECT state FROM outbox WHERE ${queuedOnce()} AND kind = 'reading-summary' AND record_id = ?`).pluck().get(recordId);
    if (state !== 'waiting') this.queueOnTheirOwn([reading]);
  }

  /** Queues these readings to be sent one by one (each at most once, however often asked), due now. */
  queueOnTheirOwn(readings: readonly Pick<StoredReading, 'id' | 'patientId' | 'measurementId'>[]): void {
    const insert = this.db.prepare(`INSERT OR IGNORE INTO outbox (kind, record_id, patient_id, group_key, queued_at) VALUES ('reading', ?, ?, ?, ?)`);
    this.db.transaction(() => {
      for (const reading of readings) insert.run(String(reading.id), reading.patientId, reading.measurementId, this.now());
    })();
  }

  /** The readings a minute summary stands for, in the order of readings(). */
  summaryReadings(key: SummaryKey): StoredReading[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM readings WHERE patient_id = ? AND visit_id IS ? AND device_id = ? AND metric = ? AND received_at >= ? AND received_at < ? AND device_time IS NULL
         ORDER BY received_at, id`,
      )
      .all(key.patientId, key.visitId, key.deviceId, key.metric, key.minuteStart, key.minuteStart + MINUTE_MS) as Record<string, unknown>[];
    return rows.map(readingFromRow).filter(isContinuous);
  }

  /**
   * Those of `readings` taken while a physiological alarm of their patient was raised (from its
   * raise to the end of its condition, or still going): around an event every value counts, so
   * these are sent on their own besides the summary. A technical alarm (a cuff unplugged) says
   * nothing about the patient and would otherwise send an oximeter's every reading for hours.
   */
  readingsDuringAlarms(readings: readonly StoredReading[]): StoredReading[] {
    // One query per patient for the alarms that overlap their readings' span, not one per reading.
    const overlapping = this.db.prepare(
      `SELECT raised_at AS raisedAt, ended_at AS endedAt FROM alarms WHERE patient_id = ? AND kind = 'physiological' AND raised_at <= ? AND (ended_at IS NULL OR ended_at >= ?)`,
    );
    const windows = new Map<string, { raisedAt: number; endedAt: number | null }[]>();
    for (const patientId of new Set(readings.map((reading) => reading.patientId))) {
      const times = readings.filter((reading) => reading.patientId === patientId).map((reading) => reading.receivedAt);
      const [first, last] = times.reduce(([low, high], time) => [Math.min(low, time), Math.max(high, time)], [Infinity, -Infinity]);
      windows.set(patientId, overlapping.all(patientId, last, first) as { raisedAt: number; endedAt: number | null }[]);
    }
    return readings.filter((reading) =>
      (windows.get(reading.patientId) ?? []).some((alarm) => alarm.raisedAt <= reading.receivedAt && (alarm.endedAt === null || alarm.endedAt >= reading.receivedAt)),
    );
  }

  createPatient(details: PatientDetails): PatientRecord {
    const valid = parse(PatientDetailsSchema, details, 'patient details');
    const patient: PatientRecord = { ...valid, id: randomUUID(), createdAt: this.now() };
    this.#withOutbox('patient', patient.id, patient.id, () =>
      this.db
        .prepare('INSERT INTO patients (id, given_name, family_name, birth_date, gender, identifier, server_id, server_identifier_system, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(patient.id, patient.givenName, patient.familyName, patient.birthDate, patient.gender, patient.identifier, ...serverColumns(valid), patient.createdAt),
    );
    return patient;
  }

  updatePatient(id: string, details: PatientDetails): PatientRecord {
    const valid = parse(PatientDetailsSchema, details, 'patient details');
    this.#withOutbox('patient', id, id, () => {
      const changed = this.db
        .prepare('UPDATE patients SET given_name = ?, family_name = ?, birth_date = ?, gender = ?, identifier = ?, server_id = ?, server_identifier_system = ? WHERE id = ?')
        .run(valid.givenName, valid.familyName, valid.birthDate, valid.gender, valid.identifier, ...serverColumns(valid), id).changes;
      if (changed === 0) throw new RecordInputError('no such patient');
    });
    return this.requirePatient(id);
  }

  getPatient(id: string): PatientRecord | null {
    const row = this.db.prepare('SELECT * FROM patients WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return row ? patientFromRow(row) : null;
  }

  requirePatient(id: string): PatientRecord {
    const patient = this.getPatient(id);
    if (!patient) throw new RecordInputError('no such patient');
    return patient;
  }

  listPatientIds(): string[] {
    return (this.db.prepare('SELECT id FROM patients ORDER BY created_at').pluck().all() as string[]);
  }

  /**
   * Every patient (or just `patientId`), newest first, with their reading count and newest reading
   * (both from the readings_by_patient index).
   */
  patientOverviews(patientId?: string): PatientOverview[] {
    const rows = this.db
      .prepare(
        `SELECT p.*, count(r.id) AS reading_count, max(r.received_at) AS last_reading_at
         FROM patients p LEFT JOIN readings r ON r.patient_id = p.id
         WHERE @patientId IS NULL OR p.id = @patientId
         GROUP BY p.id ORDER BY p.created_at DESC, p.id`,
      )
      .all({ patientId: patientId ?? null }) as Record<string, unknown>[];
    return rows.map((row) => ({ ...patientFromRow(row), readingCount: row.reading_count as number, lastReadingAt: row.last_reading_at as number | null }));
  }

  startVisit(patientId: string, startedBy: string): Visit {
    this.requirePatient(patientId);
    const visit: Visit = { id: randomUUID(), patientId, startedAt: this.now(), startedBy, endedAt: null, hadVideo: false };
    this.#withOutbox('visit', visit.id, patientId, () =>
      this.db.prepare('INSERT INTO visits (id, patient_id, started_at, started_by) VALUES (?, ?, ?, ?)').run(visit.id, patientId, visit.startedAt, startedBy),
    );
    return visit;
  }

  endVisit(visitId: string): void {
    const patientId = this.visitPatient(visitId);
    if (patientId === null) throw new RecordInputError('no such open visit');
    this.db.transaction(() => {
      this.#withOutbox('visit', visitId, patientId, () => {
        const changed = this.db.prepare('UPDATE visits SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(this.now(), visitId).changes;
        if (changed === 0) throw new RecordInputError('no such open visit');
      });
      // The summary document (src/node/summary/) is built by the sync worker when it sends it, from
      // the records as they are then; the row only names the visit. Queued once per visit
      // (outbox_once): a visit reopened and ended again after its summary was sent is not queued again.
      this.db.prepare(`INSERT OR IGNORE INTO outbox (kind, record_id, patient_id, queued_at) VALUES ('visit-summary', ?, ?, ?)`).run(visitId, patientId, this.now());
    })();
  }

  /** The visits of `ids` that exist (the sync worker loads what its outbox items announce). */
  visitsByIds(ids: readonly string[]): Visit[] {
    return this.#rowsByIds('visits', 'id', ids, VISIT_COLUMNS).map(visitFromRow);
  }

  /** The readings of `ids` that still exist, in the order of readings(). */
  readingsByIds(ids: readonly number[]): StoredReading[] {
    return this.#rowsByIds('readings', 'id', ids)
      .map(readingFromRow)
      .sort((a, b) => a.receivedAt - b.receivedAt || a.id - b.id);
  }

  /** The charted NEWS2 observations and scores of these ids that still exist. */
  news2ByIds(chartedIds: readonly string[], scoreIds: readonly string[]): { charted: StoredNews2Charted[]; scores: StoredNews2Score[] } {
    return { charted: this.#rowsByIds('news2_charted', 'id', chartedIds).map(chartedFromRow), scores: this.#rowsByIds('news2_scores', 'id', scoreIds).map(scoreFromRow) };
  }

  /**
   * The device readings these NEWS2 scores used that still exist, each with the other parts of its
   * measurement: what an export needs to name the Observation each reading became.
   */
  news2InputReadings(scores: readonly StoredNews2Score[]): StoredReading[] {
    const used = this.readingsByIds([...new Set(scores.flatMap((score) => score.readingInputs))]);
    // A measurement cut by a change of patient is two panels, one in each patient's record.
    const patientOf = new Map(used.flatMap((reading) => (reading.measurementId === null ? [] : [[reading.measurementId, reading.patientId] as const])));
    const parts = this.#rowsByIds('readings', 'measurement_id', [...patientOf.keys()])
      .map(readingFromRow)
      .filter((part) => patientOf.get(part.measurementId ?? '') === part.patientId);
    // A reading without a measurement id belongs with what its device gave at the same time (as an export groups it).
    const sameTime = this.db.prepare(
      'SELECT * FROM readings WHERE patient_id = ? AND device_id = ? AND measurement_id IS NULL AND (device_time = ? OR (? IS NULL AND device_time IS NULL AND received_at = ?))',
    );
    const timeMates = used
      .filter((reading) => reading.measurementId === null)
      .flatMap((reading) => (sameTime.all(reading.patientId, reading.deviceId, reading.deviceTime, reading.deviceTime, reading.receivedAt) as Record<string, unknown>[]).map(readingFromRow));
    const byId = new Map([...used, ...parts, ...timeMates].map((reading) => [reading.id, reading]));
    return [...byId.values()].sort((a, b) => a.receivedAt - b.receivedAt || a.id - b.id);
  }

  #rowsByIds(table: 'visits' | 'readings' | 'news2_charted' | 'news2_scores' | 'waveform_segments', column: 'id' | 'measurement_id', ids: readonly (string | number)[], columns = '*'): Record<string, unknown>[] {
    const rows: Record<string, unknown>[] = [];
    // Chunks stay far below SQLite's limit on bound parameters.
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      rows.push(...(this.db.prepare(`SELECT ${columns} FROM ${table} WHERE ${column} IN (${chunk.map(() => '?').join(', ')})`).all(...chunk) as Record<string, unknown>[]));
    }
    return rows;
  }

  /** The visit started last (the previous launch's, at a start), or null in a new installation. */
  latestVisit(): Visit | null {
    const row = this.db.prepare(`SELECT ${VISIT_COLUMNS} FROM visits ORDER BY started_at DESC, rowid DESC LIMIT 1`).get() as Record<string, unknown> | undefined;
    return row ? visitFromRow(row) : null;
  }

  /** Opens an ended visit again (the same patient at a restarted station); an open one stays as it is. */
  reopenVisit(visitId: string): void {
    const patientId = this.visitPatient(visitId);
    if (patientId === null) throw new RecordInputError('no such visit');
    this.db.transaction(() => {
      // An ended visit's reopening is announced like its end: the server's Encounter is in progress again.
      const reopened = this.db.prepare('UPDATE visits SET ended_at = NULL WHERE id = ? AND ended_at IS NOT NULL').run(visitId).changes;
      if (reopened > 0) this.#enqueue('visit', visitId, patientId);
      // An open visit has no summary yet: one not yet taken for sending waits for the visit's next end, which queues it again.
      this.db.prepare(`DELETE FROM outbox WHERE ${queuedOnce()} AND kind = 'visit-summary' AND record_id = ? AND state IN ('waiting', 'parked')`).run(visitId);
    })();
  }

  visitPatient(visitId: string): string | null {
    return (this.db.prepare('SELECT patient_id FROM visits WHERE id = ?').pluck().get(visitId) as string | undefined) ?? null;
  }

  /**
   * Stores a numeric reading exactly as the device gave it. An implausible value or a unit the
   * metric never has is refused: it is a decoding fault, and a stored record must never show it.
   */
  recordReading(patientId: string, visitId: string | null, reading: ReadingInput): StoredReading {
    const valid = parse(ReadingInputSchema, reading, 'reading');
    const canonical = toCanonicalUnit(valid.metric, valid.value, valid.unit);
    if (!canonical.ok) throw new RecordInputError(`reading refused: ${canonical.reason}`);
    const id = this.db.transaction(() => {
      const rowId = this.db
        .prepare('INSERT INTO readings (patient_id, visit_id, device_id, metric, value, unit, device_time, received_at, source, measurement_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(patientId, visitId, valid.deviceId, valid.metric, valid.value, valid.unit, valid.deviceTime, valid.receivedAt, valid.source, valid.measurementId).lastInsertRowid;
      this.#queueReading({ ...valid, id: Number(rowId), patientId, visitId });
      return Number(rowId);
    })();
    return { ...valid, id, patientId, visitId };
  }

  readings(patientId: string): StoredReading[] {
    const rows = this.db.prepare('SELECT * FROM readings WHERE patient_id = ? ORDER BY received_at, id').all(patientId) as Record<string, unknown>[];
    return rows.map(readingFromRow);
  }

  /** The next `limit` readings after `after`, in the order of readings(): a long record read a page at a time. */
  readingsPage(patientId: string, after: Pick<StoredReading, 'receivedAt' | 'id'> | null, limit: number): StoredReading[] {
    const rows = (
      after === null
        ? this.db.prepare('SELECT * FROM readings WHERE patient_id = ? ORDER BY received_at, id LIMIT ?').all(patientId, limit)
        : this.db.prepare('SELECT * FROM readings WHERE patient_id = ? AND (received_at, id) > (?, ?) ORDER BY received_at, id LIMIT ?').all(patientId, after.receivedAt, after.id, limit)
    ) as Record<string, unknown>[];
    return rows.map(readingFromRow);
  }

  /**
   * A visit's readings newest first, `limit` at a time, each page continuing before the last one's
   * oldest (walking the readings_by_patient index backwards).
   */
  visitReadingsNewestFirst(patientId: string, visitId: string, before: Pick<StoredReading, 'receivedAt' | 'id'> | null, limit: number): StoredReading[] {
    const rows = (
      before === null
        ? this.db.prepare('SELECT * FROM readings WHERE patient_id = ? AND visit_id = ? ORDER BY received_at DESC, id DESC LIMIT ?').all(patientId, visitId, limit)
        : this.db
            .prepare('SELECT * FROM readings WHERE patient_id = ? AND visit_id = ? AND (received_at, id) < (?, ?) ORDER BY received_at DESC, id DESC LIMIT ?')
            .all(patientId, visitId, before.receivedAt, before.id, limit)
    ) as Record<string, unknown>[];
    return rows.map(readingFromRow);
  }

  recordWaveform(patientId: string, visitId: string | null, segment: WaveformInput): number {
    const valid = parse(WaveformInputSchema, segment, 'waveform segment');
    const id = this.db
      .prepare('INSERT INTO waveform_segments (patient_id, visit_id, device_id, metric, rate_hz, started_at, sample_count, samples, raw_min, raw_max) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(patientId, visitId, valid.deviceId, valid.metric, valid.rateHz, valid.startedAt, valid.samples.length, encodeSamples(valid.samples), valid.scale?.min ?? null, valid.scale?.max ?? null)
      .lastInsertRowid;
    return Number(id);
  }

  waveforms(patientId: string): StoredWaveform[] {
    const rows = this.db.prepare('SELECT * FROM waveform_segments WHERE patient_id = ? ORDER BY started_at, id').all(patientId) as Record<string, unknown>[];
    return rows.map(waveformFromRow);
  }

  /** The waveform segments of `ids` that still exist (the sync loads what its pleth items announce). */
  waveformsByIds(ids: readonly number[]): StoredWaveform[] {
    return this.#rowsByIds('waveform_segments', 'id', ids).map(waveformFromRow);
  }

  /**
   * Staff's request to send a visit's pleth: one outbox row per stored segment (each at most 10 s,
   * ../station/persistence/station-recorder.ts), due now. Only here is pleth ever queued, and the
   * unique index on (kind, record_id) keeps a second request from queueing a segment twice.
   */
  queueVisitPleth(visitId: string): PlethQueueResult {
    return this.db.transaction(() => {
      const pleth = `FROM waveform_segments WHERE visit_id = ? AND metric = 'pleth'`;
      const unscaled = this.db.prepare(`SELECT count(*) ${pleth} AND raw_max IS NULL`).pluck().get(visitId) as number;
      const scaled = this.db.prepare(`SELECT count(*) ${pleth} AND raw_max IS NOT NULL`).pluck().get(visitId) as number;
      const queued = this.db
        .prepare(`INSERT OR IGNORE INTO outbox (kind, record_id, patient_id, queued_at) SELECT 'pleth-segment', CAST(id AS TEXT), patient_id, ? ${pleth} AND raw_max IS NOT NULL ORDER BY started_at, id`)
        .run(this.now(), visitId).changes;
      return { queued, alreadyQueued: scaled - queued, unscaled };
    })();
  }

  /** The patient's visits, oldest first, with their pleth segments and how many of those are queued for the server. */
  plethVisits(patientId: string): PlethVisit[] {
    const rows = this.db
      .prepare(
        `SELECT v.id, v.started_at, v.ended_at,
           (SELECT count(*) FROM waveform_segments w WHERE w.visit_id = v.id AND w.metric = 'pleth') AS segments,
           (SELECT count(*) FROM waveform_segments w JOIN outbox o ON ${queuedOnce('o.kind')} AND o.kind = 'pleth-segment' AND o.record_id = CAST(w.id AS TEXT) WHERE w.visit_id = v.id AND w.metric = 'pleth') AS queued
         FROM visits v WHERE v.patient_id = ? ORDER BY v.started_at, v.id`,
      )
      .all(patientId) as { id: string; started_at: number; ended_at: number | null; segments: number; queued: number }[];
    return rows.map((row) => ({ visitId: row.id, startedAt: row.started_at, endedAt: row.ended_at, segments: row.segments, queued: row.queued }));
  }

  recordNews2Charted(patientId: string, visitId: string | null, charted: News2ChartedInput): void {
    const valid = parse(News2ChartedInputSchema, charted, 'charted NEWS2 observation');
    this.#withOutbox('news2-charted', valid.id, patientId, () =>
      this.db
        .prepare('INSERT INTO news2_charted (id, patient_id, visit_id, kind, value, entered_by, entered_role, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(valid.id, patientId, visitId, valid.kind, JSON.stringify(valid.value), valid.enteredBy, valid.enteredRole, valid.enteredAt),
    );
  }

  recordNews2Score(patientId: string, visitId: string | null, score: News2ScoreInput): void {
    const valid = parse(News2ScoreInputSchema, score, 'NEWS2 score');
    this.#withOutbox('news2-score', valid.id, patientId, () => {
      // The readings were queued before the score and are written by now (earlier in this batch or before it).
      const findReading = this.db.prepare('SELECT id FROM readings WHERE patient_id = ? AND device_id = ? AND metric = ? AND received_at = ? ORDER BY id DESC LIMIT 1');
      const readingInputs = valid.deviceInputs.flatMap(({ deviceId, metric, receivedAt }) => {
        const row = findReading.get(patientId, deviceId, metric, receivedAt) as { id: number } | undefined;
        return row ? [row.id] : [];
      });
      this.db
        .prepare('INSERT INTO news2_scores (id, patient_id, visit_id, scored_at, total, risk, scores, charted_inputs, reading_inputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(valid.id, patientId, visitId, valid.scoredAt, valid.total, valid.risk, JSON.stringify(valid.scores), JSON.stringify(valid.chartedInputs), JSON.stringify(readingInputs));
      // The score names the Observations of its inputs: a continuous reading it used goes out on its own, not only in its minute's median.
      this.queueOnTheirOwn(this.readingsByIds(readingInputs));
    });
  }

  /** The patient's charted NEWS2 observations and scores, oldest first. */
  news2Record(patientId: string): { charted: StoredNews2Charted[]; scores: StoredNews2Score[] } {
    const charted = (this.db.prepare('SELECT * FROM news2_charted WHERE patient_id = ? ORDER BY entered_at, rowid').all(patientId) as Record<string, unknown>[]).map(chartedFromRow);
    const scores = (this.db.prepare('SELECT * FROM news2_scores WHERE patient_id = ? ORDER BY scored_at, rowid').all(patientId) as Record<string, unknown>[]).map(scoreFromRow);
    return { charted, scores };
  }

  /** The patient's visits, oldest first. */
  patientVisits(patientId: string): Visit[] {
    const rows = this.db.prepare(`SELECT ${VISIT_COLUMNS} FROM visits WHERE patient_id = ? ORDER BY started_at, id`).all(patientId) as Record<string, unknown>[];
    return rows.map(visitFromRow);
  }

  /**
   * `raisedAt` is when the alarm engine raised it, when that was before it reached the records;
   * `source` what raised it (the HL7 PCD-04 reports need it; without it the alarm is not reported).
   */
  raiseAlarm(patientId: string, visitId: string | null, alarm: { kind: AlarmKind; priority: AlarmPriority; condition: string; source?: AlarmSource }, raisedAt = this.now()): StoredAlarm {
    const { source, ...fields } = alarm;
    const stored: StoredAlarm = { id: randomUUID(), patientId, visitId, ...fields, raisedAt, endedAt: null, acknowledgedAt: null, acknowledgedBy: null };
    this.db
      .prepare('INSERT INTO alarms (id, patient_id, visit_id, kind, priority, condition, raised_at, source_key, source_value, source_unit, source_limit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(stored.id, patientId, visitId, stored.kind, stored.priority, stored.condition, stored.raisedAt, source?.key ?? null, source?.value ?? null, source?.unit ?? null, source?.limit ?? null);
    return stored;
  }

  /** Its condition ended at `endedAt`; null: it came back (the engine counts a return inside its window as the same alarm). */
  setAlarmEnd(alarmId: string, endedAt: number | null): void {
    this.db.prepare('UPDATE alarms SET ended_at = ? WHERE id = ?').run(endedAt, alarmId);
  }

  /**
   * A new launch's alarm engine starts empty: an alarm a previous launch left open (a crash, a
   * power cut) ended when that launch stopped, at the latest `at`. Without this it would count as
   * lasting for ever. Returns how many were closed.
   */
  endOpenAlarms(at: number): number {
    return this.db.prepare('UPDATE alarms SET ended_at = ? WHERE ended_at IS NULL AND kind IS NOT NULL').run(at).changes;
  }

  /** An alarm that escalated keeps the highest priority it reached in the record. */
  raiseAlarmPriority(alarmId: string, priority: AlarmPriority): void {
    const rank = `CASE priority WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END`;
    const newRank = priority === 'high' ? 3 : priority === 'medium' ? 2 : 1;
    this.db.prepare(`UPDATE alarms SET priority = ? WHERE id = ? AND ${rank} < ?`).run(priority, alarmId, newRank);
  }

  alarmPatient(alarmId: string): string | null {
    return (this.db.prepare('SELECT patient_id FROM alarms WHERE id = ?').pluck().get(alarmId) as string | undefined) ?? null;
  }

  acknowledgeAlarm(alarmId: string, by: string): void {
    const changed = this.db
      .prepare('UPDATE alarms SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL')
      .run(this.now(), by, alarmId).changes;
    if (changed === 0) throw new RecordInputError('no such unacknowledged alarm');
  }

  /** A physician's alarm-limit change for the patient, kept with who, when and why; returns its id. */
  recordLimitChange(patientId: string, visitId: string | null, change: LimitChangeRecord): string {
    const id = randomUUID();
    this.db
      .prepare(
        'INSERT INTO alarm_limit_changes (id, patient_id, visit_id, metric, side, old_value, new_value, changed_at, changed_by, changed_by_name, changed_by_role, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, patientId, visitId, change.metric, change.side, change.oldValue, change.newValue, change.at, change.by.id, change.by.name, change.by.role, change.reason);
    return id;
  }

  /** The newest change of every limit ever changed, oldest first: the limits a station was running with when it stopped. */
  limitsInForce(): LimitChangeRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM alarm_limit_changes c WHERE NOT EXISTS (
           SELECT 1 FROM alarm_limit_changes n WHERE n.metric = c.metric AND n.side = c.side AND (n.changed_at > c.changed_at OR (n.changed_at = c.changed_at AND n.rowid > c.rowid))
         ) ORDER BY changed_at, rowid`,
      )
      .all() as { metric: string; side: 'low' | 'high'; old_value: number | null; new_value: number; changed_at: number; changed_by: string; changed_by_name: string; changed_by_role: string; reason: string | null }[];
    return rows.flatMap((row) => {
      const metric = row.metric as AlarmMetric;
      const role = row.changed_by_role as StationRole;
      if (!ALARM_METRICS.includes(metric) || !STATION_ROLES.includes(role)) return [];
      return [{ metric, side: row.side, oldValue: row.old_value, newValue: row.new_value, at: row.changed_at, by: { id: row.changed_by, name: row.changed_by_name, role }, reason: row.reason }];
    });
  }

  addNote(patientId: string, visitId: string | null, authorId: string, text: string): string {
    const valid = parse(z.string().trim().min(1).max(20_000), text, 'note');
    const id = randomUUID();
    this.db.prepare('INSERT INTO notes (id, patient_id, visit_id, author_id, written_at, text) VALUES (?, ?, ?, ?, ?, ?)').run(id, patientId, visitId, authorId, this.now(), valid);
    return id;
  }

  recordConsent(patientId: string, visitId: string | null, consent: { scope: string; granted: boolean }, recordedBy: string): string {
    const scope = parse(z.string().min(1).max(100), consent.scope, 'consent scope');
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO consents (id, patient_id, visit_id, scope, granted, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, patientId, visitId, scope, consent.granted ? 1 : 0, this.now(), recordedBy);
    return id;
  }

  addAttachment(patientId: string, visitId: string | null, attachment: { kind: string; mediaType: string; content: Buffer }, capturedBy: string): string {
    const kind = parse(z.string().min(1).max(100), attachment.kind, 'attachment kind');
    const mediaType = parse(z.string().regex(/^[\w.+-]+\/[\w.+-]+$/).max(100), attachment.mediaType, 'attachment media type');
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO attachments (id, patient_id, visit_id, kind, media_type, captured_at, captured_by, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, patientId, visitId, kind, mediaType, this.now(), capturedBy, attachment.content);
    return id;
  }

  /** How many rows of each kind a patient has (for erasure checks and summaries). */
  patientRowCounts(patientId: string): Record<PatientTable | 'patients', number> {
    const counts = { patients: this.db.prepare('SELECT count(*) FROM patients WHERE id = ?').pluck().get(patientId) as number } as Record<PatientTable | 'patients', number>;
    for (const table of PATIENT_TABLES) counts[table] = this.db.prepare(`SELECT count(*) FROM ${table} WHERE patient_id = ?`).pluck().get(patientId) as number;
    return counts;
  }

  /**
   * Removes the patient and everything recorded about them, then proves it: the caller gets the
   * counts removed, or an error (and a rolled-back transaction) if any row survived.
   */
  erasePatient(patientId: string): Record<PatientTable | 'patients', number> {
    const erase = this.db.transaction(() => {
      const before = this.patientRowCounts(patientId);
      if (before.patients === 0) throw new RecordInputError('no such patient');
      this.db.prepare('DELETE FROM patients WHERE id = ?').run(patientId);
      const left = Object.entries(this.patientRowCounts(patientId)).filter(([, n]) => n > 0);
      if (left.length > 0) throw new Error(`erasure incomplete: rows left in ${left.map(([table]) => table).join(', ')}`);
      return before;
    });
    return this.db.inTransaction ? erase() : erase.immediate();
  }

  /** Moves the WAL's content into the main file and empties it, so erased pages do not linger there. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Deletes data older than the policy allows; returns how many rows of each kind went. */
  applyRetention(policy: RetentionPolicy): { waveformSegments: number; readings: number; news2Records: number; attachments: number } {
    const cutoff = (days: number | null) => {
      if (days === null) return null;
      if (!(Number.isFinite(days) && days > 0)) throw new RecordInputError(`a retention period must be a positive number of days, not ${days}`);
      return this.now() - days * DAY_MS;
    };
    const prune = (table: string, column: string, days: number | null) => {
      const before = cutoff(days);
      return before === null ? 0 : this.db.prepare(`DELETE FROM ${table} WHERE ${column} < ?`).run(before).changes;
    };
    return this.db.transaction(() => ({
      waveformSegments: prune('waveform_segments', 'started_at', policy.waveformDays),
      readings: prune('readings', 'received_at', policy.numericDays),
      // Charted NEWS2 observations and scores are numbers of the record of care, kept as long as readings.
      news2Records: prune('news2_charted', 'entered_at', policy.numericDays) + prune('news2_scores', 'scored_at', policy.numericDays),
      attachments: prune('attachments', 'captured_at', policy.attachmentDays),
    }))();
  }
}
