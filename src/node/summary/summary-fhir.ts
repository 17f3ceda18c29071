/**
 * The visit summary in FHIR R4: a `document` Bundle whose first entry is a Composition (LOINC
 * 34133-9 "Summary of episode note", the document type of an episode of care's summary, which
 * C-CDA's Continuity of Care Document also uses: the summary covers one visit, start to end,
 * rather than being a note of one clinician), followed by every resource it references: the
 * Patient, the Encounter, the station's and the peripherals' Devices, the vitals Observations
 * (a continuous metric as minute summaries, as the sync sends it; spot measurements and the
 * readings a NEWS2 score used one by one) and the NEWS2 Observations. A DocumentReference carries
 * the PDF (contentType application/pdf, its SHA-1 hash and size, as R4 Attachment defines them)
 * and points at the Encounter and the Composition. Ids are the stable ones of ../fhir/stable-ids.ts.
 */
import { createHash } from 'node:crypto';
import type { Bundle, BundleEntry, Composition, CompositionSection, Device, DocumentReference, Observation, Reference, Resource } from '@medplum/fhirtypes';
import { peripheralDevice, stationDevice } from '../fhir/devices';
import { encounterResource } from '../fhir/encounter';
import { bundleLinks } from '../fhir/links';
import { chartedObservation, news2ScoreObservation } from '../fhir/news2';
import { patientResource } from '../fhir/patient';
import { observationKeys, ReadingObservations } from '../fhir/reading-observations';
import { summaryObservation } from '../fhir/reading-summary';
import { StationIds } from '../fhir/stable-ids';
import { isContinuous, minuteStartOf, summaryRecordId, type SummaryKey } from '../records/minute-summaries';
import type { StoredReading } from '../records/store';
import { LOINC_SYSTEM } from '../../shared/vitals';
import type { SummaryLines, SummaryTable } from './summary-lines';
import type { VisitSummary } from './visit-summary';

export const SUMMARY_DOCUMENT_TYPE = { system: LOINC_SYSTEM, code: '34133-9', display: 'Summary of episode note' } as const;
const VITAL_SIGNS_SECTION = { system: LOINC_SYSTEM, code: '8716-3', display: 'Vital signs' } as const;

export interface SummaryFhirContext {
  /** `records.patientIdentifierSystem`. */
  patientIdentifierSystem: string | null;
  softwareVersion: string;
}

