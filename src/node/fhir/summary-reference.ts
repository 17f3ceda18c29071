/**
 * A visit's summary as the sync sends it: the DocumentReference carrying the summary's PDF
 * (src/node/summary/summary-fhir.ts), conditionally created on its identifier like every other
 * entry of the transaction (./transaction-entries.ts).
 *
 * Only the DocumentReference goes; the Composition's document Bundle does not, for two reasons of
 * FHIR R4:
 * - A document is exchanged as a whole Bundle of type `document`, POSTed to [base]/Bundle or
 *   carried as an attachment (FHIR R4 "Documents", http://hl7.org/fhir/R4/documents.html), never as
 *   entries of a transaction. Nested as a `Bundle` resource entry in the transaction, its entries'
 *   urn:uuid fullUrls would be the same stable ids as the transaction's own Patient and Encounter
 *   entries, and a server SHALL replace every reference to a transaction entry's fullUrl in the
 *   resources of the transaction (FHIR R4 "Transaction Processing Rules", http://hl7.org/fhir/R4/http.html#trules): the
 *   document's own references would be rewritten.
 * - Its identifier names the time it was generated (each export is a new document), so a resend
 *   could not be matched: a second copy. The DocumentReference's identifier names only the visit.
 * What the Composition references (Encounter, vitals Observations, NEWS2) reaches the server
 * through the sync anyway, under the same identifiers; the PDF carries its narrative. The
 * DocumentReference names the Composition by its identifier (a logical reference), as the
 * document the Records screen exports holds it.
 */
import type { Composition, DocumentReference, Reference } from '@medplum/fhirtypes';
import type { ResourceLinks } from './links';

export interface SyncedSummary {
  patientId: string;
  visitId: string;
  /** summaryFhir's DocumentReference (the PDF as attachment data, its size and SHA-1) and the Composition it renders. */
  documentReference: DocumentReference & { id: string };
  composition: Composition & { id: string };
}

/** The DocumentReference pointing, as the transaction's links say, at its Patient (the server's, when chosen from there) and Encounter. */
export function syncedSummaryReference(summary: SyncedSummary, links: ResourceLinks): DocumentReference & { id: string } {
  const { documentReference, composition } = summary;
  const encounter = links.encounter(summary.visitId);
  const related: Reference<Composition> = { type: 'Composition', identifier: composition.identifier, display: composition.title };
  return {
    ...documentReference,
    subject: links.subject(summary.patientId),
    context: { ...documentReference.context, encounter: encounter ? [encounter] : undefined, related: [related] },
  };
}
