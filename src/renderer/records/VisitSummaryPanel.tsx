/**
 * A patient's visits, each with its visit summary to download as the PDF or as the FHIR document,
 * or to open for printing (the PDF in a new browser tab, whose print command prints it). Offered
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
import { fetchVisitSummary, saveFile, type ExportedRecord } from './record-export';

type SummaryUse = 'pdf' | 'fhir' | 'print';

/**
 * Opens the PDF where the browser shows it with its own print command; false where new windows
 * are blocked (the desktop app blocks every one), so the screen says to save and print it instead.
 */
function openForPrinting({ file }: ExportedRecord): boolean {
  const url = URL.createObjectURL(file);
  // Without noopener, so that a blocked window shows as null; the tab holds the station's own PDF.
  const opened = window.open(url, '_blank');
  // The new tab has read the Blob long before; then its memory goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return opened !== null;
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
      const format: SummaryFormat = use === 'fhir' ? 'fhir' : 'pdf';
      const summary = await fetchVisitSummary(api, visit.visitId, format);
      if (use === 'print' && !openForPrinting(summary)) {
        setProblem('This screen cannot open the PDF for printing: save it with Summary PDF and print the file.');
        return;
      }
      if (use !== 'print') saveFile(summary);
      setNotice(use === 'print' ? `Opened the summary of the visit started ${formatDateTime(visit.startedAt)} for printing.` : `Saved the visit summary as ${summary.fileName}.`);
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
