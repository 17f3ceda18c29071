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
import { RecordInputError } from '../../records/store';
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
  authenticator: Pick<Authenticator, 'authorize'>;
  audit: Pick<AuditLog, 'append'>;
  /** The records screen's exports, whose parts readPatientExportChunk reads. */
  exports: PendingExports;
  document: SummaryDocumentOptions;
  now?: () => number;
}

export interface SummaryHandlers {
  exportVisitSummary(input: MethodInput<'exportVisitSummary'>, context: InvocationContext): Promise<MethodOutput<'exportVisitSummary'>>;
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
  };
}


/** The handlers over the station's own records, settings and software version. */
export function createStationSummaryHandlers(
  records: Pick<StationRecords, 'store' | 'users' | 'audit' | 'authenticator'>,
  settings: { fhir: FhirSettings | undefined; locale: string | null | undefined; exports: PendingExports },
): SummaryHandlers {
  const fhir = settings.fhir ?? DEFAULT_FHIR_SETTINGS;
  return createSummaryHandlers({
    sources: { store: records.store, users: records.users, notes: new VisitNotes(records.store.db, records.audit), stationId: stationId(records.store.db), careSetting: fhir.careSetting },
    authenticator: records.authenticator,
    audit: records.audit,
    exports: settings.exports,
    document: { locale: settings.locale ?? undefined, patientIdentifierSystem: fhir.patientIdentifierSystem, softwareVersion: STATION_SOFTWARE_VERSION },
  });
}
