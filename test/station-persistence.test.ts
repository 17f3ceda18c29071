/**
 * The station core with its encrypted records: createStation with the simulated peripherals for a
 * few real seconds files readings and pleth under the launch's encounter, nothing of it is readable
 * in the raw files, a wrong key stops the start cleanly, and no log line names the patient.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stationReading } from '../src/shared/contract';
import { openRecordsDatabase, RECORDS_FILE_NAME, WrongDataKeyError } from '../src/node/records/database';
import { FileKeyProvider, type StationKeyProvider } from '../src/node/records/key-provider';
import { RecordStore } from '../src/node/records/store';
import { memoryKeyProvider, newKeyProvider, tempDataDir } from '../src/node/records/test-support';
import { createStation, type Station } from '../src/node/station/station';

const PATIENT = { givenName: 'Zebediah', familyName: 'Quartermaine', birthDate: '1941-03-02', gender: 'male', identifier: 'MRN-778812' } as const;
const running: Station[] = [];

async function startStation(dataDir: string, keyProvider: StationKeyProvider = new FileKeyProvider(dataDir), log: (line: string) => void = () => {}): Promise<Station> {
  const station = await createStation({ dataDir, keyProvider, simulate: true, hardware: false, seed: 7, log });
  running.push(station);
  return station;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((station) => station.close()));
  vi.restoreAllMocks();
});

const filesOf = (dataDir: string) => readdirSync(dataDir).map((name) => ({ name, content: readFileSync(join(dataDir, name)) }));

describe('station persistence', () => {
  it('records readings and pleth segments from the simulator under the encounter, and keeps them across a restart', { timeout: 30_000 }, async () => {
    const dataDir = tempDataDir();
    const station = await startStation(dataDir);
    const { store, encounter } = station.records;
    await expect.poll(() => store.readings(encounter.patientId).length, { timeout: 15_000, interval: 250 }).toBeGreaterThanOrEqual(4);
    const stored = store.readings(encounter.patientId);
    expect([...new Set(stored.map((r) => r.metric))]).toEqual(expect.arrayContaining(['spo2', 'pulseRate']));
    expect(stored.every((r) => r.visitId === encounter.visitId && r.deviceTime === null)).toBe(true);
    await station.close();
    // close() ends the open pleth segment, so even a short run leaves one.
    const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
    try {
      const reopened = new RecordStore(db);
      expect(reopened.readings(encounter.patientId).length).toBeGreaterThanOrEqual(stored.length);
      const [segment] = reopened.waveforms(encounter.patientId);
      expect(segment).toMatchObject({ metric: 'pleth', rateHz: expect.any(Number) });
      expect(segment!.samples.length).toBeGreaterThan(0);
      expect(db.prepare('SELECT ended_at FROM visits WHERE id = ?').pluck().get(encounter.visitId)).not.toBeNull();
    } finally {
      db.close();
    }
  });

  it('files a visit snapshot as an encrypted attachment of the encounter, audited', { timeout: 30_000 }, async () => {
    const dataDir = tempDataDir();
    const station = await startStation(dataDir);
    const marker = Buffer.from('PATIENT-FACE-PIXELS-7731');
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), marker]);
    const id = station.records.keepVisitSnapshot(png, { id: 'n1', name: 'Nurse Ada', role: 'nurse' });
    const { db, encounter } = station.records;
    const row = db.prepare('SELECT patient_id, visit_id, kind, media_type, content FROM attachments WHERE id = ?').get(id) as Record<string, unknown>;
    expect(row).toMatchObject({ patient_id: encounter.patientId, visit_id: encounter.visitId, kind: 'visit-snapshot', media_type: 'image/png' });
    expect(Buffer.compare(row.content as Buffer, png)).toBe(0);
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'attachment.capture' AND object = ?").pluck().get(id)).toBe(1);
    await station.close();
    for (const { name, content } of filesOf(dataDir)) expect(content.includes(marker), `snapshot bytes in ${name}`).toBe(false);
  });

  it('keeps names and readings unreadable in the raw files, while running and after close', { timeout: 30_000 }, async () => {
    const dataDir = tempDataDir();
    const station = await startStation(dataDir);
    const { store, encounter } = station.records;
    station.records.encounter.namePatient(PATIENT, { id: 'nurse-1', role: 'nurse' });
    await expect.poll(() => store.readings(encounter.patientId).length, { timeout: 15_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    const deviceId = store.readings(encounter.patientId)[0]!.deviceId;
    const needles = ['Zebediah', 'Quartermaine', 'MRN-778812', 'pulseRate', 'spo2', deviceId, encounter.patientId, 'SQLite format 3'];
    const scan = (stage: string) => {
      for (const { name, content } of filesOf(dataDir)) {
        if (name === 'data.key') continue;
        for (const needle of needles) expect(content.includes(Buffer.from(needle)), `${stage}: "${needle}" in ${name}`).toBe(false);
      }
    };
    scan('running');
    await station.close();
    scan('closed');
  });

  it('refuses the wrong key at start with a clear error, opens no device, and leaves the records untouched', { timeout: 30_000 }, async () => {
    const dataDir = tempDataDir();
    const key = randomBytes(32);
    await (await startStation(dataDir, newKeyProvider(key))).close();
    const digest = () => createHash('sha256').update(readFileSync(join(dataDir, RECORDS_FILE_NAME))).digest('hex');
    const before = digest();
    const lines: string[] = [];
    const attempt = startStation(dataDir, memoryKeyProvider(randomBytes(32), { existing: true }), (line) => lines.push(line));
    await expect(attempt).rejects.toBeInstanceOf(WrongDataKeyError);
    await expect(attempt).rejects.toThrow('the data key does not open this database');
    expect(digest()).toBe(before);
    // The records open before the hub exists: nothing was started that would need stopping.
    expect(lines.filter((line) => !line.startsWith('records:'))).toEqual([]);
    const again = await startStation(dataDir, memoryKeyProvider(key, { existing: true }));
    // The right key opens them: the first launch's patient, whom a staff-mode station carries on with.
    expect(again.records.store.listPatientIds()).toEqual([again.records.encounter.patientId]);
  });

  it('names the patient in no log line, console output or stderr', { timeout: 30_000 }, async () => {
    const captured: string[] = [];
    const capture = (...parts: unknown[]) => captured.push(parts.map(String).join(' '));
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => captured.push(String(chunk)) > 0);
    const dataDir = tempDataDir();
    const station = await startStation(dataDir, new FileKeyProvider(dataDir, capture), capture);
    const { store, encounter } = station.records;
    encounter.namePatient(PATIENT, { id: 'nurse-1', role: 'nurse' });
    // A refused (implausible) reading is logged too: by metric and count, never by value.
    station.records.recorder.recordReading(stationReading({ source: 'pulse-oximeter', deviceId: 'oximeter', metric: 'spo2', value: 173.25, unit: '%', deviceTime: null, receivedAt: Date.now(), seq: 0 }));
    await expect.poll(() => store.readings(encounter.patientId).length, { timeout: 15_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    await station.close();
    expect(captured.some((line) => line.startsWith('records: refused 1 implausible spo2 reading(s)'))).toBe(true);
    const output = captured.join('\n');
    for (const needle of ['Zebediah', 'Quartermaine', 'MRN-778812', '1941-03-02', '173.25']) expect(output, needle).not.toContain(needle);
  });
});
