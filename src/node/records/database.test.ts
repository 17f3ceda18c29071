import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecordsDatabase, RECORDS_FILE_NAME, RecordsLostError, WrongDataKeyError } from './database';
import { FileKeyProvider, KEY_FILE_NAME, type DataKeyProvider } from './key-provider';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, schemaVersion, SchemaVersionError, type Migration } from './migrations';
import { RecordStore } from './store';
import { newKeyProvider, tempDataDir, TestClock } from './test-support';

const fixedKey = (key: Buffer): DataKeyProvider => ({ getDataKey: async () => key });
const fileDigest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const PATIENT = { givenName: 'Zebediah', familyName: 'Quartermaine', birthDate: '1941-03-02', gender: 'male', identifier: 'MRN-778812' } as const;
/** A value no test or header would contain by chance, searched for as text and as the stored double. */
const KNOWN_WEIGHT = 87.123456;

function float64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return bytes;
}

function filesOf(dataDir: string): Buffer[] {
  return readdirSync(dataDir).map((name) => readFileSync(join(dataDir, name)));
}

describe('records database encryption', () => {
  it('keeps no patient name or value readable in the database, WAL or SHM files', async () => {
    const dataDir = tempDataDir();
    const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
    const store = new RecordStore(db);
    const patient = store.createPatient(PATIENT);
    store.recordReading(patient.id, null, { deviceId: 'scale-1', metric: 'bodyWeight', value: KNOWN_WEIGHT, unit: 'kg', deviceTime: null, receivedAt: 1 });
    store.addNote(patient.id, null, 'u1', 'Quartermaine reports dizziness');
    // Checked while open (data still in the WAL) and after close (checkpointed into the main file).
    const needles: Buffer[] = ['Zebediah', 'Quartermaine', 'MRN-778812', 'dizziness', String(KNOWN_WEIGHT)].map((text) => Buffer.from(text));
    needles.push(float64(KNOWN_WEIGHT));
    for (const stage of ['open', 'closed']) {
      if (stage === 'closed') db.close();
      const files = filesOf(dataDir);
      expect(files.length).toBeGreaterThan(stage === 'open' ? 2 : 1);
      for (const needle of needles) expect(files.some((content) => content.includes(needle)), `${stage}: ${needle.toString('hex')}`).toBe(false);
    }
    // The plaintext SQLite header would start "SQLite format 3": the whole file is encrypted.
    expect(readFileSync(join(dataDir, RECORDS_FILE_NAME)).includes(Buffer.from('SQLite format 3'))).toBe(false);
  });

  it('creates the key file with mode 0600 and logs its creation without the key', async () => {
    const dataDir = tempDataDir();
    const lines: string[] = [];
    const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir, (line) => lines.push(line)) });
    db.close();
    const keyText = readFileSync(join(dataDir, KEY_FILE_NAME), 'utf8');
    expect(statSync(join(dataDir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, RECORDS_FILE_NAME)).mode & 0o077).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('0600');
    expect(lines.join('\n')).not.toContain(keyText);
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses the wrong key with a clear error and leaves the database untouched and openable', async () => {
    const dataDir = tempDataDir();
    const rightKey = randomBytes(32);
    const db = await openRecordsDatabase({ dataDir, keyProvider: newKeyProvider(rightKey) });
    new RecordStore(db).createPatient(PATIENT);
    db.close();
    const path = join(dataDir, RECORDS_FILE_NAME);
    const before = fileDigest(path);

    const attempt = openRecordsDatabase({ dataDir, keyProvider: fixedKey(randomBytes(32)) });
    await expect(attempt).rejects.toBeInstanceOf(WrongDataKeyError);
    await expect(attempt).rejects.toThrow('the data key does not open this database');
    expect(fileDigest(path)).toBe(before);

    const reopened = await openRecordsDatabase({ dataDir, keyProvider: fixedKey(rightKey) });
    expect(new RecordStore(reopened).listPatientIds()).toHaveLength(1);
    reopened.close();
  });

  it('refuses a damaged key file and a missing key for an existing database, without touching the database', async () => {
    const dataDir = tempDataDir();
    (await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) })).close();
    writeFileSync(join(dataDir, KEY_FILE_NAME), 'not a key');
    await expect(openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) })).rejects.toThrow('the data key file data.key is damaged');
    await expect(openRecordsDatabase({ dataDir, keyProvider: { getDataKey: async () => null } })).rejects.toThrow('its data key is missing');
  });

  it.each(['emptied', 'removed'] as const)('refuses to start afresh in a folder whose key is there but whose database was %s', async (loss) => {
    const dataDir = tempDataDir();
    const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
    new RecordStore(db).createPatient(PATIENT);
    db.close();
    const path = join(dataDir, RECORDS_FILE_NAME);
    if (loss === 'emptied') writeFileSync(path, '');
    else rmSync(path);
    for (const mode of ['read-write', 'inspect'] as const) {
      const attempt = openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir), mode });
      await expect(attempt).rejects.toBeInstanceOf(RecordsLostError);
      await expect(attempt).rejects.toThrow(`has a records key but its records database records.db is ${loss === 'emptied' ? 'empty (0 bytes)' : 'missing'}`);
    }
    // Nothing was created or changed: a restored backup can be put back as it was.
    expect(loss === 'emptied' ? statSync(path).size : existsSync(path)).toBe(loss === 'emptied' ? 0 : false);
  });

  it('starts a fresh installation in a folder with neither key nor database, even with an empty database file left over', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, RECORDS_FILE_NAME), '');
    const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });
});

