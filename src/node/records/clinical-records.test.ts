import type { Bundle } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionError } from '../identity/authenticator';
import { totpCode } from '../identity/totp';
import type { StationRole } from '../../shared/roles';
import { stationId } from '../audit/audit-log';
import type { FhirSettings } from '../fhir/export-settings';
import { StationIds } from '../fhir/stable-ids';
import { bundleProblems } from '../../../test/fhir/fhir-validation';
import { EMPTY_NOTE_SECTIONS } from '../../shared/visit-notes';
import { ClinicalRecords } from './clinical-records';
import { VIDEO_VISIT_CONSENT_SCOPE, type ReadingInput } from './store';
import { openTestStation } from './test-support';
import { VisitNotes } from './visit-notes';
import { MeasurementRequests } from './measurement-requests';

const PATIENT = { givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' } as const;
const LOINC = 'http://loinc.org';
const MDC = 'urn:iso:std:iso:11073:10101';
const UCUM = 'http://unitsofmeasure.org';

async function setUp(fhirSettings?: FhirSettings) {
  const station = await openTestStation();
  const records = new ClinicalRecords(station.store, station.auth, station.audit, station.clock.now, fhirSettings);
  const signIn = async (role: StationRole, patientId: string | null = null) => {
    const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
    const { user } = await station.users.create({ username, role, password: 'a long enough password' });
    const result = await station.auth.signIn({ username, password: 'a long enough password', totp: user.totpSecret ? totpCode(user.totpSecret, station.clock.time) : undefined }, patientId);
    if (!result.ok) throw new Error(`sign-in as ${role} failed`);
    return result.session.id;
  };
  const nurse = await signIn('nurse');
  const patient = records.createPatient(nurse, PATIENT);
  return { ...station, records, signIn, nurse, patient };
}

const reading = (metric: ReadingInput['metric'], value: number, unit: ReadingInput['unit'], deviceTime: string | null = null, deviceId = 'dev'): ReadingInput => ({
  deviceId,
  metric,
  value,
  unit,
  deviceTime,
  receivedAt: Date.UTC(2025, 0, 15, 8, 30),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions walk FHIR JSON freely; a wrong path fails the test
type Resource = Record<string, any>;
const resources = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource as Resource);
const observationsOf = (bundle: Bundle) => resources(bundle).filter((r) => r.resourceType === 'Observation');
const codesOf = (resource: Resource) => (resource.code.coding as { system: string; code: string }[]).map((c) => `${c.system === LOINC ? 'loinc' : c.system === MDC ? 'mdc' : c.system}:${c.code}`);

describe('clinical records: permissions and audit', () => {
  it('audits views, changes and visits with ids only, in one intact chain', async () => {
    const s = await setUp();
    const visitId = s.records.startVisit(s.nurse, s.patient.id);
    s.records.recordReadings(s.nurse, s.patient.id, visitId, [reading('spo2', 97, '%')]);
    s.records.viewPatient(s.nurse, s.patient.id);
    const alarm = s.store.raiseAlarm(s.patient.id, visitId, { kind: 'physiological', priority: 'high', condition: 'SpO₂ low' });
    s.records.acknowledgeAlarm(s.nurse, alarm.id);
    s.records.endVisit(s.nurse, visitId);
    const trail = s.audit.entries().filter((e) => !e.action.startsWith('session.'));
    expect(trail.map((e) => [e.action, e.object])).toEqual([
      ['patient.create', s.patient.id],
      ['visit.start', visitId],
      ['reading.record', s.patient.id],
      ['patient.view', s.patient.id],
      ['alarm.acknowledge', alarm.id],
      ['visit.end', visitId],
    ]);
    const text = JSON.stringify(s.audit.entries());
    for (const phi of ['Imogen', 'Fairweather', 'MRN-1', '1950-07-21']) expect(text).not.toContain(phi);
    // Readings and notes never reach the trail: every object is a random id or nothing.
    for (const entry of s.audit.entries()) expect(entry.object === null || /^[0-9a-f-]{36}$/.test(entry.object)).toBe(true);
    expect(s.audit.verify().ok).toBe(true);
  });

  it('refuses a kiosk session anything about another patient, and a nurse erasure', async () => {
    const s = await setUp();
    const other = s.records.createPatient(s.nurse, { ...PATIENT, givenName: 'Other' });
    const kiosk = await s.signIn('kiosk', s.patient.id);
    expect(s.records.viewPatient(kiosk, s.patient.id).patient.id).toBe(s.patient.id);
    expect(() => s.records.viewPatient(kiosk, other.id)).toThrow(new SessionError('other-patient'));
    expect(() => s.records.recordReadings(kiosk, other.id, null, [reading('spo2', 97, '%')])).toThrow(new SessionError('other-patient'));
    expect(() => s.records.listPatients(kiosk)).toThrow(new SessionError('forbidden'));
    expect(() => s.records.erasePatient(s.nurse, s.patient.id)).toThrow(new SessionError('forbidden'));
  });

  it('refuses an implausible reading and stores nothing of the batch', async () => {
    const s = await setUp();
    expect(() => s.records.recordReadings(s.nurse, s.patient.id, null, [reading('spo2', 97, '%'), reading('spo2', 127, '%')])).toThrow('outside the possible range');
    expect(() => s.records.recordReadings(s.nurse, s.patient.id, null, [reading('spo2', 97, 'kg')])).toThrow('cannot be measured in kg');
    expect(s.store.readings(s.patient.id)).toEqual([]);
  });
});

describe('FHIR R4 export', () => {
  async function exported() {
    const s = await setUp();
    s.records.recordReadings(s.nurse, s.patient.id, null, [
      reading('spo2', 96, '%'),
      { ...reading('pulseRate', 72, '/min'), source: 'pulse-oximeter' },
      { ...reading('pulseRate', 64, '/min', '2025-01-14T07:45:00', 'omron'), source: 'blood-pressure-cuff' },
      reading('systolic', 128, 'mm[Hg]', '2025-01-14T07:45:00', 'omron'),
      reading('diastolic', 82, 'mm[Hg]', '2025-01-14T07:45:00', 'omron'),
      reading('meanArterialPressure', 97, 'mm[Hg]', '2025-01-14T07:45:00', 'omron'),
      reading('bodyTemperature', 98.6, '[degF]'),
      reading('bodyWeight', 1200, '[oz_av]'),
      reading('glucose', 5.5, 'mmol/L'),
      reading('perfusionIndex', 2.1, '%'),
    ]);
    const physician = await s.signIn('physician');
    return { s, bundle: s.records.exportPatient(physician, s.patient.id) };
  }

  it('is a Bundle of the Patient, the Devices and vital-signs Observations referencing them', async () => {
    const { s, bundle } = await exported();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const ids = new StationIds(stationId(s.db));
    const patient = resources(bundle)[0]!;
    expect(patient).toMatchObject({
      resourceType: 'Patient',
      id: ids.uuid('patient', s.patient.id),
      identifier: [{ value: 'MRN-1', type: { coding: [{ code: 'MR' }] } }, { ...ids.identifier('patient', s.patient.id), use: 'secondary' }],
      name: [{ family: 'Fairweather', given: ['Imogen'] }],
      gender: 'female',
      birthDate: '1950-07-21',
    });
    expect(bundle.entry?.[0]?.fullUrl).toBe(ids.fullUrl('patient', s.patient.id));
    // The station, then each peripheral once, before its first reading.
    expect(resources(bundle).filter((r) => r.resourceType === 'Device').map((d) => d.identifier[0].value)).toEqual(
      [ids.identifier('station', ids.stationId).value, ids.identifier('device', 'dev').value, ids.identifier('device', 'omron').value],
    );
    const observations = observationsOf(bundle);
    // BP's three readings form one panel.
    expect(observations).toHaveLength(8);
    for (const observation of observations) {
      expect(observation).toMatchObject({ resourceType: 'Observation', status: 'final', subject: { reference: ids.fullUrl('patient', s.patient.id), type: 'Patient' } });
      expect(observation.effectiveDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      if (observation.valueQuantity) expect(Object.keys(observation.valueQuantity).sort()).toEqual(['code', 'system', 'unit', 'value']);
    }
    const vitalSigns = observations.filter((o) => o.category[0].coding[0].code === 'vital-signs');
    expect(vitalSigns).toHaveLength(7);
    for (const o of vitalSigns) expect(o.category[0].coding[0].system).toBe('http://terminology.hl7.org/CodeSystem/observation-category');
  });

  it('codes oxygen saturation with 2708-6 and 59408-5 (and MDC), pulse as heart rate in /min', async () => {
    const { bundle } = await exported();
    const observations = observationsOf(bundle);
    const spo2 = observations.find((o) => codesOf(o).includes('loinc:2708-6'))!;
    expect(codesOf(spo2)).toEqual(['loinc:2708-6', 'loinc:59408-5', 'mdc:150456']);
    expect(spo2.meta.profile).toEqual(['http://hl7.org/fhir/StructureDefinition/oxygensat']);
    expect(spo2.valueQuantity).toEqual({ value: 96, unit: '%', system: UCUM, code: '%' });
    const pulse = observations.find((o) => codesOf(o).includes('loinc:8867-4'))!;
    expect(codesOf(pulse)).toEqual(['loinc:8867-4', 'mdc:149530']);
    expect(pulse.valueQuantity.code).toBe('/min');
  });

  it("codes a cuff's pulse MDC_PULS_RATE_NON_INV (149546), not the oximeter's 149530", async () => {
    const { bundle } = await exported();
    const pulses = observationsOf(bundle).filter((o) => codesOf(o).includes('loinc:8867-4'));
    expect(pulses.map((o) => [o.valueQuantity.value, codesOf(o)])).toEqual([
      [72, ['loinc:8867-4', 'mdc:149530']],
      [64, ['loinc:8867-4', 'mdc:149546']],
    ]);
    expect(pulses[1]?.code.coding[1].display).toBe('MDC_PULS_RATE_NON_INV');
  });

  it('makes one panel of the parts of one measurement that arrived milliseconds apart', async () => {
    const s = await setUp();
    const at = Date.UTC(2025, 0, 15, 8, 30);
    const part = (metric: ReadingInput['metric'], value: number, ms: number, measurementId: string): ReadingInput => ({
      ...reading(metric, value, metric === 'pulseRate' ? '/min' : 'mm[Hg]', null, 'cuff'),
      source: 'blood-pressure-cuff',
      receivedAt: at + ms,
      measurementId,
    });
    s.records.recordReadings(s.nurse, s.patient.id, null, [
      part('systolic', 123, 0, 'm1'),
      part('diastolic', 77, 1, 'm1'),
      part('meanArterialPressure', 92, 3, 'm1'),
      part('pulseRate', 70, 4, 'm1'),
      // A second measurement in the same millisecond as the first's diastolic is its own panel.
      part('systolic', 131, 1, 'm2'),
      part('diastolic', 85, 2, 'm2'),
    ]);
    const bundle = s.records.exportPatient(await s.signIn('physician'), s.patient.id);
    const panels = resources(bundle).filter((o) => o.resourceType === 'Observation' && codesOf(o).includes('loinc:85354-9'));
    expect(panels.map((panel) => panel.component.map((c: Resource) => c.valueQuantity?.value ?? 'absent'))).toEqual([
      [123, 77, 92],
      [131, 85],
    ]);
    expect(panels[0]?.effectiveDateTime).toBe(new Date(at).toISOString());
  });

  it('exports blood pressure as an 85354-9 panel with systolic, diastolic and mean components at the device time', async () => {
    const { bundle } = await exported();
    const panel = resources(bundle).find((o) => o.resourceType === 'Observation' && codesOf(o).includes('loinc:85354-9'))!;
    expect(panel.meta.profile).toEqual(['http://hl7.org/fhir/StructureDefinition/bp']);
    expect(panel.valueQuantity).toBeUndefined();
    expect(panel.component.map((c: Resource) => [codesOf(c)[0], c.valueQuantity.value, c.valueQuantity.code])).toEqual([
      ['loinc:8480-6', 128, 'mm[Hg]'],
      ['loinc:8462-4', 82, 'mm[Hg]'],
      ['loinc:8478-0', 97, 'mm[Hg]'],
    ]);
    // A zone-less device time is the station's local time.
    expect(panel.effectiveDateTime).toBe(new Date('2025-01-14T07:45:00').toISOString());
  });

  it('keeps °F, converts ounces to kg (not in the bodyweight value set) and keeps a mmol/L glucose, coded 14743-9', async () => {
    const { bundle } = await exported();
    const observations = observationsOf(bundle);
    expect(observations.find((o) => codesOf(o).includes('loinc:8310-5'))!.valueQuantity).toEqual({ value: 98.6, unit: '[degF]', system: UCUM, code: '[degF]' });
    const weight = observations.find((o) => codesOf(o).includes('loinc:29463-7'))!;
    expect(weight.valueQuantity.code).toBe('kg');
    // 1200 oz has four significant digits, so 34.02 kg, not 34.0194…
    expect(weight.valueQuantity.value).toBe(34.02);
    // The meter's value as it gave it, under the substance-concentration code (LOINC 14743-9).
    const glucose = observations.find((o) => codesOf(o).includes('loinc:14743-9'))!;
    expect(glucose.category[0].coding[0].code).toBe('laboratory');
    expect(glucose.valueQuantity).toEqual({ value: 5.5, unit: 'mmol/L', system: UCUM, code: 'mmol/L' });
    expect(codesOf(glucose)).not.toContain('loinc:41653-7');
  });

  it('exports the perfusion index as an Observation coded LOINC 61006-3 and MDC 150488', async () => {
    const { bundle } = await exported();
    const pi = observationsOf(bundle).find((o) => codesOf(o).includes('loinc:61006-3'))!;
    expect(pi).toBeDefined();
    expect(codesOf(pi)).toEqual(['loinc:61006-3', 'mdc:150488']);
    expect(pi.category[0].coding[0].code).toBe('vital-signs');
    expect(pi.valueQuantity).toEqual({ value: 2.1, unit: '%', system: UCUM, code: '%' });
  });

  it('files the clinic identifier under the configured system and each visit as an Encounter of the station’s care setting', async () => {
    const s = await setUp({ patientIdentifierSystem: 'https://clinic.example/mrn', careSetting: 'home' });
    const visitId = s.records.startVisit(s.nurse, s.patient.id);
    s.records.recordReadings(s.nurse, s.patient.id, visitId, [reading('spo2', 97, '%')]);
    const bundle = s.records.exportPatient(await s.signIn('physician'), s.patient.id);
    const ids = new StationIds(stationId(s.db));
    expect(resources(bundle)[0]?.identifier[0]).toMatchObject({ system: 'https://clinic.example/mrn', value: 'MRN-1' });
    const encounter = resources(bundle).find((r) => r.resourceType === 'Encounter')!;
    expect(encounter).toMatchObject({ id: ids.uuid('visit', visitId), class: { code: 'HH' }, status: 'in-progress' });
    expect(observationsOf(bundle)[0]?.encounter).toEqual({ reference: ids.fullUrl('visit', visitId), type: 'Encounter' });
  });

  it('files a visit during which a video visit ran as a virtual Encounter (class VR), valid FHIR R4, and the home station’s other visits as HH', async () => {
    const s = await setUp({ patientIdentifierSystem: 'https://clinic.example/mrn', careSetting: 'home' });
    const homeVisit = s.records.startVisit(s.nurse, s.patient.id);
    s.records.recordReadings(s.nurse, s.patient.id, homeVisit, [reading('spo2', 96, '%')]);
    s.records.endVisit(s.nurse, homeVisit);
    const videoVisit = s.records.startVisit(s.nurse, s.patient.id);
    // As station-records.ts files the patient's consent before the call (contract-visit.ts's statement version).
    s.store.recordConsent(s.patient.id, videoVisit, { scope: `${VIDEO_VISIT_CONSENT_SCOPE}/video-visit-consent/1`, granted: true }, 'u-nurse');
    s.records.recordReadings(s.nurse, s.patient.id, videoVisit, [reading('spo2', 97, '%')]);
    const bundle = s.records.exportPatient(await s.signIn('physician'), s.patient.id);
    const ids = new StationIds(stationId(s.db));
    const encounters = resources(bundle).filter((r) => r.resourceType === 'Encounter');
    expect(encounters.map((encounter) => [encounter.id, encounter.class])).toEqual([
      [ids.uuid('visit', homeVisit), { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'HH', display: 'home health' }],
      [ids.uuid('visit', videoVisit), { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' }],
    ]);
    expect(bundleProblems(bundle)).toEqual([]);
  });

  it('does not make a visit virtual for a refused consent or one of another scope', async () => {
    const s = await setUp();
    const visitId = s.records.startVisit(s.nurse, s.patient.id);
    s.store.recordConsent(s.patient.id, visitId, { scope: `${VIDEO_VISIT_CONSENT_SCOPE}/video-visit-consent/1`, granted: false }, 'u-nurse');
    s.store.recordConsent(s.patient.id, visitId, { scope: 'research/1', granted: true }, 'u-nurse');
    s.records.recordReadings(s.nurse, s.patient.id, visitId, [reading('spo2', 97, '%')]);
    const bundle = s.records.exportPatient(await s.signIn('physician'), s.patient.id);
    expect(resources(bundle).find((r) => r.resourceType === 'Encounter')?.class.code).toBe('AMB');
  });

  it('gives a lone systolic a panel whose diastolic says why it is absent', async () => {
    const s = await setUp();
    s.records.recordReadings(s.nurse, s.patient.id, null, [reading('systolic', 120, 'mm[Hg]')]);
    const bundle = s.records.exportPatient(await s.signIn('administrator'), s.patient.id);
    const panel = observationsOf(bundle)[0]!;
    expect(panel.component[1].dataAbsentReason.coding[0].code).toBe('unknown');
    expect(panel.component).toHaveLength(2);
    expect(s.audit.entries().at(-1)).toMatchObject({ action: 'record.export', object: s.patient.id, role: 'administrator' });
  });
});

describe('erasure on request', () => {
  it('removes every row of the patient, leaves others alone, audits it and keeps the chain intact', async () => {
    const s = await setUp();
    const other = s.records.createPatient(s.nurse, { ...PATIENT, givenName: 'Keep' });
    for (const patientId of [s.patient.id, other.id]) {
      const visitId = s.records.startVisit(s.nurse, patientId);
      s.records.recordReadings(s.nurse, patientId, visitId, [reading('spo2', 95, '%')]);
      s.records.recordWaveform(s.nurse, patientId, visitId, { deviceId: 'ox', metric: 'pleth', rateHz: 60, startedAt: 1, samples: [1, 2, 3] });
      s.records.writeNote(s.nurse, patientId, visitId, 'a note');
      // A signed visit note (read-only) and its addendum go with the patient too.
      const visitNotes = new VisitNotes(s.db, s.audit, s.clock.now);
      const author = { id: 'u-n', name: 'Nurse', role: 'nurse' } as const;
      const { note } = visitNotes.saveDraft(visitId, author, { ...EMPTY_NOTE_SECTIONS, reason: 'r' }, 1);
      visitNotes.sign(note.id, author, 1);
      visitNotes.addAddendum(note.id, author, 'later');
      // A measurement the remote clinician asked for goes with the patient too.
      new MeasurementRequests(s.db, s.audit, s.clock.now).requested(visitId, 'req-1', { id: 'cuff', name: 'Cuff' }, { id: `remote-clinician:${visitId}`, name: 'Remote clinician', role: 'physician' });
      s.records.recordConsent(s.nurse, patientId, visitId, { scope: 'video-consultation', granted: true });
      s.records.addAttachment(s.nurse, patientId, visitId, { kind: 'snapshot', mediaType: 'image/jpeg', content: Buffer.from([0xff, 0xd8]) });
      s.store.raiseAlarm(patientId, visitId, { kind: 'technical', priority: 'low', condition: 'x' });
      const charted = randomUUID();
      s.store.recordNews2Charted(patientId, visitId, { id: charted, kind: 'consciousness', value: 'A', enteredBy: 'n', enteredRole: 'nurse', enteredAt: 1 });
      s.store.recordNews2Score(patientId, visitId, { id: randomUUID(), scoredAt: 1, total: 0, risk: 'low', scores: { consciousness: 0 }, chartedInputs: [charted], deviceInputs: [] });
    }
    const admin = await s.signIn('administrator');
    const erased = s.records.erasePatient(admin, s.patient.id);
    expect(erased).toEqual({ patients: 1, outbox: 5, readings: 1, waveform_segments: 1, alarms: 1, alarm_limit_changes: 0, news2_charted: 1, news2_scores: 1, notes: 1, visit_notes: 2, consents: 1, attachments: 1, measurement_requests: 1, visits: 1 });
    expect(Object.values(s.store.patientRowCounts(s.patient.id)).every((n) => n === 0)).toBe(true);
    expect(s.store.patientRowCounts(other.id)).toEqual(erased);
    expect(s.audit.entries().at(-1)).toMatchObject({ action: 'record.erase', object: s.patient.id, actor: expect.any(String), role: 'administrator' });
    expect(s.audit.verify().ok).toBe(true);
    expect(() => s.records.erasePatient(admin, s.patient.id)).toThrow('no such patient');
  });
});

describe('NEWS2 scores and the device readings they used', () => {
  it('keeps the rows of the readings a score used, and finds each with the other parts of its measurement in the same patient’s record', async () => {
    const s = await setUp();
    const other = s.records.createPatient(s.nurse, { ...PATIENT, givenName: 'Other' });
    const at = Date.UTC(2025, 0, 15, 8, 30);
    const part = (patientId: string, metric: ReadingInput['metric'], value: number, unit: ReadingInput['unit'], receivedAt: number) =>
      s.store.recordReading(patientId, null, { deviceId: 'cuff', metric, value, unit, deviceTime: null, receivedAt, source: 'blood-pressure-cuff', measurementId: 'session:1' });
    // One measurement cut by a change of patient: its first part went to the other patient.
    const cutOff = part(other.id, 'meanArterialPressure', 90, 'mm[Hg]', at);
    const systolic = part(s.patient.id, 'systolic', 128, 'mm[Hg]', at + 1);
    const diastolic = part(s.patient.id, 'diastolic', 82, 'mm[Hg]', at + 3);
    const spo2 = s.store.recordReading(s.patient.id, null, { deviceId: 'ox', metric: 'spo2', value: 96, unit: '%', deviceTime: null, receivedAt: at + 2, source: 'pulse-oximeter' });
    s.store.recordNews2Score(s.patient.id, null, {
      id: randomUUID(),
      scoredAt: at + 5,
      total: 0,
      risk: 'low',
      scores: { spo2: 0, systolic: 0 },
      chartedInputs: [],
      // The temperature was refused as implausible and never stored: the score names what was.
      deviceInputs: [
        { deviceId: 'ox', metric: 'spo2', receivedAt: at + 2 },
        { deviceId: 'cuff', metric: 'systolic', receivedAt: at + 1 },
        { deviceId: 'thermo', metric: 'bodyTemperature', receivedAt: at + 4 },
      ],
    });
    const [score] = s.store.news2Record(s.patient.id).scores;
    expect(score?.readingInputs).toEqual([spo2.id, systolic.id]);
    expect(s.store.news2InputReadings([score!]).map((reading) => reading.id)).toEqual([systolic.id, spo2.id, diastolic.id]);
    expect(s.store.news2InputReadings([score!]).map((reading) => reading.id)).not.toContain(cutOff.id);
  });
});
