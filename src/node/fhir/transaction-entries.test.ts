import type { BundleEntry, Observation, Patient, Provenance } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { bundleProblems } from '../../../test/fhir/fhir-validation';
import type { PatientRecord, StoredNews2Charted, StoredNews2Score, StoredReading } from '../records/store';
import type { VisitRecord } from './encounter';
import { transactionEntries, type SyncRecords } from './transaction-entries';
import { StationIds } from './stable-ids';

const STATION = '0123456789abcdef0123456789abcdef';
const AT = Date.UTC(2025, 0, 15, 9, 0);
const OPTIONS = { patientIdentifierSystem: 'https://hospital.example.org/mrn', softwareVersion: '0.1.0', recordedAt: AT + 60_000 };

const patient: PatientRecord = { id: 'p-1', createdAt: AT, givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' };
const visit: VisitRecord = { id: 'v-1', patientId: 'p-1', startedAt: AT, startedBy: 'u-nurse', endedAt: null, hadVideo: true, setting: 'video' };
let nextId = 1;
function reading(fields: Partial<StoredReading> & Pick<StoredReading, 'metric' | 'value' | 'unit'>): StoredReading {
  return { id: nextId++, patientId: 'p-1', visitId: 'v-1', deviceId: 'simulated:cuff', deviceTime: null, receivedAt: AT + nextId * 1_000, source: 'blood-pressure-cuff', measurementId: null, ...fields };
}
const systolic = reading({ metric: 'systolic', value: 128, unit: 'mm[Hg]', measurementId: 'm-1' });
const spo2 = reading({ metric: 'spo2', value: 97, unit: '%', deviceId: 'simulated:oximeter', source: 'pulse-oximeter' });
const diastolic = reading({ metric: 'diastolic', value: 82, unit: 'mm[Hg]', measurementId: 'm-1' });
/** A temperature sent in an earlier batch that the score used. */
const temperature = reading({ metric: 'bodyTemperature', value: 37.1, unit: 'Cel', deviceId: 'simulated:thermometer', source: 'thermometer' });
const charted: StoredNews2Charted = { id: '9a5c8f0e-1d7a-4f7e-9d0c-2a3b4c5d6e7f', patientId: 'p-1', visitId: 'v-1', kind: 'respiratoryRate', value: 18, enteredBy: 'u-nurse', enteredRole: 'nurse', enteredAt: AT + 30_000 };
const score: StoredNews2Score = {
  id: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
  patientId: 'p-1',
  visitId: 'v-1',
  scoredAt: AT + 31_000,
  total: 1,
  risk: 'low',
  scores: { respiratoryRate: 0, spo2: 1 },
  chartedInputs: [charted.id, '2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e'],
  // The diastolic names the panel its measurement became; 9999 is a reading no longer in the records.
  readingInputs: [spo2.id, diastolic.id, temperature.id, 9999],
};
const records: SyncRecords = {
  patients: [patient],
  visits: [visit],
  devices: [{ deviceId: 'simulated:cuff', manufacturer: 'Omron', model: 'HEM-790IT', vendorId: 0x0590, productId: 0x0028, driverId: 'omron-hem-790it', driverVersion: '1' }],
  readings: [systolic, spo2, diastolic],
  summaries: [],
  pleth: [],
  news2: { charted: [charted], scores: [score], inputReadings: [systolic, spo2, diastolic, temperature] },
};

const resourcesOf = <T>(entries: BundleEntry[], type: string) => entries.filter((entry) => entry.resource?.resourceType === type).map((entry) => entry.resource as T);

describe('transactionEntries', () => {
  const entries = transactionEntries(STATION, records, OPTIONS);

  it('makes every entry a conditional create on its identifier, the Encounter a conditional update on it, with a urn:uuid full URL and no id', () => {
    for (const entry of entries) {
      expect(entry.fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(entry.resource).not.toHaveProperty('id');
      if (entry.resource?.resourceType === 'Provenance') continue;
      const identifiers = (entry.resource as { identifier?: { system?: string; value?: string }[] }).identifier ?? [];
      const searches = identifiers.map((identifier) => `identifier=${identifier.system}|${identifier.value}`);
      if (entry.resource?.resourceType === 'Encounter') {
        // A visit ends after it was first sent: the server's Encounter must be updated, not kept.
        expect(entry.request).toEqual({ method: 'PUT', url: `Encounter?${searches[0]}` });
        continue;
      }
      expect(entry.request).toMatchObject({ method: 'POST', url: entry.resource?.resourceType });
      expect(searches).toContain(entry.request?.ifNoneExist);
    }
    expect(entries.map((entry) => entry.resource?.resourceType)).toEqual(['Patient', 'Device', 'Device', 'Device', 'Encounter', 'Observation', 'Observation', 'Observation', 'Observation', 'Provenance']);
  });

  it('gives no identifier or reference by identifier the value of any full URL: a server resolving the urn:uuids rewrites every string equal to one', () => {
    // Medplum replaces each resolved fullUrl everywhere in the Bundle; an identifier equal to one would be stored as "Patient/<id>" and never match again.
    const fullUrls = new Set(entries.map((entry) => entry.fullUrl));
    const identifierValues = [...JSON.stringify(entries).matchAll(/"system":"urn:ietf:rfc:3986","value":"([^"]+)"/g)].map((match) => match[1]);
    expect(identifierValues.length).toBeGreaterThan(entries.length - 1);
    expect(identifierValues.filter((value) => fullUrls.has(value))).toEqual([]);
  });

  it('gives the same records the same entries, and another station other ids', () => {
    expect(transactionEntries(STATION, records, OPTIONS)).toEqual(entries);
    const elsewhere = transactionEntries('fedcba9876543210fedcba9876543210', records, OPTIONS);
    const fullUrls = new Set(entries.map((entry) => entry.fullUrl));
    expect(elsewhere.filter((entry) => fullUrls.has(entry.fullUrl))).toEqual([]);
  });

  it('matches the patient on the clinic’s MR identifier when its system is set, else on the station’s', () => {
    expect(entries[0]?.request?.ifNoneExist).toBe('identifier=https://hospital.example.org/mrn|MRN-1');
    expect((entries[0]?.resource as Patient).identifier?.[0]).toMatchObject({ system: 'https://hospital.example.org/mrn', value: 'MRN-1', type: { coding: [{ code: 'MR' }] } });
    const unnamed = transactionEntries(STATION, records, { ...OPTIONS, patientIdentifierSystem: null });
    expect(unnamed[0]?.request?.ifNoneExist).toMatch(/^identifier=urn:ietf:rfc:3986\|urn:uuid:/);
  });

  it('references only entries of the bundle by urn:uuid, and what is outside it by identifier', () => {
    const fullUrls = new Set(entries.map((entry) => entry.fullUrl));
    const references = JSON.stringify(entries.map((entry) => entry.resource)).match(/"reference":"[^"]*"/g) ?? [];
    expect(references.length).toBeGreaterThan(10);
    for (const reference of references) expect(fullUrls).toContain(reference.slice('"reference":"'.length, -1));
    const news2 = resourcesOf<Observation>(entries, 'Observation').find((observation) => observation.valueInteger === 1);
    expect(news2?.derivedFrom?.[0]).toEqual({ reference: entries.find((entry) => (entry.resource as Observation).performer)?.fullUrl, type: 'Observation' });
    expect(news2?.derivedFrom?.[1]).toMatchObject({ type: 'Observation', identifier: { system: 'urn:ietf:rfc:3986' } });
  });

  it('derives the NEWS2 score from the device readings it used: the Observation each became, in the batch by urn:uuid, sent before by identifier', () => {
    const observations = entries.filter((entry) => entry.resource?.resourceType === 'Observation');
    const fullUrlOf = (code: string) => observations.find((entry) => (entry.resource as Observation).code?.coding?.some((coding) => coding.code === code))?.fullUrl;
    const news2 = resourcesOf<Observation>(entries, 'Observation').find((observation) => observation.valueInteger === 1);
    expect(news2?.derivedFrom?.slice(2)).toEqual([
      { reference: fullUrlOf('59408-5'), type: 'Observation' },
      { reference: fullUrlOf('85354-9'), type: 'Observation' },
      { type: 'Observation', identifier: new StationIds(STATION).identifier('reading', temperature.id) },
    ]);
    expect(fullUrlOf('59408-5')).toBeDefined();
    expect(fullUrlOf('85354-9')).toBeDefined();
  });

  it('sends the cuff’s systolic and diastolic as one panel, with the reading’s subject, encounter and device', () => {
    const panel = resourcesOf<Observation>(entries, 'Observation').find((observation) => observation.code?.coding?.[0]?.code === '85354-9');
    expect(panel?.component?.map((component) => [component.code?.coding?.[0]?.code, component.valueQuantity?.value])).toEqual([
      ['8480-6', 128],
      ['8462-4', 82],
    ]);
    expect(panel).toMatchObject({ subject: { reference: entries[0]?.fullUrl }, encounter: { reference: expect.stringMatching(/^urn:uuid:/) }, device: { reference: expect.stringMatching(/^urn:uuid:/) } });
  });

  it('ends with a Provenance of the batch, tagged for its conditional create, naming the station and who charted', () => {
    const provenance = entries.at(-1)?.resource as Provenance;
    expect(entries.at(-1)?.request?.ifNoneExist).toBe(`_tag=urn:ietf:rfc:3986|${provenance.meta?.tag?.[0]?.code}`);
    expect(provenance.target.map((target) => target.reference)).toEqual(entries.filter((entry) => ['Encounter', 'Observation'].includes(entry.resource?.resourceType ?? '')).map((entry) => entry.fullUrl));
    expect(provenance.agent.map((agent) => agent.type?.coding?.[0]?.code)).toEqual(['assembler', 'author']);
    expect(provenance.recorded).toBe(new Date(OPTIONS.recordedAt).toISOString());
  });

  it('makes a transaction Bundle that passes R4 base, the vital-signs profiles, FHIR.js and our own checks', () => {
    expect(bundleProblems({ resourceType: 'Bundle', type: 'transaction', entry: entries })).toEqual([]);
  });

  it('refuses a reading of a patient not in the batch', () => {
    expect(() => transactionEntries(STATION, { ...records, patients: [] }, OPTIONS)).toThrow(/patient not in the batch/);
  });
});
