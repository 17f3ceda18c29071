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

export const summaryMethods = {
  /** Builds the visit's summary (audited as a record export) and answers the first part of the chosen file; readPatientExportChunk reads on. */
  exportVisitSummary: { input: z.strictObject({ visitId: z.string().min(1).max(100), format: z.enum(SUMMARY_FORMATS) }), output: VisitSummaryExportSchema },
} as const;
