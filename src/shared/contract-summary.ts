/**
 * The visit summary in the contract (issue 14): the Records screen downloads a visit's summary as
 * the PDF or as the FHIR document, in parts like a record export (readPatientExportChunk); the
 * kiosk shows the patient the summary of the visit they just finished.
 */
import { z } from 'zod';
import { ExportChunkSchema } from './contract-records';

export const SUMMARY_FORMATS = ['pdf', 'fhir'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

export const VisitSummaryExportSchema = z.object({
  exportId: z.string().min(1).max(100),
  /** visit-summary-<local start>.pdf or .fhir.json: no name, no identifier. */
  fileName: z.string().max(200),
  mediaType: z.enum(['application/pdf', 'application/fhir+json']),
  /** How the parts' text holds the file: the PDF as base64, the FHIR document as its JSON. */
  encoding: z.enum(['base64', 'text']),
  readingCount: z.literal(0),
  first: ExportChunkSchema,
});
export type VisitSummaryExport = z.infer<typeof VisitSummaryExportSchema>;

const line = z.string().max(20_000);

/** A visit summary in words (node/summary/summary-lines.ts), for a screen to show as it would print. */
export const SummaryLinesSchema = z.object({
  title: line,
  banner: line,
  encounter: z.array(z.tuple([line, line])).max(10),
  tables: z.array(z.object({ heading: line, columns: z.array(line).max(10), rows: z.array(z.array(line).max(10)).max(50_000), empty: line })).max(10),
  notesHeading: line,
  notes: z.array(z.object({ heading: line, parts: z.array(z.object({ label: line.nullable(), text: line })).max(10) })).max(200),
  noNotes: line,
  footer: line,
});
export type SummaryLinesPayload = z.infer<typeof SummaryLinesSchema>;

export const summaryMethods = {
  /**
   * The current visit's summary so far, in words, for the patient at the kiosk ("Your visit
   * summary", before Finish) and staff at the station; audited as a view of the patient. A kiosk
   * session gets the patient's first name only in the banner, as everywhere on a kiosk's screen.
   */
  getCurrentVisitSummary: { input: z.undefined(), output: SummaryLinesSchema },
  /** Builds the visit's summary (audited as a record export) and answers the first part of the chosen file; readPatientExportChunk reads on. */
  exportVisitSummary: { input: z.strictObject({ visitId: z.string().min(1).max(100), format: z.enum(SUMMARY_FORMATS) }), output: VisitSummaryExportSchema },
  /**
   * Prints a visit's summary PDF on the station's own printer (the desktop app's print dialog):
   * `visitId` from Records (record.export), none for the current visit (the kiosk's "Your visit
   * summary", patient.view). `printed: false`: this station has no printer of its own (web mode),
   * so the page prints it in the browser; nothing was built or audited.
   */
  printVisitSummary: { input: z.strictObject({ visitId: z.string().min(1).max(100).optional() }), output: z.strictObject({ printed: z.boolean() }) },
} as const;
