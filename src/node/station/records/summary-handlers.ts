/**
 * exportVisitSummary: the Records screen's download of a visit's summary, as the PDF or as the
 * FHIR document. The summary is built from the records at the time of the request (a signed
 * addendum written since the visit ended is in it), under the caller's right to export that
 * patient's record, and audited as a record export of the visit (`summary:<visit id>`). The file
 * then travels in parts like a record export (./patient-exports.ts, readPatientExportChunk).
 */
import type { MethodInput, MethodOutput } from '../../../shared/contract';
import { stationId, type AuditLog } from '../../audit/audit-log';
import { DEFAULT_FHIR_SETTINGS, STATION_SOFTWARE_VERSION, type FhirSettings } from '../../fhir/export-settings';
import { VisitNotes } from '../../records/visit-notes';
import type { StationRecords } from '../persistence/station-records';
import type { Authenticator } from '../../identity/authenticator';
import { isAnonymousPatient } from '../../records/anonymous-patient';
import { RecordInputError, type PatientRecord } from '../../records/store';
import { summaryLines } from '../../summary/summary-lines';
import { gatherVisitSummary } from '../../summary/visit-summary';
import type { Encounter } from '../persistence/encounter';
import { buildSummaryDocument, summaryFileStem, type SummaryDocumentOptions } from '../../summary/summary-document';
import type { SummarySources } from '../../summary/visit-summary';
import type { InvocationContext } from '../contract-session';
import type { ExportText, PendingExports } from './patient-exports';

/** A finished file's text handed out a part at a time. */
export class TextParts implements ExportText {
  #offset = 0;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.#offset >= this.text.length;
  }

  readonly readingsDone = 0;

  next(targetChars: number): string {
    const part = this.text.slice(this.#offset, this.#offset + targetChars);
    this.#offset += targetChars;
    return part;
  }
}

export interface SummaryHandlerOptions {
  sources: SummarySources;
  /** The station's current encounter, asked at every call: a kiosk visit may switch it. */
  encounter: () => Encounter;
  /** Resolves once what the recorder holds is committed: the current visit's summary includes the last second's readings. */
  flushRecorder: () => Promise<void>;
  authenticator: Pick<Authenticator, 'authorize'>;
  audit: Pick<AuditLog, 'append'>;
  /** The records screen's exports, whose parts readPatientExportChunk reads. */
  exports: PendingExports;
  document: SummaryDocumentOptions;
  /** The station's own printer (the desktop app's); none in web mode, where the page prints. */
  printPdf?: PdfPrinter;
  now?: () => number;
}

/** Prints a PDF (e.g. through the system's print dialog); resolves once it was handed over or the person cancelled, rejects on a failure. */
export type PdfPrinter = (pdf: Buffer, title: string) => Promise<void>;

export interface SummaryHandlers {
  exportVisitSummary(input: MethodInput<'exportVisitSummary'>, context: InvocationContext): Promise<MethodOutput<'exportVisitSummary'>>;
  getCurrentVisitSummary(input: MethodInput<'getCurrentVisitSummary'>, context: InvocationContext): Promise<MethodOutput<'getCurrentVisitSummary'>>;
  printVisitSummary(input: MethodInput<'printVisitSummary'>, context: InvocationContext): Promise<MethodOutput<'printVisitSummary'>>;
}

/** A kiosk's public screen names nobody to passers-by: the patient's first name at most (renderer/patient/patient-banner.ts kioskGreetingName). */
function kioskBanner(patient: PatientRecord): string {
  return isAnonymousPatient(patient) ? 'Your visit' : `Your visit, ${patient.givenName}`;
}

export function createSummaryHandlers(options: SummaryHandlerOptions): SummaryHandlers {
  const now = options.now ?? Date.now;
  return {
    async exportVisitSummary({ visitId, format }, { screen }) {
      const sessionId = screen.sessionId();
      const patientId = options.sources.store.visitPatient(visitId);
      if (patientId === null) throw new RecordInputError('No such visit');
      const session = options.authenticator.authorize(sessionId, 'record.export', patientId);
      options.audit.append({ actor: session.userId, role: session.role, action: 'record.export', object: `summary:${visitId}` });
      const document = await buildSummaryDocument(options.sources, visitId, now(), options.document);
      const stem = summaryFileStem(document.summary.visit.startedAt);
      const file =
        format === 'pdf'
          ? { text: document.pdf.toString('base64'), fileName: `${stem}.pdf`, mediaType: 'application/pdf' as const, encoding: 'base64' as const }
          : { text: JSON.stringify(document.fhir.document), fileName: `${stem}.fhir.json`, mediaType: 'application/fhir+json' as const, encoding: 'text' as const };
      const { exportId, first } = options.exports.open(sessionId, patientId, new TextParts(file.text));
      return { exportId, first, fileName: file.fileName, mediaType: file.mediaType, encoding: file.encoding, readingCount: 0 };
    },

    async printVisitSummary({ visitId: named }, { screen }) {
      const current = named === undefined ? options.encounter() : null;
      const visitId = named ?? current!.visitId;
      const patientId = current?.patientId ?? options.sources.store.visitPatient(visitId);
      if (patientId === null) throw new RecordInputError('No such visit');
      const session = options.authenticator.authorize(screen.sessionId(), current ? 'patient.view' : 'record.export', patientId);
      if (!options.printPdf) return { printed: false };
      // On paper it leaves the station like an export, whoever asked.
      options.audit.append({ actor: session.userId, role: session.role, action: 'record.export', object: `print:${visitId}` });
      if (current) await options.flushRecorder();
      const document = await buildSummaryDocument(options.sources, visitId, now(), options.document);
      await options.printPdf(document.pdf, document.fileName);
      return { printed: true };
    },

    async getCurrentVisitSummary(_input, { screen }) {
      const { patientId, visitId } = options.encounter();
      const session = options.authenticator.authorize(screen.sessionId(), 'patient.view', patientId);
      options.audit.append({ actor: session.userId, role: session.role, action: 'patient.view', object: patientId });
      await options.flushRecorder();
      const summary = gatherVisitSummary(options.sources, visitId, now());
      const lines = summaryLines(summary, options.document.locale);
      return session.role === 'kiosk' ? { ...lines, banner: kioskBanner(summary.patient) } : lines;
    },
  };
}


/** The handlers over the station's own records, settings and software version. */
export function createStationSummaryHandlers(
  records: Pick<StationRecords, 'store' | 'users' | 'audit' | 'authenticator' | 'encounter' | 'recorder'>,
  settings: { fhir: FhirSettings | undefined; locale: string | null | undefined; exports: PendingExports; printPdf?: PdfPrinter },
): SummaryHandlers {
  const fhir = settings.fhir ?? DEFAULT_FHIR_SETTINGS;
  return createSummaryHandlers({
    sources: { store: records.store, users: records.users, notes: new VisitNotes(records.store.db, records.audit), stationId: stationId(records.store.db), careSetting: fhir.careSetting },
    encounter: () => records.encounter,
    flushRecorder: () => records.recorder.flush(),
    authenticator: records.authenticator,
    audit: records.audit,
    exports: settings.exports,
    printPdf: settings.printPdf,
    document: { locale: settings.locale ?? undefined, patientIdentifierSystem: fhir.patientIdentifierSystem, softwareVersion: STATION_SOFTWARE_VERSION },
  });
}
