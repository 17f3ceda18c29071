/**
 * A patient's visits with their pleth, and per visit the request to send it to the FHIR server
 * (issue 12: the pleth goes only on request, one Observation per 10 s segment). Offered to the
 * roles that may export a record (record.export); the core checks that again, refuses without a
 * running sync and audits each request.
 */
import { useCallback, useEffect, useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { PatientSummary } from '../../shared/contract-records';
import type { PlethVisit } from '../../shared/contract-sync';
import { failureText, isForbidden } from '../access/failure-text';
import { FormProblem } from '../access/FormParts';
import { formatDateTime } from '../format/display-format';
import { plethResultLine, plethVisitLine } from './sync-words';

export function PlethPanel({ api, patient, onClose }: { api: StationApi; patient: PatientSummary; onClose(): void }) {
  const [visits, setVisits] = useState<readonly PlethVisit[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  /** The result line of each visit's last request, by visit id. */
  const [results, setResults] = useState<ReadonlyMap<string, { text: string; failed: boolean }>>(new Map());
  const [sending, setSending] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  const readAgain = useCallback(() => setReads((count) => count + 1), []);

  useEffect(() => {
    let live = true;
    api.invoke('listPlethVisits', { patientId: patient.id }).then(
      (list) => {
        if (!live) return;
        setVisits(list);
        setProblem(null);
      },
      (failure: unknown) => {
        if (live && !isForbidden(failure)) setProblem(`The visits could not be read: ${failureText(failure)}.`);
      },
    );
    return () => {
      live = false;
    };
  }, [api, patient.id, reads]);

  const send = async (visit: PlethVisit) => {
    setSending(visit.visitId);
    const result = await api.invoke('sendEncounterPleth', { visitId: visit.visitId }).then(
      (answer) => ({ text: plethResultLine(answer), failed: false }),
      (failure: unknown) => ({ text: `The pleth was not queued: ${failureText(failure)}.`, failed: true }),
    );
    setResults((before) => new Map(before).set(visit.visitId, result));
    setSending(null);
    readAgain();
  };

  return (
    <section className="panel records-pleth" aria-labelledby="pleth-title" data-role="pleth-panel" data-patient-id={patient.id}>
      <div className="records-list-heading">
        <h2 id="pleth-title" className="panel-heading">
          Pleth of {patient.displayName}
        </h2>
        <button type="button" className="access-button" data-action="close-pleth" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="panel-note">The pleth goes to the FHIR server only when asked: one Observation per 10 s segment, each sent once.</p>
      <FormProblem problem={problem} role="pleth-error" />
      {visits === null && problem === null && <p className="panel-empty">Reading the visits…</p>}
      {visits?.length === 0 && <p className="panel-empty">No visits recorded for this patient.</p>}
      {visits !== null && visits.length > 0 && (
        <ul className="records-pleth-visits">
          {visits.map((visit) => {
            const result = results.get(visit.visitId);
            const started = formatDateTime(visit.startedAt);
            return (
              <li key={visit.visitId} data-visit-id={visit.visitId}>
                <span className="records-time">
                  {started} – {visit.endedAt === null ? 'ongoing' : formatDateTime(visit.endedAt)}
                </span>
                <span data-field="pleth-segments">{plethVisitLine(visit)}</span>
                <button
                  type="button"
                  className="access-button"
                  data-action="send-pleth"
                  aria-label={`Send the pleth of the visit started ${started} to the FHIR server`}
                  aria-busy={sending === visit.visitId}
                  disabled={sending !== null || visit.segments === 0}
                  onClick={() => void send(visit)}
                >
                  Send pleth
                </button>
                {result && (
                  <p className={result.failed ? 'records-sync-problem' : 'records-pleth-result'} role="status" data-role="pleth-result" data-failed={result.failed || undefined}>
                    {result.text}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