describe('schema migrations', () => {
  const key = randomBytes(32);

  it('builds the latest schema from an empty database', async () => {
    const db = await openRecordsDatabase({ dataDir: tempDataDir(), keyProvider: newKeyProvider(key) });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(['alarm_limit_changes', 'alarms', 'attachments', 'audit_head', 'audit_log', 'consents', 'hl7_alarm_events', 'hl7_outbox', 'hl7_readings', 'measurement_requests', 'meta', 'news2_charted', 'news2_scores', 'notes', 'outbox', 'patients', 'readings', 'sqlite_sequence', 'users', 'visit_notes', 'visits', 'waveform_segments', 'wearable_readings', 'wearable_watches']);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
  });

  it('upgrades a database at version N-1 and keeps its data', async () => {
    const dataDir = tempDataDir();
    const old = await openRecordsDatabase({ dataDir, keyProvider: newKeyProvider(key), migrations: MIGRATIONS.slice(0, LATEST_SCHEMA_VERSION - 1) });
    // As the previous version's store wrote it (today's also writes the outbox row that version lacks).
    old.prepare(`INSERT INTO patients (id, given_name, family_name, gender, created_at) VALUES ('p-1', 'Zebediah', 'Quartermaine', 'male', 1)`).run();
    const patient = { id: 'p-1' };
    expect(schemaVersion(old)).toBe(LATEST_SCHEMA_VERSION - 1);
    old.close();
    const db = await openRecordsDatabase({ dataDir, keyProvider: fixedKey(key) });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(new RecordStore(db).getPatient(patient.id)?.familyName).toBe('Quartermaine');
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'waveforms_by_age'`).pluck().get()).toBe(1);
    db.close();
  });

  it('migration 10 rebuilds the outbox keeping every row as it was, lets it hold minute summaries once each, and gives alarms a kind and an end', async () => {
    const dataDir = tempDataDir();
    const old = await openRecordsDatabase({ dataDir, keyProvider: newKeyProvider(key), migrations: MIGRATIONS.slice(0, 9) });
    old.prepare(`INSERT INTO patients (id, given_name, family_name, gender, created_at) VALUES ('p-1', 'Zebediah', 'Quartermaine', 'male', 1)`).run();
    old.prepare(`INSERT INTO alarms (id, patient_id, priority, condition, raised_at) VALUES ('a-1', 'p-1', 'high', 'SpO₂ low', 5)`).run();
    const insert = old.prepare(`INSERT INTO outbox (kind, record_id, patient_id, group_key, queued_at, state, attempts, next_attempt_at, sent_at, outcome) VALUES (?, ?, 'p-1', ?, ?, ?, ?, ?, ?, ?)`);
    insert.run('patient', 'p-1', null, 1, 'sent', 0, 0, 10, null);
    insert.run('reading', '7', 'bp-1', 2, 'parked', 3, 0, 11, '{"resourceType":"OperationOutcome"}');
    insert.run('reading', '8', 'bp-1', 3, 'waiting', 1, 9_000, null, null);
    const before = old.prepare('SELECT * FROM outbox ORDER BY seq').all();
    expect(() => insert.run('reading-summary', '[]', null, 4, 'waiting', 0, 0, null, null)).toThrow(/CHECK/);
    old.close();

    const db = await openRecordsDatabase({ dataDir, keyProvider: fixedKey(key) });
    expect(db.prepare('SELECT * FROM outbox ORDER BY seq').all()).toEqual(before);
    const summary = db.prepare(`INSERT OR IGNORE INTO outbox (kind, record_id, patient_id, queued_at) VALUES ('reading-summary', 'minute-1', 'p-1', 4)`);
    expect(summary.run().changes).toBe(1);
    expect(summary.run().changes).toBe(0);
    // A patient row is queued again at each change: only readings and summaries are once each.
    expect(db.prepare(`INSERT INTO outbox (kind, record_id, patient_id, queued_at) VALUES ('patient', 'p-1', 'p-1', 5)`).run().changes).toBe(1);
    expect(db.prepare(`SELECT kind, ended_at FROM alarms`).all()).toEqual([{ kind: null, ended_at: null }]);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE tbl_name = 'outbox' AND type = 'index' ORDER BY name`).pluck().all()).toEqual(['outbox_by_group', 'outbox_by_patient', 'outbox_by_state', 'outbox_last_sent', 'outbox_oldest_queued', 'outbox_once']);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('the PCD-04 migration rebuilds hl7_outbox keeping every row as it was, admits alarm reports, and keeps old alarms unreported', async () => {
    // Found by its description, not its number: the number changes when branches merge.
    const at = MIGRATIONS.findIndex((migration) => migration.description.startsWith('alarms keep what raised them'));
    const dataDir = tempDataDir();
    const old = await openRecordsDatabase({ dataDir, keyProvider: newKeyProvider(key), migrations: MIGRATIONS.slice(0, at) });
    old.prepare(`INSERT INTO patients (id, given_name, family_name, gender, created_at) VALUES ('p-1', 'Zebediah', 'Quartermaine', 'male', 1)`).run();
    old.prepare(`INSERT INTO alarms (id, patient_id, priority, condition, raised_at, kind) VALUES ('a-1', 'p-1', 'high', 'SpO₂ low', 5, 'physiological')`).run();
    const insert = old.prepare(`INSERT INTO hl7_outbox (kind, record_id, patient_id, queued_at, state, attempts, sent_at, outcome, readings_after, readings_upto) VALUES ('reading', ?, 'p-1', ?, ?, ?, ?, ?, ?, ?)`);
    insert.run('readings 1-4', 1, 'sent', 0, 10, null, 0, 4);
    insert.run('readings 5-6', 2, 'parked', 1, null, 'AE: no', 4, 6);
    const before = old.prepare('SELECT * FROM hl7_outbox ORDER BY seq').all();
    old.prepare(`INSERT INTO meta (key, value) VALUES ('hl7_alarms', 'on')`).run();
    old.close();

    const db = await openRecordsDatabase({ dataDir, keyProvider: fixedKey(key) });
    expect(db.prepare('SELECT * FROM hl7_outbox ORDER BY seq').all()).toEqual(before.map((row) => ({ ...(row as object), alarm_event: null })));
    // An alarm recorded before has no source key: its acknowledgement and end are not reported.
    db.prepare(`UPDATE alarms SET acknowledged_at = 6, acknowledged_by = 'u', ended_at = 7 WHERE id = 'a-1'`).run();
    expect(db.prepare(`SELECT count(*) FROM hl7_outbox WHERE kind = 'alarm'`).pluck().get()).toBe(0);
    db.prepare(`INSERT INTO alarms (id, patient_id, priority, condition, raised_at, kind, source_key) VALUES ('a-2', 'p-1', 'high', 'SpO₂ low', 8, 'physiological', 'physiological:spo2:low')`).run();
    expect(db.prepare(`SELECT kind, record_id, alarm_event, readings_after FROM hl7_outbox WHERE seq = 3`).get()).toEqual({ kind: 'alarm', record_id: 'alarm start', alarm_event: 1, readings_after: null });
    // A reading batch still needs its span, and an alarm report has none.
    expect(() => db.prepare(`INSERT INTO hl7_outbox (kind, record_id, patient_id, queued_at) VALUES ('reading', 'x', 'p-1', 9)`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO hl7_outbox (kind, record_id, patient_id, queued_at, alarm_event, readings_after, readings_upto) VALUES ('alarm', 'x', 'p-1', 9, 1, 0, 1)`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO hl7_outbox (kind, record_id, patient_id, queued_at) VALUES ('alarm', 'x', 'p-1', 9)`).run()).toThrow(/CHECK/);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE tbl_name = 'hl7_outbox' AND type = 'index' ORDER BY name`).pluck().all()).toEqual(['hl7_outbox_by_alarm_event', 'hl7_outbox_by_state', 'hl7_outbox_last_sent', 'hl7_outbox_oldest_queued', 'hl7_outbox_once']);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('rolls a failing migration back completely and stays at the previous version', async () => {
    const dataDir = tempDataDir();
    (await openRecordsDatabase({ dataDir, keyProvider: newKeyProvider(key) })).close();
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      description: 'fails half-way',
      up(db) {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('disk on fire');
      },
    };
    await expect(openRecordsDatabase({ dataDir, keyProvider: fixedKey(key), migrations: [...MIGRATIONS, broken] })).rejects.toThrow('disk on fire');
    const db = await openRecordsDatabase({ dataDir, keyProvider: fixedKey(key) });
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half_done'`).pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database written by a newer version instead of guessing', async () => {
    const dataDir = tempDataDir();
    (await openRecordsDatabase({ dataDir, keyProvider: newKeyProvider(key), migrations: MIGRATIONS.slice(0, 2) })).close();
    (await openRecordsDatabase({ dataDir, keyProvider: fixedKey(key) })).close();
    await expect(openRecordsDatabase({ dataDir, keyProvider: fixedKey(key), migrations: MIGRATIONS.slice(0, 2) })).rejects.toBeInstanceOf(SchemaVersionError);
  });

  it('opens nothing and creates nothing in inspect mode when the folder has no records', async () => {
    const dataDir = tempDataDir();
    await expect(openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir), mode: 'inspect' })).rejects.toThrow('there is no records database');
    expect(existsSync(join(dataDir, KEY_FILE_NAME))).toBe(false);
  });
});

