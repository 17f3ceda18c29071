/**
 * A visit's summary document, built once: gathered from the records, rendered as the PDF and as
 * the FHIR document with the DocumentReference carrying that PDF. What the Records screen
 * exports, the kiosk shows, the station prints and the sync sends.
 */
import type { FhirSettings } from '../fhir/export-settings';
import { summaryFhir, type SummaryFhir } from './summary-fhir';
import { summaryLines } from './summary-lines';
import { renderSummaryPdf } from './summary-pdf';
import { gatherVisitSummary, type SummarySources, type VisitSummary } from './visit-summary';

export interface SummaryDocumentOptions extends Pick<FhirSettings, 'patientIdentifierSystem'> {
  /** The station's `display.locale` setting; undefined for the runtime's. */
  locale?: string;
  softwareVersion: string;
  /** Draw the trend charts (default); the benchmark's baseline leaves them out. */
  charts?: boolean;
}

export interface SummaryDocument {
  summary: VisitSummary;
  pdf: Buffer;
  fhir: SummaryFhir;
  /** "visit-summary-2025-01-15-0900.pdf": the visit's local start, no name (a file name shows in download lists). */
  fileName: string;
}

const pad = (value: number) => String(value).padStart(2, '0');

export function summaryFileStem(startedAt: number): string {
  const start = new Date(startedAt);
  return `visit-summary-${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}-${pad(start.getHours())}${pad(start.getMinutes())}`;
}

export async function buildSummaryDocument(sources: SummarySources, visitId: string, now: number, options: SummaryDocumentOptions): Promise<SummaryDocument> {
  const summary = gatherVisitSummary(sources, visitId, now);
  const pdf = await renderSummaryPdf(summary, { locale: options.locale, charts: options.charts });
  const fhir = summaryFhir(summary, summaryLines(summary, options.locale), pdf, { patientIdentifierSystem: options.patientIdentifierSystem, softwareVersion: options.softwareVersion });
  return { summary, pdf, fhir, fileName: `${summaryFileStem(summary.visit.startedAt)}.pdf` };
}
