/**
 * The HL7 v2 output's outbox (records table `hl7_outbox`, migrations 13 and 16): batches of
 * readings waiting to reach the interface engine, one PCD-01 message each, and, with
 * `hl7Output.alarms`, each change of an alarm, one PCD-04 message each (alarm-reports.ts).
 *
 * Why a second table and not a destination column on the FHIR sync's `outbox`: the two
 * destinations want different rows. The FHIR outbox holds one row per record to send (patients,
 * visits, NEWS2, per-minute summaries, pleth segments; readings folded into summaries), written
 * by RecordStore in the record's own transaction. PCD-01 wants every reading, in batches, and
 * nothing else. A destination column would either double every FHIR row or mix two unrelated row
 * shapes in one table whose CHECK and unique index are about FHIR kinds, and each change of one
 * destination would rebuild the other's queue. What they share is the durable machinery: the
 * same columns and states, driven by the same Outbox class (../sync/outbox.ts: claim with a
 * lease, sent, retry later, park, retry parked), in the same encrypted records database.
 *
 * A reading joins the queue (`hl7_readings`) in the transaction that records it, by a trigger, while
 * the output is on (meta 'hl7_output', set by setOutputOn): PCD-01 carries device data as it is
 * measured, so what was recorded before the output was first switched on is not sent, and a
 * station without HL7 writes nothing here. The recorder's code is untouched.
 *
 * A batch is a span of that queue of one patient, (readings_after, readings_upto], fixed when the
 * worker forms it: every attempt rebuilds the same message from the same readings, with the
 * row's seq as the control id (MSH-10), so a receiver that got a copy before the ACK was lost can
 * drop the second, and a batch acknowledged (state 'sent') is never claimed again. The queue's
 * seq is AUTOINCREMENT (never reused, unlike a reading id once the newest readings are erased)
 * and the formed-up-to mark is kept in `meta`, so no reading is batched twice or skipped.
 */
import type { RecordsDb } from '../records/database';
import type { PatientRecord, RecordStore, StoredReading } from '../records/store';
import { Outbox, type OutboxItem } from '../sync/outbox';
import { ALARMS_KEY, queuedAlarmReport, type AlarmContent } from './alarm-reports';

const OUTPUT_KEY = 'hl7_output';
const FORMED_KEY = 'hl7_formed_upto';

/** Readings per batch at most: a message of a few hundred OBX, far below what engines accept. */
export const DEFAULT_BATCH_READINGS = 500;

export interface BatchContent {
  patient: PatientRecord;
  readings: StoredReading[];
}

/** What an outbox item carries: a batch of readings (PCD-01) or one change of an alarm (PCD-04, alarm-reports.ts). */
export type Hl7Content = ({ kind: 'readings' } & BatchContent) | ({ kind: 'alarm' } & AlarmContent);

export class Hl7Outbox {
  readonly items: Outbox;

  constructor(
    private readonly db: RecordsDb,
    private readonly store: RecordStore,
    private readonly now: () => number = Date.now,
  ) {
    this.items = new Outbox(db, now, 'hl7_outbox');
  }

  /**
   * Starts (or stops) queueing the readings recorded from now on, and with `alarms` the changes of
   * alarms (PCD-04); the station calls it with the settings at start.
   */
  setOutputOn(on: boolean, alarms = false): void {
    this.#setMeta(OUTPUT_KEY, on ? 'on' : 'off');
    this.#setMeta(ALARMS_KEY, on && alarms ? 'on' : 'off');
  }

  /**
   * Forms batches of the readings queued since the last batch, at most `maxReadings` readings
   * (all patients together) this time, one batch per patient; returns how many were formed.
   */
  formBatches(maxReadings = DEFAULT_BATCH_READINGS): number {
    return this.db
      .transaction(() => {
        const after = Number(this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(FORMED_KEY) ?? 0);
        const upto = this.db.prepare('SELECT max(seq) FROM (SELECT seq FROM hl7_readings WHERE seq > ? ORDER BY seq LIMIT ?)').pluck().get(after, maxReadings) as number | null;
        if (upto === null) return 0;
        // Oldest first: the patient whose reading came first in the span gets the lower seq (control id).
        const patients = this.db
          .prepare('SELECT patient_id FROM hl7_readings WHERE seq > ? AND seq <= ? GROUP BY patient_id ORDER BY min(seq)')
          .pluck()
          .all(after, upto) as string[];
        const insert = this.db.prepare(
          `INSERT INTO hl7_outbox (kind, record_id, patient_id, queued_at, readings_after, readings_upto) VALUES ('reading', ?, ?, ?, ?, ?)`,
        );
        for (const patientId of patients) insert.run(`readings ${after + 1}-${upto}`, patientId, this.now(), after, upto);
        this.#setMeta(FORMED_KEY, String(upto));
        return patients.length;
      })
      .immediate();
  }

  #setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /**
   * A batch's patient and readings as they are now, or the alarm change an item reports; null when
   * the patient, the alarm or all of the readings are gone (erased, pruned).
   */
  content(item: OutboxItem): Hl7Content | null {
    const span = this.db.prepare('SELECT kind, readings_after, readings_upto, alarm_event FROM hl7_outbox WHERE seq = ?').get(item.seq) as
      | { kind: 'reading' | 'alarm'; readings_after: number; readings_upto: number; alarm_event: number }
      | undefined;
    if (span?.kind === 'alarm') {
      const report = queuedAlarmReport(this.db, this.store, span.alarm_event);
      return report && { kind: 'alarm', ...report };
    }
    const patient = this.store.getPatient(item.patientId);
    if (!span || !patient) return null;
    const ids = this.db
      .prepare('SELECT reading_id FROM hl7_readings WHERE patient_id = ? AND seq > ? AND seq <= ?')
      .pluck()
      .all(item.patientId, span.readings_after, span.readings_upto) as number[];
    const readings = this.store.readingsByIds(ids);
    return readings.length === 0 ? null : { kind: 'readings', patient, readings };
  }
}