const entryOf = (resource: Resource & { id: string }): BundleEntry => ({ fullUrl: `urn:uuid:${resource.id}`, resource });

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A section's human-readable text: the same rows as the PDF's table. */
function narrative(table: SummaryTable): CompositionSection['text'] {
  const body =
    table.rows.length === 0
      ? `<p>${escapeXml(table.empty)}</p>`
      : `<table><thead><tr>${table.columns.map((column) => `<th>${escapeXml(column)}</th>`).join('')}</tr></thead><tbody>${table.rows
          .map((row) => `<tr>${row.map((cell) => `<td>${escapeXml(cell)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`;
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${body}</div>` };
}

/** The continuous readings a minute at a time (per device and metric), as the sync's minute summaries. */
function minuteGroups(readings: readonly StoredReading[]): { recordId: string; key: SummaryKey; readings: StoredReading[] }[] {
  const groups = new Map<string, { recordId: string; key: SummaryKey; readings: StoredReading[] }>();
  for (const reading of readings) {
    const key: SummaryKey = { patientId: reading.patientId, visitId: reading.visitId, deviceId: reading.deviceId, metric: reading.metric, minuteStart: minuteStartOf(reading.receivedAt) };
    const recordId = summaryRecordId(key);
    const group = groups.get(recordId) ?? { recordId, key, readings: [] };
    group.readings.push(reading);
    groups.set(recordId, group);
  }
  return [...groups.values()];
}

/** The signed notes' narrative: each note's heading, then its sections. */
function notesNarrative(lines: SummaryLines): CompositionSection['text'] {
  const body =
    lines.notes.length === 0
      ? `<p>${escapeXml(lines.noNotes)}</p>`
      : lines.notes
          .map((note) => `<p><b>${escapeXml(note.heading)}</b></p>${note.parts.map((part) => `<p>${part.label === null ? '' : `<b>${escapeXml(part.label)}:</b> `}${escapeXml(part.text)}</p>`).join('')}`)
          .join('');
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${body}</div>` };
}

const referenceTo = <T extends Resource>(resource: T & { id: string }): Reference<T> => ({ reference: `urn:uuid:${resource.id}`, type: resource.resourceType });

export interface SummaryFhir {
  document: Bundle;
  composition: Composition & { id: string };
  documentReference: DocumentReference & { id: string };
}

export function summaryFhir(summary: VisitSummary, lines: SummaryLines, pdf: Buffer, context: SummaryFhirContext): SummaryFhir {
  const { visit, patient } = summary;
  const ids = new StationIds(summary.stationId);
  const links = bundleLinks(ids, new Set([visit.id]));
  const generated = new Date(summary.generatedAt).toISOString();
  const patientEntry = patientResource(patient, ids, context.patientIdentifierSystem);
  const encounter = encounterResource(visit, ids);
  const station = stationDevice(ids, context.softwareVersion);
  const deviceIds = [...new Set([...summary.readings, ...summary.news2Inputs].map((reading) => reading.deviceId))];
  const devices = deviceIds.map((deviceId) => {
    const reading = [...summary.readings, ...summary.news2Inputs].find((candidate) => candidate.deviceId === deviceId)!;
    return peripheralDevice({ deviceId, source: reading.source }, ids);
  });

  const continuous = summary.readings.filter(isContinuous);
  const minuteObservations = minuteGroups(continuous).map((group) => summaryObservation(group, links));
  // Spot measurements one by one; a continuous reading a NEWS2 score used also on its own, so the score can name it.
  const individually = new Map([...summary.readings.filter((reading) => !isContinuous(reading)), ...summary.news2Inputs].map((reading) => [reading.id, reading]));
  const ordered = [...individually.values()].sort((a, b) => a.receivedAt - b.receivedAt || a.id - b.id);
  const perReading = new ReadingObservations(links);
  const readingObservations = [...ordered.flatMap((reading) => perReading.add(reading)), ...perReading.finish()];
  const inputKeys = observationKeys(summary.news2Inputs, links);
  const charted = summary.news2Charted.map((row) => chartedObservation(row, links));
  const scores = summary.news2.map((score) =>
    news2ScoreObservation(score, links, {
      charted: (chartedId) => ids.reference('Observation', 'news2-charted', chartedId),
      reading: (readingId) => {
        const key = inputKeys.get(readingId);
        return key && ids.reference<Observation>('Observation', key.kind, key.recordId);
      },
    }),
  );

  const [people, vitals, alarms, news2, requests, consent] = lines.tables as [SummaryTable, SummaryTable, SummaryTable, SummaryTable, SummaryTable, SummaryTable];
  const section = (table: SummaryTable, entries: (Resource & { id: string })[] = [], code?: typeof VITAL_SIGNS_SECTION): CompositionSection => ({
    title: table.heading,
    ...(code ? { code: { coding: [code], text: table.heading } } : {}),
    text: narrative(table),
    ...(entries.length > 0 ? { entry: entries.map(referenceTo) } : {}),
  });
  const composition: Composition & { id: string } = {
    resourceType: 'Composition',
    id: ids.uuid('visit-summary', visit.id),
    identifier: ids.identifier('visit-summary', visit.id),
    status: 'final',
    type: { coding: [SUMMARY_DOCUMENT_TYPE], text: lines.title },
    subject: links.subject(patient.id),
    encounter: links.encounter(visit.id)!,
    date: generated,
    author: [referenceTo<Device>(station)],
    title: lines.title,
    section: [
      section(people),
      { title: lines.notesHeading, text: notesNarrative(lines) },
      section(vitals, [...minuteObservations, ...readingObservations], VITAL_SIGNS_SECTION),
      section(alarms),
      section(news2, [...charted, ...scores]),
      // Narrative only, without a section code: no LOINC section names measurements asked for and
      // taken within the visit (18776-5 "Plan of care note" is for what is still to be done).
      section(requests),
      section(consent),
    ],
  };

  const documentReference: DocumentReference & { id: string } = {
    resourceType: 'DocumentReference',
    id: ids.uuid('visit-summary-pdf', visit.id),
    identifier: [ids.identifier('visit-summary-pdf', visit.id)],
    status: 'current',
    docStatus: 'final',
    type: { coding: [SUMMARY_DOCUMENT_TYPE], text: lines.title },
    subject: links.subject(patient.id),
    date: generated,
    author: [referenceTo<Device>(station)],
    description: `${lines.title} (PDF)`,
    content: [
      {
        attachment: {
          contentType: 'application/pdf',
          language: 'en',
          data: pdf.toString('base64'),
          size: pdf.length,
          // R4 Attachment.hash: the SHA-1 of the data, base64.
          hash: createHash('sha1').update(pdf).digest('base64'),
          title: `${lines.title}.pdf`,
          creation: generated,
        },
      },
    ],
    context: {
      encounter: [links.encounter(visit.id)!],
      period: encounter.period,
      related: [referenceTo(composition)],
    },
  };

  const document: Bundle = {
    resourceType: 'Bundle',
    id: ids.uuid('visit-summary', `${visit.id}/${summary.generatedAt}`),
    identifier: ids.identifier('visit-summary', `${visit.id}/${summary.generatedAt}`),
    type: 'document',
    timestamp: generated,
    entry: [composition, patientEntry, encounter, station, ...devices, ...minuteObservations, ...readingObservations, ...charted, ...scores, documentReference].map(entryOf),
  };
  return { document, composition, documentReference };
}