describe('retention', () => {
  it('prunes waveform segments after their period and keeps numerics for longer', async () => {
    const clock = new TestClock();
    const db = await openRecordsDatabase({ dataDir: tempDataDir(), keyProvider: newKeyProvider(randomBytes(32)) });
    const store = new RecordStore(db, clock.now);
    const patient = store.createPatient(PATIENT);
    const day = 86_400_000;
    const ages = [1, 6, 8, 30, 400];
    for (const age of ages) {
      const at = clock.time - age * day;
      store.recordWaveform(patient.id, null, { deviceId: 'ox', metric: 'pleth', rateHz: 60, startedAt: at, samples: [1, 2, 3] });
      store.recordReading(patient.id, null, { deviceId: 'ox', metric: 'spo2', value: 97, unit: '%', deviceTime: null, receivedAt: at });
      const charted = randomUUID();
      store.recordNews2Charted(patient.id, null, { id: charted, kind: 'respiratoryRate', value: 16, enteredBy: 'n', enteredRole: 'nurse', enteredAt: at });
      store.recordNews2Score(patient.id, null, { id: randomUUID(), scoredAt: at, total: 0, risk: 'low', scores: { respiratoryRate: 0 }, chartedInputs: [charted], deviceInputs: [] });
    }
    expect(store.applyRetention({ waveformDays: 7, numericDays: 365, attachmentDays: null })).toEqual({ waveformSegments: 3, readings: 1, news2Records: 2, attachments: 0 });
    expect(store.news2Record(patient.id).scores).toHaveLength(4);
    expect(store.waveforms(patient.id).map((w) => Math.round((clock.time - w.startedAt) / day))).toEqual([6, 1]);
    expect(store.readings(patient.id)).toHaveLength(4);
    expect(() => store.applyRetention({ waveformDays: 0, numericDays: null, attachmentDays: null })).toThrow('positive number of days');
    db.close();
  });
});
