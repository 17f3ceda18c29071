/**
 * A patient's visits, each with its visit summary to download as the PDF or as the FHIR document,
 * or to print: on the station's printer when it has one (the desktop app: printVisitSummary), else
 * the PDF in the browser's print dialog (../print/print-pdf-in-page.ts). Offered
 * to the roles that may export a record (record.export); the core checks that again and audits
 * each download as an export of the visit.
 */
import { useEffect, useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { PatientSummary } from '../../shared/contract-records';
import type { SummaryFormat } from '../../shared/contract-summary';
import type { PlethVisit } from '../../shared/contract-sync';
import { failureText, isForbidden } from '../access/failure-text';
import { FormProblem } from '../access/FormParts';
import { formatDateTime } from '../format/display-format';
import { printPdfInPage } from '../print/print-pdf-in-page';
import { fetchVisitSummary, saveFile } from './record-export';

type SummaryUse = 'pdf' | 'fhir' | 'print';

/** Prints on the station's printer, or (a station without one) in the browser's print dialog; says which. */
async function printSummary(api: StationApi, visit: PlethVisit): Promise<string> {
  const started = formatDateTime(visit.startedAt);
  if ((await api.invoke('printVisitSummary', { visitId: visit.visitId })).printed) return `Sent the summary of the visit started ${started} to the printer.`;
  const summary = await fetchVisitSummary(api, visit.visitId, 'pdf');
  await printPdfInPage(summary.file, summary.fileName);
  return `Opened the print dialog for the summary of the visit started ${started}.`;
}

export function VisitSummaryPanel({ api, patient, onClose }: { api: StationApi; patient: PatientSummary; onClose(): void }) {
  const [visits, setVisits] = useState<readonly PlethVisit[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<{ visitId: string; use: SummaryUse } | null>(null);

  useEffect(() => {
    let live = true;
    api.invoke('listPlethVisits', { patientId: patient.id }).then(
      (list) => live && setVisits(list),
      (failure: unknown) => {
        if (live && !isForbidden(failure)) setProblem(`The visits could not be read: ${failureText(failure)}.`);
      },
    );
    return () => {
      live = false;
    };
  }, [api, patient.id]);

  const fetchSummary = async (visit: PlethVisit, use: SummaryUse) => {
    setBusy({ visitId: visit.visitId, use });
    setProblem(null);
    setNotice(null);
    try {
      if (use === 'print') {
        setNotice(await printSummary(api, visit));
        return;
      }
      const format: SummaryFormat = use;
      const summary = await fetchVisitSummary(api, visit.visitId, format);
      saveFile(summary);
      setNotice(`Saved the visit summary as ${summary.fileName}.`);
    } catch (failure) {
      setProblem(`The visit summary was not made: ${failureText(failure)}.`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="panel records-pleth" aria-labelledby="visits-title" data-role="visit-summaries" data-patient-id={patient.id}>
      <div className="records-list-heading">
        <h2 id="visits-title" className="panel-heading">
          Visits of {patient.displayName}
        </h2>
        <button type="button" className="access-button" data-action="close-visits" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="panel-note">Each visit’s summary: patient, who took part, vitals and trends, alarms, NEWS2, signed notes, snapshots and consent.</p>
      <FormProblem problem={problem} role="visit-summary-error" />
      {notice && (
        <p className="records-notice" role="status" data-role="visit-summary-notice">
          {notice}
        </p>
      )}
      {visits === null && problem === null && <p className="panel-empty">Reading the visits…</p>}
      {visits?.length === 0 && <p className="panel-empty">No visits recorded for this patient.</p>}
      {visits !== null && visits.length > 0 && (
        <ul className="records-visit-summaries">
          {visits.map((visit) => {
            const started = formatDateTime(visit.startedAt);
            const button = (use: SummaryUse, action: string, label: string, text: string) => (
              <button
                type="button"
                className="access-button"
                data-action={action}
                aria-label={`${label} of the visit started ${started}`}
                aria-busy={busy?.visitId === visit.visitId && busy.use === use}
                disabled={busy !== null}
                onClick={() => void fetchSummary(visit, use)}
              >
                {text}
              </button>
            );
            return (
              <li key={visit.visitId} data-visit-id={visit.visitId}>
                <span className="records-time">
                  {started} – {visit.endedAt === null ? 'ongoing' : formatDateTime(visit.endedAt)}
                </span>
                {button('pdf', 'download-summary-pdf', 'Download the summary PDF', 'Summary PDF')}
                {button('fhir', 'download-summary-fhir', 'Download the summary as a FHIR document', 'Summary FHIR')}
                {button('print', 'print-summary', 'Print the summary', 'Print')}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
