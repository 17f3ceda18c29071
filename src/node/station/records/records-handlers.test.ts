import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StationMethodName } from '../../../shared/contract';
import { EXPORT_CHUNK_CHARS } from '../../../shared/contract-records';
import type { StationRole } from '../../../shared/roles';
import { ClinicalRecords } from '../../records/clinical-records';
import type { ReadingInput } from '../../records/store';
import { auditHead, openAccessBench, type AccessBench } from '../access/access-test-support';
import type { ScreenAccess } from '../access/station-access';
import { invokeContract, type ContractHandlers } from '../contract-session';
import { callThroughGate } from '../contract-test-support';
import { standInHandlers } from '../stand-in-handlers';
import { CurrentEncounter } from '../persistence/encounter';
import { createEncounterHistoryHandler } from './encounter-history';
import { createPatientViewAudit } from './patient-views';
import { createRecordsHandlers, exportFileName } from './records-handlers';

const NAMED = { givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' } as const;
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';

let bench: AccessBench;
let encounter: CurrentEncounter;
let handlers: ContractHandlers;

beforeEach(async () => {
  bench = await openAccessBench();
  const { store, audit, auth, clock } = bench.station;
  encounter = CurrentEncounter.start(store, audit);
  bench.patient.id = encounter.patientId;
  const clinical = new ClinicalRecords(store, auth, audit, clock.now);
  handlers = standInHandlers(
    {
      ...createEncounterHistoryHandler({
        clinical,
        encounter: () => encounter,
        views: createPatientViewAudit({ clinical, currentPatientId: () => encounter.patientId }),
      }),
      ...createRecordsHandlers({ store, clinical, audit, encounter: () => encounter, now: clock.now }),
    },
    clock.now,
  );
});
afterEach(() => bench.close());

/** A screen signed in as `role`; a kiosk session is opened by the station for its current patient, as a kiosk visit does. */
async function signedIn(role: StationRole): Promise<ScreenAccess> {
  const screen = bench.screen().access;
  const credentials = (await bench.account(role)).credentials();
  if (role === 'kiosk') {
    const opened = await bench.station.auth.signIn(credentials, encounter.patientId);
    if (!opened.ok) throw new Error(`kiosk session refused: ${opened.reason}`);
    screen.adopt(opened.session);
    return screen;
  }
  const outcome = await screen.signIn(credentials);
  if (!outcome.ok) throw new Error(`sign-in as ${role} failed: ${outcome.reason}`);
  return screen;
}

/** Through the contract gate, as a screen's invoke arrives; throws unless the call succeeded. */
const call = <M extends StationMethodName>(screen: ScreenAccess, method: M, input: unknown) => callThroughGate(handlers, screen, method, input);
const refusal = async (screen: ScreenAccess, method: StationMethodName, input: unknown) => {
  const result = await invokeContract(handlers, screen, method, input);
  return result.ok ? 'accepted' : result.error;
};

const reading = (metric: ReadingInput['metric'], value: number, unit: ReadingInput['unit'], receivedAt: number): ReadingInput => ({ deviceId: 'sim-oximeter', metric, value, unit, deviceTime: null, receivedAt });

/** A patient besides the current one (as from an earlier launch), with oximeter readings a second apart. */
function patientWithReadings(readings: number) {
  const { store } = bench.station;
  return store.db.transaction(() => {
    const patient = store.createPatient(NAMED);
    const visit = store.startVisit(patient.id, 'station');
    for (let i = 0; i < readings; i++) {
      store.recordReading(patient.id, visit.id, reading('spo2', 95 + (i % 4), '%', Date.UTC(2025, 0, 14, 10, 0, i)));
      store.recordReading(patient.id, visit.id, reading('pulseRate', 70 + (i % 9), '/min', Date.UTC(2025, 0, 14, 10, 0, i)));
    }
    return patient;
  })();
}

const trail = (from: number) => bench.auditSince(from).map(({ actor, role, action, object }) => ({ actor, role, action, object }));

describe('session history from the records', () => {
  it('pages the current encounter newest first, the same for every sign-in, for those who may view the patient', async () => {
    const { store } = bench.station;
    patientWithReadings(5); // another patient's readings never appear
    const at = (i: number) => Date.UTC(2025, 0, 15, 9, 0, i);
    for (let i = 0; i < 7; i++) store.recordReading(encounter.patientId, encounter.visitId, reading('spo2', 90 + i, '%', at(i)));
    const pages = async (screen: ScreenAccess) => {
      const values: number[] = [];
      let before: unknown = null;
      for (let page = 0; page < 10; page++) {
        const answer = await call(screen, 'getEncounterHistory', { before, limit: 3 });
        values.push(...answer.readings.map((r) => r.value));
        expect(answer.readings.every((r) => r.provenance === 'live' && r.loinc.includes('2708-6'))).toBe(true);
        if (answer.next === null) return values;
        before = answer.next;
      }
      throw new Error('the pages did not end');
    };
    const from = bench.auditSince(0).length;
    const nurse = await signedIn('nurse');
    expect(await pages(nurse)).toEqual([96, 95, 94, 93, 92, 91, 90]);
    // A second sign-in (a reload, an unlock by someone else) gets the same history back.
    expect(await pages(await signedIn('physician'))).toEqual([96, 95, 94, 93, 92, 91, 90]);
    // Viewing is audited once per session, not once per page.
    expect(trail(from).filter((entry) => entry.action === 'patient.view')).toHaveLength(2);
    expect(await refusal(await signedIn('administrator'), 'getEncounterHistory', { before: null, limit: 3 })).toMatchObject({ code: 'forbidden' });
    expect(await refusal(nurse, 'getEncounterHistory', { before: null, limit: 100_000 })).toMatchObject({ code: 'bad-request' });
  });
});

describe('patient list', () => {
  it('lists every patient, newest first, with the current one unnamed and marked, audited as patient.list', async () => {
    bench.station.clock.advance(1_000);
    const other = patientWithReadings(3);
    const screen = await signedIn('physician');
    const from = auditHead(bench);

    const patients = await call(screen, 'listPatients', undefined);
    expect(patients).toEqual([
      { id: other.id, displayName: 'Imogen Fairweather', named: true, createdAt: other.createdAt, readingCount: 6, lastReadingAt: Date.UTC(2025, 0, 14, 10, 0, 2), current: false },
      { id: encounter.patientId, displayName: 'Unnamed patient', named: false, createdAt: bench.station.clock.now() - 1_000, readingCount: 0, lastReadingAt: null, current: true },
    ]);
    expect(trail(from)).toEqual([{ actor: screen.state().user?.userId, role: 'physician', action: 'patient.list', object: null }]);
  });

  it('is refused to a kiosk and to a screen nobody signed in at', async () => {
    expect(await refusal(await signedIn('kiosk'), 'listPatients', undefined)).toMatchObject({ code: 'forbidden' });
    expect(await refusal(bench.screen().access, 'listPatients', undefined)).toEqual({ code: 'forbidden', message: 'Sign in first' });
  });
});

describe('naming the current patient', () => {
  it('names the encounter’s patient and audits the change without the name', async () => {
    const nurse = await signedIn('nurse');
    const from = auditHead(bench);
    const named = await call(nurse, 'nameCurrentPatient', { givenName: ' Imogen ', familyName: 'Fairweather', gender: 'female', identifier: 'MRN-1' });
    expect(named).toMatchObject({ id: encounter.patientId, displayName: 'Imogen Fairweather', named: true, current: true });
    expect(bench.station.store.requirePatient(encounter.patientId)).toMatchObject({ givenName: 'Imogen', birthDate: null, identifier: 'MRN-1' });
    expect(trail(from)).toEqual([{ actor: nurse.state().user?.userId, role: 'nurse', action: 'patient.edit', object: encounter.patientId }]);
    expect(JSON.stringify(bench.auditSince(0))).not.toMatch(/Imogen|Fairweather|MRN-1/);
  });

  it('refuses details that are not a person’s, and roles that may not edit', async () => {
    const physician = await signedIn('physician');
    const valid = { givenName: 'Ada', familyName: 'Byron', gender: 'female' };
    for (const input of [
      { ...valid, givenName: '   ' },
      { ...valid, birthDate: '2999-01-01' },
      { ...valid, birthDate: '21/07/1950' },
      { ...valid, gender: 'robot' },
      { ...valid, givenName: 'x'.repeat(201) },
      { ...valid, role: 'administrator' },
    ]) {
      expect(await refusal(physician, 'nameCurrentPatient', input)).toMatchObject({ code: 'bad-request' });
    }
    expect(await refusal(await signedIn('administrator'), 'nameCurrentPatient', valid)).toMatchObject({ code: 'forbidden' });
    expect(await refusal(await signedIn('kiosk'), 'nameCurrentPatient', valid)).toMatchObject({ code: 'forbidden' });
    expect(bench.station.store.requirePatient(encounter.patientId).givenName).toBe('Unnamed');
  });
});

describe('FHIR export', () => {
  it('answers a small record in one part: the Bundle with the Patient and coded Observations, audited', async () => {
    const patient = patientWithReadings(2);
    const physician = await signedIn('physician');
    const from = auditHead(bench);
    const exported = await call(physician, 'exportPatientRecord', { patientId: patient.id });

    expect(exported).toMatchObject({ readingCount: 4, first: { index: 0, done: true, readingsDone: 4 } });
    expect(exported.fileName).toBe(exportFileName(patient.id, bench.station.clock.now()));
    expect(exported.fileName).toMatch(/^vitalbridge-patient-[0-9a-f]{8}-2025-01-15\.fhir\.json$/);
    const bundle = JSON.parse(exported.first.text) as { resourceType: string; entry: { resource: Record<string, unknown> }[] };
    expect(bundle.resourceType).toBe('Bundle');
    const resources = bundle.entry.map((entry) => entry.resource);
    expect(resources[0]).toMatchObject({ resourceType: 'Patient', name: [{ family: 'Fairweather', given: ['Imogen'] }] });
    const spo2 = resources.find((resource) => (resource.code as { coding: { code: string }[] } | undefined)?.coding.some((coding) => coding.code === '59408-5'));
    expect(spo2).toMatchObject({ resourceType: 'Observation', valueQuantity: { system: UCUM, code: '%' } });
    expect((spo2?.code as { coding: { system: string; code: string }[] }).coding).toEqual(
      expect.arrayContaining([expect.objectContaining({ system: LOINC, code: '59408-5' }), expect.objectContaining({ system: LOINC, code: '2708-6' })]),
    );
    expect(resources.filter((resource) => resource.resourceType === 'Observation')).toHaveLength(4);
    expect(trail(from)).toEqual([{ actor: physician.state().user?.userId, role: 'physician', action: 'record.export', object: patient.id }]);
  });

  it('writes a large record part by part, in order, for the exporting session only, and ends with the last part', async () => {
    const patient = patientWithReadings(1_500);
    const physician = await signedIn('physician');
    const exported = await call(physician, 'exportPatientRecord', { patientId: patient.id });
    expect(exported).toMatchObject({ readingCount: 3_000, first: { index: 0, done: false } });
    expect(exported.first.text.length).toBeGreaterThanOrEqual(EXPORT_CHUNK_CHARS);

    const other = await signedIn('physician');
    const gone = { code: 'failed', message: 'This export is no longer available: export the record again' };
    expect(await refusal(other, 'readPatientExportChunk', { exportId: exported.exportId, index: 1 })).toEqual(gone);
    expect(await refusal(physician, 'readPatientExportChunk', { exportId: exported.exportId, index: 2 })).toEqual({
      code: 'failed',
      message: 'The parts of an export are read in order: part 2 is next, not part 3',
    });

    const parts = [exported.first.text];
    let part = exported.first;
    while (!part.done) {
      const next = await call(physician, 'readPatientExportChunk', { exportId: exported.exportId, index: part.index + 1 });
      // A part whose answer was lost is answered again, unchanged.
      if (!next.done) expect(await call(physician, 'readPatientExportChunk', { exportId: exported.exportId, index: next.index })).toEqual(next);
      expect(next.index).toBe(part.index + 1);
      expect(next.readingsDone).toBeGreaterThan(part.readingsDone);
      expect(next.text.length).toBeLessThanOrEqual(EXPORT_CHUNK_CHARS + 2_000);
      parts.push(next.text);
      part = next;
    }
    expect(parts.length).toBeGreaterThan(3);
    expect(part.readingsDone).toBe(3_000);
    const bundle = JSON.parse(parts.join('')) as { entry: { resource: { resourceType: string } }[] };
    const count = (type: string) => bundle.entry.filter((entry) => entry.resource.resourceType === type).length;
    // The Patient, the visit's Encounter, the station's and the peripheral's Devices, and every reading.
    expect([count('Patient'), count('Encounter'), count('Device'), count('Observation')]).toEqual([1, 1, 2, 3_000]);
    expect(bundle.entry).toHaveLength(1 + 1 + 2 + 3_000);
    expect(await refusal(physician, 'readPatientExportChunk', { exportId: exported.exportId, index: part.index + 1 })).toEqual(gone);
    // One export, one audit entry, however many parts it took.
    expect(bench.auditSince(0).filter((entry) => entry.action === 'record.export')).toHaveLength(1);
  });

  it('keeps one export per session: a new one ends the one before', async () => {
    const patient = patientWithReadings(1_500);
    const physician = await signedIn('physician');
    const first = await call(physician, 'exportPatientRecord', { patientId: patient.id });
    await call(physician, 'exportPatientRecord', { patientId: patient.id });
    expect(await refusal(physician, 'readPatientExportChunk', { exportId: first.exportId, index: 1 })).toMatchObject({ code: 'failed' });
  });

  it('is refused to a nurse and to a kiosk', async () => {
    const patient = patientWithReadings(1);
    expect(await refusal(await signedIn('nurse'), 'exportPatientRecord', { patientId: patient.id })).toMatchObject({ code: 'forbidden' });
    expect(await refusal(await signedIn('kiosk'), 'exportPatientRecord', { patientId: patient.id })).toMatchObject({ code: 'forbidden' });
    expect(bench.auditSince(0).some((entry) => entry.action === 'record.export')).toBe(false);
  });
});

describe('erasure', () => {
  it('erases a patient who is not the current one on an administrator’s request, audited, and the list no longer has them', async () => {
    const patient = patientWithReadings(4);
    const administrator = await signedIn('administrator');
    const from = auditHead(bench);
    const erased = await call(administrator, 'erasePatientRecord', { patientId: patient.id });
    expect(erased.removed).toMatchObject({ patients: 1, readings: 8, visits: 1 });
    expect(trail(from)).toEqual([{ actor: administrator.state().user?.userId, role: 'administrator', action: 'record.erase', object: patient.id }]);
    expect((await call(administrator, 'listPatients', undefined)).map((listed) => listed.id)).toEqual([encounter.patientId]);
    expect(bench.station.store.patientRowCounts(patient.id)).toEqual({ patients: 0, outbox: 0, readings: 0, waveform_segments: 0, alarms: 0, alarm_limit_changes: 0, news2_charted: 0, news2_scores: 0, notes: 0, visit_notes: 0, consents: 0, attachments: 0, measurement_requests: 0, visits: 0 });
  });

  it('refuses the current patient while readings are filed under them, saying what to do', async () => {
    const administrator = await signedIn('administrator');
    expect(await refusal(administrator, 'erasePatientRecord', { patientId: encounter.patientId })).toEqual({
      code: 'failed',
      message: 'The station is still filing readings under this patient: end the visit first, then erase the record',
    });
    expect(bench.station.store.getPatient(encounter.patientId)).not.toBeNull();
  });

  it('is the administrator’s only', async () => {
    const patient = patientWithReadings(1);
    for (const role of ['nurse', 'physician', 'kiosk'] as const) {
      expect(await refusal(await signedIn(role), 'erasePatientRecord', { patientId: patient.id })).toMatchObject({ code: 'forbidden' });
    }
    expect(bench.station.store.getPatient(patient.id)).not.toBeNull();
  });

  it('drops an unfinished export of the erased patient', async () => {
    const patient = patientWithReadings(1_500);
    const physician = await signedIn('physician');
    const exported = await call(physician, 'exportPatientRecord', { patientId: patient.id });
    await call(await signedIn('administrator'), 'erasePatientRecord', { patientId: patient.id });
    expect(await refusal(physician, 'readPatientExportChunk', { exportId: exported.exportId, index: 1 })).toMatchObject({
      code: 'failed',
      message: 'This export is no longer available: export the record again',
    });
  });
});

describe('audit trail check', () => {
  it('reports an intact chain with its entries and head, and records that it was looked at', async () => {
    const administrator = await signedIn('administrator');
    const checked = await call(administrator, 'verifyAuditTrail', undefined);
    const last = bench.auditSince(0).at(-1);
    expect(last).toMatchObject({ action: 'audit.view', actor: administrator.state().user?.userId, role: 'administrator' });
    expect(checked).toEqual({ ok: true, entries: last?.seq, head: { seq: last?.seq, hash: last?.hash } });
  });

  it('names the first entry that does not hold', async () => {
    const administrator = await signedIn('administrator');
    bench.station.db.exec('DROP TRIGGER audit_log_is_append_only_update');
    bench.station.db.prepare(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`).run();
    expect(await call(administrator, 'verifyAuditTrail', undefined)).toMatchObject({ ok: false, firstBadSeq: 2, reason: 'entry 2 was altered' });
  });

  it('is refused to everyone but administrators', async () => {
    for (const role of ['nurse', 'physician', 'kiosk'] as const) {
      expect(await refusal(await signedIn(role), 'verifyAuditTrail', undefined)).toMatchObject({ code: 'forbidden' });
    }
  });
});
