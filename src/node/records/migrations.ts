/**
 * The records schema, as a numbered history. Each migration runs in its own IMMEDIATE transaction
 * together with the bump of PRAGMA user_version, so a crash or error mid-way leaves the database at
 * the previous version, never half-migrated; and two processes opening the same folder cannot both
 * run one. Never edit a shipped migration: add the next one.
 */
import type { Database } from 'better-sqlite3-multiple-ciphers';

export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'patients, visits, numerics, waveform segments, alarms, notes, consents, attachments',
    up(db) {
      db.exec(`
        CREATE TABLE patients (
          id TEXT PRIMARY KEY,
          given_name TEXT NOT NULL,
          family_name TEXT NOT NULL,
          birth_date TEXT,
          gender TEXT NOT NULL CHECK (gender IN ('male', 'female', 'other', 'unknown')),
          identifier TEXT,
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE visits (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          started_at INTEGER NOT NULL,
          started_by TEXT NOT NULL,
          ended_at INTEGER
        ) STRICT;
        CREATE TABLE readings (
          id INTEGER PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT REFERENCES visits(id) ON DELETE CASCADE,
          device_id TEXT NOT NULL,
          metric TEXT NOT NULL,
          value REAL NOT NULL,
          unit TEXT NOT NULL,
          device_time TEXT,
          received_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE waveform_segments (
          id INTEGER PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT REFERENCES visits(id) ON DELETE CASCADE,
          device_id TEXT NOT NULL,
          metric TEXT NOT NULL,
          rate_hz REAL NOT NULL,
          started_at INTEGER NOT NULL,
          sample_count INTEGER NOT NULL,
          samples BLOB NOT NULL
        ) STRICT;
        CREATE TABLE alarms (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT REFERENCES visits(id) ON DELETE CASCADE,
          priority TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
          condition TEXT NOT NULL,
          raised_at INTEGER NOT NULL,
          acknowledged_at INTEGER,
          acknowledged_by TEXT
        ) STRICT;
        CREATE TABLE notes (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT REFERENCES visits(id) ON DELETE CASCADE,
          author_id TEXT NOT NULL,
          written_at INTEGER NOT NULL,
          text TEXT NOT NULL
        ) STRICT;
        CREATE TABLE consents (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT REFERENCES visits(id) ON DELETE CASCADE,
          scope TEXT NOT NULL,
          granted INTEGER NOT NULL CHECK (granted IN (0, 1)),
          recorded_at INTEGER NOT NULL,
          recorded_by TEXT NOT NULL
        ) STRICT;
        CREATE TABLE attachments (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT REFERENCES visits(id) ON DELETE CASCADE,
          kind TEXT NOT NULL,
          media_type TEXT NOT NULL,
          captured_at INTEGER NOT NULL,
          captured_by TEXT NOT NULL,
          content BLOB NOT NULL
        ) STRICT;
        CREATE INDEX readings_by_patient ON readings(patient_id, received_at);
        CREATE INDEX waveforms_by_patient ON waveform_segments(patient_id, started_at);
        CREATE INDEX visits_by_patient ON visits(patient_id);
        CREATE INDEX alarms_by_patient ON alarms(patient_id);
        CREATE INDEX notes_by_patient ON notes(patient_id);
        CREATE INDEX consents_by_patient ON consents(patient_id);
        CREATE INDEX attachments_by_patient ON attachments(patient_id);
      `);
    },
  },
  {
    version: 2,
    description: 'station identity, users with their second factor and throttling state, the hash-chained audit log',
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        INSERT INTO meta (key, value) VALUES ('station_id', lower(hex(randomblob(16))));
        CREATE TABLE users (
          id TEXT PRIMARY KEY,
          username TEXT NOT NULL UNIQUE COLLATE NOCASE,
          role TEXT NOT NULL CHECK (role IN ('kiosk', 'nurse', 'physician', 'administrator')),
          password_hash TEXT NOT NULL,
          totp_secret BLOB,
          last_totp_step INTEGER,
          failed_attempts INTEGER NOT NULL DEFAULT 0,
          throttled_until INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE audit_log (
          seq INTEGER PRIMARY KEY,
          time TEXT NOT NULL,
          actor TEXT NOT NULL,
          role TEXT NOT NULL,
          action TEXT NOT NULL,
          object TEXT,
          station TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        ) STRICT;
        -- The newest entry, written with every append: truncating the log's tail shows as a mismatch.
        CREATE TABLE audit_head (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
          seq INTEGER NOT NULL,
          hash TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      `);
    },
  },
  {
    version: 3,
    description: 'indexes for retention pruning by age',
    up(db) {
      db.exec(`
        CREATE INDEX waveforms_by_age ON waveform_segments(started_at);
        CREATE INDEX readings_by_age ON readings(received_at);
        CREATE INDEX attachments_by_age ON attachments(captured_at);
      `);
    },
  },
  {
    version: 4,
    description: "alarm-limit changes: who changed which limit, from what to what, when and why",
    up(db) {
      db.exec(`
        CREATE TABLE alarm_limit_changes (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT REFERENCES visits(id) ON DELETE CASCADE,
          metric TEXT NOT NULL,
          side TEXT NOT NULL CHECK (side IN ('low', 'high')),
          old_value REAL,
          new_value REAL NOT NULL,
          changed_at INTEGER NOT NULL,
          changed_by TEXT NOT NULL,
          changed_by_name TEXT NOT NULL,
          changed_by_role TEXT NOT NULL,
          reason TEXT
        ) STRICT;
        CREATE INDEX limit_changes_by_time ON alarm_limit_changes(changed_at);
      `);
    },
  },
  {
    version: 5,
    description: 'readings keep the kind of device that measured them and the measurement they are part of',
    up(db) {
      db.exec(`
        ALTER TABLE readings ADD COLUMN source TEXT;
        ALTER TABLE readings ADD COLUMN measurement_id TEXT;
      `);
    },
  },
  {
    version: 6,
    description: 'NEWS2: the observations staff charted (who, when) and every score with its sub-scores',
    up(db) {
      db.exec(`
        CREATE TABLE news2_charted (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT REFERENCES visits(id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('respiratoryRate', 'consciousness', 'onOxygen', 'spo2Scale2')),
          value TEXT NOT NULL,
          entered_by TEXT NOT NULL,
          entered_role TEXT NOT NULL,
          entered_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE news2_scores (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT REFERENCES visits(id) ON DELETE CASCADE,
          scored_at INTEGER NOT NULL,
          total INTEGER NOT NULL,
          risk TEXT NOT NULL,
          scores TEXT NOT NULL,
          charted_inputs TEXT NOT NULL
        ) STRICT;
        CREATE INDEX news2_charted_by_patient ON news2_charted(patient_id, entered_at);
        CREATE INDEX news2_scores_by_patient ON news2_scores(patient_id, scored_at);
      `);
    },
  },
  {
    version: 7,
    description: 'the sync outbox: one row per record to send to the FHIR server, written in the transaction that writes the record',
    up(db) {
      // state: waiting (due at next_attempt_at) -> in-flight (claimed by a sync worker until
      // lease_until; a worker that died leaves it to be claimed again) -> sent | parked (a
      // permanent refusal, with the server's OperationOutcome in outcome). seq is the send order.
      db.exec(`
        CREATE TABLE outbox (
          seq INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('patient', 'visit', 'reading', 'news2-charted', 'news2-score')),
          record_id TEXT NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          -- Rows that must travel in one batch: the parts of one measurement (one blood-pressure panel).
          group_key TEXT,
          queued_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'in-flight', 'sent', 'parked')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL DEFAULT 0,
          lease_until INTEGER,
          sent_at INTEGER,
          outcome TEXT
        ) STRICT;
        CREATE INDEX outbox_by_state ON outbox(state, seq);
        CREATE INDEX outbox_by_patient ON outbox(patient_id);
        CREATE INDEX outbox_by_group ON outbox(group_key) WHERE group_key IS NOT NULL;
        -- What was recorded before this version has never been sent either: it is the first backlog.
        INSERT INTO outbox (kind, record_id, patient_id, queued_at) SELECT 'patient', id, id, created_at FROM patients ORDER BY created_at;
        INSERT INTO outbox (kind, record_id, patient_id, queued_at) SELECT 'visit', id, patient_id, started_at FROM visits ORDER BY started_at;
        INSERT INTO outbox (kind, record_id, patient_id, group_key, queued_at) SELECT 'reading', id, patient_id, measurement_id, received_at FROM readings ORDER BY received_at, id;
        INSERT INTO outbox (kind, record_id, patient_id, queued_at) SELECT 'news2-charted', id, patient_id, entered_at FROM news2_charted ORDER BY entered_at;
        INSERT INTO outbox (kind, record_id, patient_id, queued_at) SELECT 'news2-score', id, patient_id, scored_at FROM news2_scores ORDER BY scored_at;
      `);
    },
  },
  {
    version: 8,
    description: 'a NEWS2 score keeps the device readings it was derived from, beside the charted observations',
    up(db) {
      // Scores filed before this version named only their charted inputs: their device inputs stay unknown ([]).
      // The index finds the other parts of a measurement a score used (its blood-pressure panel).
      db.exec(`
        ALTER TABLE news2_scores ADD COLUMN reading_inputs TEXT NOT NULL DEFAULT '[]';
        CREATE INDEX readings_by_measurement ON readings(measurement_id) WHERE measurement_id IS NOT NULL;
      `);
    },
  },
  {
    version: 9,
    description: "a patient chosen from the FHIR server's patient lookup keeps the server's logical id and the system of its identifier",
    up(db) {
      // Null for every patient before this version and for any named by hand: the sync then creates the Patient conditionally.
      db.exec(`
        ALTER TABLE patients ADD COLUMN server_id TEXT;
        ALTER TABLE patients ADD COLUMN server_identifier_system TEXT;
      `);
    },
  },
  {
    version: 10,
    description: 'per-minute summaries of continuous readings in the sync outbox; alarms keep their kind and when their condition ended',
    up(db) {
      // SQLite cannot change a CHECK in place: the outbox is rebuilt with the new kind, keeping
      // every row (seq and state included, so the send order and what was sent stay as they were).
      // The unique index lets a reading or a minute's summary be queued at most once (INSERT OR IGNORE).
      // Alarms recorded before this version have neither kind nor end: no summary sends readings
      // individually on their account (their readings were queued one by one when recorded).
      db.exec(`
        CREATE TABLE outbox_v10 (
          seq INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('patient', 'visit', 'reading', 'reading-summary', 'news2-charted', 'news2-score')),
          record_id TEXT NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          group_key TEXT,
          queued_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'in-flight', 'sent', 'parked')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL DEFAULT 0,
          lease_until INTEGER,
          sent_at INTEGER,
          outcome TEXT
        ) STRICT;
        INSERT INTO outbox_v10 SELECT seq, kind, record_id, patient_id, group_key, queued_at, state, attempts, next_attempt_at, lease_until, sent_at, outcome FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v10 RENAME TO outbox;
        CREATE INDEX outbox_by_state ON outbox(state, seq);
        CREATE INDEX outbox_by_patient ON outbox(patient_id);
        CREATE INDEX outbox_by_group ON outbox(group_key) WHERE group_key IS NOT NULL;
        CREATE UNIQUE INDEX outbox_once ON outbox(kind, record_id) WHERE kind IN ('reading', 'reading-summary');
        ALTER TABLE alarms ADD COLUMN kind TEXT CHECK (kind IN ('physiological', 'technical'));
        ALTER TABLE alarms ADD COLUMN ended_at INTEGER;
      `);
    },
  },
  {
    version: 11,
    description: "a waveform segment keeps its device's raw scale; the pleth of a visit can be queued for the FHIR server on staff's request",
    up(db) {
      // Rebuilt as in version 10 to add the kind; 'pleth-segment' joins the unique index, so a
      // second request for the same visit queues no segment twice. Segments recorded before this
      // version have no scale (null): nothing says what their raw numbers mean, so none is sent.
      db.exec(`
        ALTER TABLE waveform_segments ADD COLUMN raw_min REAL;
        ALTER TABLE waveform_segments ADD COLUMN raw_max REAL;
        CREATE INDEX waveforms_by_visit ON waveform_segments(visit_id, started_at) WHERE visit_id IS NOT NULL;
        CREATE TABLE outbox_v11 (
          seq INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('patient', 'visit', 'reading', 'reading-summary', 'news2-charted', 'news2-score', 'pleth-segment')),
          record_id TEXT NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          group_key TEXT,
          queued_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'in-flight', 'sent', 'parked')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL DEFAULT 0,
          lease_until INTEGER,
          sent_at INTEGER,
          outcome TEXT
        ) STRICT;
        INSERT INTO outbox_v11 SELECT seq, kind, record_id, patient_id, group_key, queued_at, state, attempts, next_attempt_at, lease_until, sent_at, outcome FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v11 RENAME TO outbox;
        CREATE INDEX outbox_by_state ON outbox(state, seq);
        CREATE INDEX outbox_by_patient ON outbox(patient_id);
        CREATE INDEX outbox_by_group ON outbox(group_key) WHERE group_key IS NOT NULL;
        CREATE UNIQUE INDEX outbox_once ON outbox(kind, record_id) WHERE kind IN ('reading', 'reading-summary', 'pleth-segment');
      `);
    },
  },
  {
    version: 12,
    description: 'the sync status (last success, oldest item waiting) found from indexes, not by reading every row',
    up(db) {
      // Sent rows are never deleted, so the outbox only grows, and a week offline leaves a large
      // backlog waiting; the sync status asks for the newest sent_at and the oldest queued_at
      // every time staff look, which otherwise reads every sent or waiting row.
      db.exec(`
        CREATE INDEX outbox_last_sent ON outbox(state, sent_at);
        CREATE INDEX outbox_oldest_queued ON outbox(state, queued_at);
      `);
    },
  },
  {
    version: 13,
    description: 'the HL7 v2 (PCD-01) outbox: batches of readings for an interface engine, each with its own delivery state',
    up(db) {
      // A second table rather than a destination column on `outbox` (src/node/hl7/hl7-outbox.ts
      // says why), with the same columns and states, so the sync's Outbox class drives both.
      // hl7_readings queues every reading recorded while the output is on (meta 'hl7_output'),
      // in the reading's own transaction; its AUTOINCREMENT seq never repeats, even after the
      // newest readings were erased, so a batch (a span of it) is fixed once formed.
      db.exec(`
        CREATE TABLE hl7_readings (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          reading_id INTEGER NOT NULL REFERENCES readings(id) ON DELETE CASCADE,
          patient_id TEXT NOT NULL
        ) STRICT;
        CREATE INDEX hl7_readings_by_patient ON hl7_readings(patient_id, seq);
        CREATE INDEX hl7_readings_by_reading ON hl7_readings(reading_id);
        CREATE TRIGGER hl7_queue_reading AFTER INSERT ON readings
          WHEN (SELECT value FROM meta WHERE key = 'hl7_output') = 'on'
          BEGIN INSERT INTO hl7_readings (reading_id, patient_id) VALUES (NEW.id, NEW.patient_id); END;
        CREATE TABLE hl7_outbox (
          seq INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('reading')),
          record_id TEXT NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          group_key TEXT,
          queued_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'in-flight', 'sent', 'parked')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL DEFAULT 0,
          lease_until INTEGER,
          sent_at INTEGER,
          outcome TEXT,
          readings_after INTEGER NOT NULL,
          readings_upto INTEGER NOT NULL CHECK (readings_upto > readings_after)
        ) STRICT;
        CREATE UNIQUE INDEX hl7_outbox_once ON hl7_outbox(patient_id, readings_after);
        CREATE INDEX hl7_outbox_by_state ON hl7_outbox(state, seq);
        CREATE INDEX hl7_outbox_last_sent ON hl7_outbox(state, sent_at);
        CREATE INDEX hl7_outbox_oldest_queued ON hl7_outbox(state, queued_at);
      `);
    },
  },
  {
    version: 14,
    description: 'structured visit notes (nurse and physician), draft then signed, with addenda; a signed note cannot change',
    up(db) {
      // One note per author and visit (the editor reopens it); an addendum is its own row, written
      // signed, pointing at the signed note. The trigger keeps a signed row as it was whatever code
      // writes to the table; erasure deletes rows, which it does not stop.
      db.exec(`
        CREATE TABLE visit_notes (
          id TEXT PRIMARY KEY,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          visit_id TEXT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
          kind TEXT NOT NULL CHECK (kind IN ('note', 'addendum')),
          addendum_to TEXT REFERENCES visit_notes(id) ON DELETE CASCADE,
          author_id TEXT NOT NULL,
          author_name TEXT NOT NULL,
          author_role TEXT NOT NULL CHECK (author_role IN ('nurse', 'physician')),
          content TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('draft', 'signed')),
          revision INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          signed_at INTEGER,
          CHECK ((kind = 'note') = (addendum_to IS NULL)),
          CHECK ((state = 'signed') = (signed_at IS NOT NULL)),
          CHECK (kind = 'note' OR state = 'signed')
        ) STRICT;
        CREATE INDEX visit_notes_by_visit ON visit_notes(visit_id, created_at);
        CREATE INDEX visit_notes_by_patient ON visit_notes(patient_id);
        CREATE UNIQUE INDEX visit_notes_one_per_author ON visit_notes(visit_id, author_id) WHERE kind = 'note';
        CREATE TRIGGER visit_notes_signed_read_only BEFORE UPDATE ON visit_notes WHEN OLD.state = 'signed'
          BEGIN SELECT RAISE(ABORT, 'a signed note is read-only'); END;
      `);
    },
  },
  {
    version: 15,
    description: "a visit's summary document queued for the FHIR server when the visit ends",
    up(db) {
      // Rebuilt as in version 11 to add the kind, keeping every row, its seq and state, and every
      // index; 'visit-summary' joins outbox_once, so a visit's summary is queued at most once
      // (RecordStore.endVisit inserts it OR IGNORE). Visits that ended before this version are not
      // queued: their summary was never asked of the sync, and staff can still export it.
      db.exec(`
        CREATE TABLE outbox_v15 (
          seq INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('patient', 'visit', 'reading', 'reading-summary', 'news2-charted', 'news2-score', 'pleth-segment', 'visit-summary')),
          record_id TEXT NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          group_key TEXT,
          queued_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'in-flight', 'sent', 'parked')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL DEFAULT 0,
          lease_until INTEGER,
          sent_at INTEGER,
          outcome TEXT
        ) STRICT;
        INSERT INTO outbox_v15 SELECT seq, kind, record_id, patient_id, group_key, queued_at, state, attempts, next_attempt_at, lease_until, sent_at, outcome FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v15 RENAME TO outbox;
        CREATE INDEX outbox_by_state ON outbox(state, seq);
        CREATE INDEX outbox_by_patient ON outbox(patient_id);
        CREATE INDEX outbox_by_group ON outbox(group_key) WHERE group_key IS NOT NULL;
        CREATE UNIQUE INDEX outbox_once ON outbox(kind, record_id) WHERE kind IN ('reading', 'reading-summary', 'pleth-segment', 'visit-summary');
        CREATE INDEX outbox_last_sent ON outbox(state, sent_at);
        CREATE INDEX outbox_oldest_queued ON outbox(state, queued_at);
      `);
    },
  },
  {
    version: 16,
    description: 'alarms keep what raised them (condition key, value, unit, limit); their start, acknowledgement, escalation, return and end queued as PCD-04 reports in the HL7 outbox',
    up(db) {
      // hl7_outbox is rebuilt as in version 13 to admit the kind 'alarm' (SQLite cannot change a
      // CHECK in place), keeping every row, its seq and state. A reading batch has its span, an
      // alarm report has none: its content is the hl7_alarm_events row in alarm_event, and its
      // record_id says what it is for the status line ('alarm start', 'alarm end'...).
      // hl7_alarm_events keeps each change of an alarm as it was at that moment (phase, priority,
      // acknowledged, condition present), so every attempt rebuilds the same message even after
      // the alarm changed again. The triggers write the event and its outbox row in the
      // transaction that changes the alarm, while meta 'hl7_alarms' is 'on' (src/node/hl7/
      // alarm-reports.ts); a change is reported only of an alarm whose start was, so an engine
      // never hears of an end it had no start for. Alarms recorded before this version have no
      // key: they are not sent.
      db.exec(`
        ALTER TABLE alarms ADD COLUMN source_key TEXT;
        ALTER TABLE alarms ADD COLUMN source_value REAL;
        ALTER TABLE alarms ADD COLUMN source_unit TEXT;
        ALTER TABLE alarms ADD COLUMN source_limit REAL;
        CREATE TABLE hl7_alarm_events (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          alarm_id TEXT NOT NULL REFERENCES alarms(id) ON DELETE CASCADE,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          phase TEXT NOT NULL CHECK (phase IN ('start', 'update', 'escalate', 'continue', 'end')),
          at INTEGER NOT NULL,
          priority TEXT NOT NULL,
          acknowledged INTEGER NOT NULL CHECK (acknowledged IN (0, 1)),
          condition_present INTEGER NOT NULL CHECK (condition_present IN (0, 1))
        ) STRICT;
        CREATE INDEX hl7_alarm_events_by_alarm ON hl7_alarm_events(alarm_id, seq);
        CREATE TABLE hl7_outbox_v16 (
          seq INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('reading', 'alarm')),
          record_id TEXT NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          group_key TEXT,
          queued_at INTEGER NOT NULL,
          state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'in-flight', 'sent', 'parked')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL DEFAULT 0,
          lease_until INTEGER,
          sent_at INTEGER,
          outcome TEXT,
          readings_after INTEGER,
          readings_upto INTEGER,
          alarm_event INTEGER REFERENCES hl7_alarm_events(seq) ON DELETE CASCADE,
          CHECK ((kind = 'reading') = (readings_after IS NOT NULL AND readings_upto IS NOT NULL)),
          CHECK ((kind = 'alarm') = (alarm_event IS NOT NULL)),
          CHECK (readings_upto > readings_after)
        ) STRICT;
        INSERT INTO hl7_outbox_v16 SELECT seq, kind, record_id, patient_id, group_key, queued_at, state, attempts, next_attempt_at, lease_until, sent_at, outcome, readings_after, readings_upto, NULL FROM hl7_outbox;
        DROP TABLE hl7_outbox;
        ALTER TABLE hl7_outbox_v16 RENAME TO hl7_outbox;
        CREATE UNIQUE INDEX hl7_outbox_once ON hl7_outbox(patient_id, readings_after);
        CREATE INDEX hl7_outbox_by_state ON hl7_outbox(state, seq);
        CREATE INDEX hl7_outbox_last_sent ON hl7_outbox(state, sent_at);
        CREATE INDEX hl7_outbox_oldest_queued ON hl7_outbox(state, queued_at);
        CREATE INDEX hl7_outbox_by_alarm_event ON hl7_outbox(alarm_event);
        CREATE TRIGGER hl7_alarm_start AFTER INSERT ON alarms
          WHEN NEW.source_key IS NOT NULL AND (SELECT value FROM meta WHERE key = 'hl7_alarms') = 'on'
          BEGIN
            INSERT INTO hl7_alarm_events (alarm_id, patient_id, phase, at, priority, acknowledged, condition_present)
              VALUES (NEW.id, NEW.patient_id, 'start', NEW.raised_at, NEW.priority, NEW.acknowledged_at IS NOT NULL, NEW.ended_at IS NULL);
            INSERT INTO hl7_outbox (kind, record_id, alarm_event, patient_id, queued_at) SELECT 'alarm', 'alarm ' || phase, seq, patient_id, at FROM hl7_alarm_events WHERE seq = last_insert_rowid();
          END;
        CREATE TRIGGER hl7_alarm_acknowledged AFTER UPDATE OF acknowledged_at ON alarms
          WHEN OLD.acknowledged_at IS NULL AND NEW.acknowledged_at IS NOT NULL AND NEW.source_key IS NOT NULL AND (SELECT value FROM meta WHERE key = 'hl7_alarms') = 'on'
            AND EXISTS (SELECT 1 FROM hl7_alarm_events WHERE alarm_id = NEW.id)
          BEGIN
            INSERT INTO hl7_alarm_events (alarm_id, patient_id, phase, at, priority, acknowledged, condition_present)
              VALUES (NEW.id, NEW.patient_id, 'update', NEW.acknowledged_at, NEW.priority, 1, NEW.ended_at IS NULL);
            INSERT INTO hl7_outbox (kind, record_id, alarm_event, patient_id, queued_at) SELECT 'alarm', 'alarm ' || phase, seq, patient_id, at FROM hl7_alarm_events WHERE seq = last_insert_rowid();
          END;
        CREATE TRIGGER hl7_alarm_escalated AFTER UPDATE OF priority ON alarms
          WHEN NEW.priority <> OLD.priority AND NEW.source_key IS NOT NULL AND (SELECT value FROM meta WHERE key = 'hl7_alarms') = 'on'
            AND EXISTS (SELECT 1 FROM hl7_alarm_events WHERE alarm_id = NEW.id)
          BEGIN
            INSERT INTO hl7_alarm_events (alarm_id, patient_id, phase, at, priority, acknowledged, condition_present)
              VALUES (NEW.id, NEW.patient_id, 'escalate', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), NEW.priority, NEW.acknowledged_at IS NOT NULL, NEW.ended_at IS NULL);
            INSERT INTO hl7_outbox (kind, record_id, alarm_event, patient_id, queued_at) SELECT 'alarm', 'alarm ' || phase, seq, patient_id, at FROM hl7_alarm_events WHERE seq = last_insert_rowid();
          END;
        CREATE TRIGGER hl7_alarm_end AFTER UPDATE OF ended_at ON alarms
          WHEN (OLD.ended_at IS NULL) <> (NEW.ended_at IS NULL) AND NEW.source_key IS NOT NULL AND (SELECT value FROM meta WHERE key = 'hl7_alarms') = 'on'
            AND EXISTS (SELECT 1 FROM hl7_alarm_events WHERE alarm_id = NEW.id)
          BEGIN
            INSERT INTO hl7_alarm_events (alarm_id, patient_id, phase, at, priority, acknowledged, condition_present)
              VALUES (NEW.id, NEW.patient_id, CASE WHEN NEW.ended_at IS NULL THEN 'continue' ELSE 'end' END,
                      coalesce(NEW.ended_at, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)), NEW.priority, NEW.acknowledged_at IS NOT NULL, NEW.ended_at IS NULL);
            INSERT INTO hl7_outbox (kind, record_id, alarm_event, patient_id, queued_at) SELECT 'alarm', 'alarm ' || phase, seq, patient_id, at FROM hl7_alarm_events WHERE seq = last_insert_rowid();
          END;
      `);
    },
  },
  {
    version: 17,
    description: "the measurements the remote clinician asked for during a video visit, and what became of each at the station",
    up(db) {
      // One row per request: who asked (the visit's remote clinician), which device, when, and what
      // the person at the station did (started it, declined it) or why it failed, with who and when.
      // The reading that answered a started request is found from the readings (RecordStore.visitMeasurementRequests),
      // not copied here. The request id is the clinician page's, unique within its visit.
      db.exec(`
        CREATE TABLE measurement_requests (
          visit_id TEXT NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
          request_id TEXT NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
          device_id TEXT NOT NULL,
          device_name TEXT,
          requested_by TEXT NOT NULL,
          requested_at INTEGER NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('awaiting-confirmation', 'started', 'declined', 'failed')),
          settled_by TEXT,
          settled_at INTEGER,
          reason TEXT,
          PRIMARY KEY (visit_id, request_id),
          CHECK ((state = 'awaiting-confirmation') = (settled_at IS NULL))
        ) STRICT;
        CREATE INDEX measurement_requests_by_patient ON measurement_requests(patient_id);
      `);
    },
  },
  {
    version: 18,
    description: 'wearables: each watch imported from, how far its data was imported, and one key per imported reading',
    up(db) {
      // src/node/wearables/wearable-records.ts. wearable_readings makes a duplicate impossible: a
      // reading's key is unique within its watch, whatever patient it was filed for, and the row
      // goes with its reading (an erased reading may be imported again only below the watermark,
      // which the importer never reads again).
      db.exec(`
        CREATE TABLE wearable_watches (
          id TEXT PRIMARY KEY,
          manufacturer TEXT,
          model TEXT,
          serial_number TEXT NOT NULL,
          imported_until INTEGER,
          last_import_at INTEGER
        ) STRICT;
        CREATE TABLE wearable_readings (
          reading_id INTEGER PRIMARY KEY REFERENCES readings(id) ON DELETE CASCADE,
          watch_id TEXT NOT NULL REFERENCES wearable_watches(id),
          reading_key TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX wearable_readings_once ON wearable_readings(watch_id, reading_key);
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the schema up to the newest of `migrations`; returns the versions before and after. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new SchemaVersionError(`migration ${index + 1} is numbered ${migration.version}`);
  });
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new SchemaVersionError(`the records database has schema version ${from}, newer than this VitalBridge knows (${migrations.length}); update VitalBridge`);
  }
  for (const migration of migrations.slice(from)) {
    db.transaction(() => {
      // Re-read under the write lock: another process may have migrated while we waited.
      if (schemaVersion(db) >= migration.version) return;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return { from, to: schemaVersion(db) };
}
