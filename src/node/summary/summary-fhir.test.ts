import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Bundle, Composition, DocumentReference, Observation } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleProblems, fhirProblems } from '../../../test/fhir/fhir-validation';
import { StationIds } from '../fhir/stable-ids';
import { openTestStation, type TestStation } from '../records/test-support';
import { summaryFhir, type SummaryFhir } from './summary-fhir';
import { summaryLines } from './summary-lines';
import { renderSummaryPdf } from './summary-pdf';
import { recordKnownVisit, summarySources, type KnownVisit } from './test-visit';
import { gatherVisitSummary, type VisitSummary } from './visit-summary';

const STATION = 'station-0001';
const ids = new StationIds(STATION);
let station: TestStation;
let visit: KnownVisit;
let summary: VisitSummary;
let pdf: Buffer;
let fhir: SummaryFhir;

beforeAll(async () => {
  station = await openTestStation();
  visit = await recordKnownVisit(station);
  summary = gatherVisitSummary(summarySources(station), visit.visitId, station.clock.time + 5_000);
  pdf = await renderSummaryPdf(summary, { locale: 'en-GB', charts: false });
  fhir = summaryFhir(summary, summaryLines(summary, 'en-GB'), pdf, { patientIdentifierSystem: 'https://clinic.example/mrn', softwareVersion: '1.0.0' });
});

afterAll(() => {
  station.db.close();
  rmSync(station.dataDir, { recursive: true, force: true });
});

const resources = (bundle: Bundle) => (bundle.entry ?? []).map((entry) => entry.resource!);

describe('the visit summary as a FHIR document', () => {
  it('is a valid R4 document Bundle (medplum R4 definitions, FHIR.js, the station’s own rules) with the Composition first', () => {
    expect(bundleProblems(fhir.document)).toEqual([]);
    expect(fhir.document.type).toBe('document');
    expect(fhir.document.identifier?.value).toMatch(/^urn:uuid:/);
    expect(fhir.document.timestamp).toBe(new Date(summary.generatedAt).toISOString());
    expect(fhir.document.entry?.[0]?.resource).toBe(fhir.composition);
  });

  it('types the Composition as LOINC 34133-9 and points at the patient, the encounter and the station, all entries of the Bundle', () => {
    const composition: Composition = fhir.composition;
    expect(composition.type.coding).toEqual([{ system: 'http://loinc.org', code: '34133-9', display: 'Summary of episode note' }]);
    expect(composition.status).toBe('final');
    expect(composition.subject?.reference).toBe(ids.fullUrl('patient', visit.patientId));
    expect(composition.encounter?.reference).toBe(ids.fullUrl('visit', visit.visitId));
    expect(composition.author).toEqual([{ reference: ids.fullUrl('station', STATION), type: 'Device' }]);
    const fullUrls = new Set(fhir.document.entry!.map((entry) => entry.fullUrl));
    const references = JSON.stringify(fhir.document).match(/"reference":"urn:uuid:[^"]+"/g) ?? [];
    for (const reference of references) expect(fullUrls, reference).toContain(reference.slice('"reference":"'.length, -1));
  });

  it('lists the vitals as minute summaries and spot readings, and NEWS2, under their sections', () => {
    const [people, notes, vitals, alarms, news2, requests, consent] = fhir.composition.section!;
    expect([people, notes, vitals, alarms, news2, requests, consent].map((section) => section?.title)).toEqual(['Who took part', 'Signed notes', 'Vital signs', 'Alarms', 'NEWS2', 'Measurement requests', 'Consent']);
    // The clinician's requests as narrative, each with its outcome and the measurement that answered it.
    expect(requests!.code).toBeUndefined();
    expect(requests!.text?.div).toContain('<tr><td>09:01:30</td><td>Omron HEM-790IT</td><td>Dr Amara Osei</td><td>started 09:01:35 by nurse.okafor</td><td>09:01:40: Systolic 128 mmHg, Diastolic 82 mmHg</td></tr>');
    expect(requests!.text?.div).toContain('<td>failed: That device is not connected to the station</td><td></td>');
    expect(notes!.text?.div).toContain('<b>Reason for visit:</b> Breathless on exertion');
    expect(notes!.text?.div).not.toContain('unsigned draft text');
    expect(vitals?.code?.coding).toEqual([{ system: 'http://loinc.org', code: '8716-3', display: 'Vital signs' }]);
    const byUrl = new Map(fhir.document.entry!.map((entry) => [entry.fullUrl, entry.resource]));
    const observations = vitals!.entry!.map((reference) => byUrl.get(reference.reference) as Observation);
    // 3 minutes of SpO2 and of pulse, and one blood-pressure panel.
    expect(observations.filter((observation) => observation.method?.coding?.[0]?.code === 'median')).toHaveLength(6);
    expect(observations.filter((observation) => observation.code.coding?.some((coding) => coding.code === '85354-9'))).toHaveLength(1);
    expect(news2!.entry).toHaveLength(2);
    expect(alarms!.text?.div).toContain('<td>SpO₂ low</td>');
    expect(alarms!.text?.div).toContain('by Dr Amara Osei');
  });

  it('carries the PDF in a DocumentReference with its type, size, SHA-1 hash and title, referencing the encounter', () => {
    const reference: DocumentReference = fhir.documentReference;
    expect(fhirProblems(reference)).toEqual([]);
    expect(resources(fhir.document)).toContain(reference);
    const attachment = reference.content[0]!.attachment;
    expect(attachment.contentType).toBe('application/pdf');
    expect(Buffer.from(attachment.data!, 'base64').equals(pdf)).toBe(true);
    expect(attachment.size).toBe(pdf.length);
    expect(attachment.hash).toBe(createHash('sha1').update(pdf).digest('base64'));
    expect(attachment.title).toBe('Visit summary.pdf');
    expect(reference.type?.coding?.[0]?.code).toBe('34133-9');
    expect(reference.context?.encounter).toEqual([{ reference: ids.fullUrl('visit', visit.visitId), type: 'Encounter' }]);
    expect(reference.context?.related).toEqual([{ reference: ids.fullUrl('visit-summary', visit.visitId), type: 'Composition' }]);
    expect(reference.id).toBe(ids.uuid('visit-summary-pdf', visit.visitId));
  });

  it('finds a document without its Composition first (negative control of bdl-11)', () => {
    const [composition, ...rest] = fhir.document.entry!;
    expect(bundleProblems({ ...fhir.document, entry: [...rest, composition!] }).join('\n')).toMatch(/bdl-11/);
  });

  it('finds a problem when the Composition loses a required element (negative control)', () => {
    const broken = { ...fhir.composition, title: undefined } as unknown as Composition;
    expect(fhirProblems(broken).join('\n')).toMatch(/title/);
  });
});
