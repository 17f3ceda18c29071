/**
 * "Your visit summary": what the patient sees after pressing Finish at the kiosk, before the visit
 * ends: the summary the station made of it (the same words as the printed summary, with the
 * patient's first name at most, as everywhere on a kiosk), Print (the station's printer prints the
 * summary PDF when it has one, the desktop app; else the browser prints this screen; nothing is
 * saved) and Done, which ends the visit and clears the screen. The summary lives only
 * in this screen's memory; the kiosk keeps nothing beyond its encrypted records.
 */
import { useEffect, useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { SummaryLinesPayload } from '../../shared/contract-summary';
import { failureText } from '../access/failure-text';
import '../alarms/alarms.css';

export function KioskSummary({ api, finishing, onDone }: { api: StationApi; finishing: boolean; onDone(): void }) {
  const [lines, setLines] = useState<SummaryLinesPayload | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [printing, setPrinting] = useState<'asking' | 'sent' | null>(null);

  useEffect(() => {
    let live = true;
    api.invoke('getCurrentVisitSummary', undefined).then(
      (summary) => live && setLines(summary),
      (failure: unknown) => live && setProblem(`Your summary could not be made: ${failureText(failure)}. You can still finish your visit.`),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const print = async () => {
    setPrinting('asking');
    try {
      const { printed } = await api.invoke('printVisitSummary', {});
      if (!printed) window.print();
      setPrinting(printed ? 'sent' : null);
    } catch (failure) {
      setPrinting(null);
      setProblem(`Your summary could not be printed: ${failureText(failure)}.`);
    }
  };

  return (
    <main className="kiosk-visit kiosk-summary" aria-labelledby="kiosk-summary-title" data-role="kiosk-summary">
      <div className="kiosk-toolbar" data-print="hide">
        <h2 id="kiosk-summary-title" className="kiosk-title">
          Your visit summary
        </h2>
        <button type="button" className="kiosk-button" data-action="print-kiosk-summary" disabled={lines === null || printing === 'asking'} aria-busy={printing === 'asking'} onClick={() => void print()}>
          Print
        </button>
        <button type="button" className="kiosk-button kiosk-button-finish" data-action="kiosk-summary-done" disabled={finishing} onClick={onDone}>
          {finishing ? 'Finishing…' : 'Done'}
        </button>
      </div>
      {problem && (
        <p className="kiosk-error" role="alert">
          {problem}
        </p>
      )}
      {printing === 'sent' && (
        <p className="kiosk-hint" role="status" data-role="print-notice" data-print="hide">
          Your summary is printing: take it from the station’s printer.
        </p>
      )}
      {lines === null && problem === null && <p className="kiosk-hint">Making your summary…</p>}
      {lines && (
        <article className="kiosk-summary-document" aria-label="Visit summary">
          <p className="kiosk-summary-banner" data-role="summary-banner">
            {lines.banner}
          </p>
          <ul className="kiosk-summary-facts">
            {lines.encounter.map(([label, value]) => (
              <li key={label}>
                {label}: {value}
              </li>
            ))}
          </ul>
          {lines.notes.length > 0 && (
            <section aria-labelledby="kiosk-summary-notes">
              <h3 id="kiosk-summary-notes">{lines.notesHeading}</h3>
              {lines.notes.map((note) => (
                <div key={note.heading} className="kiosk-summary-note">
                  <p className="kiosk-summary-note-heading">{note.heading}</p>
                  {note.parts.map((part, index) => (
                    <p key={index}>
                      {part.label !== null && <strong>{part.label}: </strong>}
                      {part.text}
                    </p>
                  ))}
                </div>
              ))}
            </section>
          )}
          {lines.tables.map((table, index) => (
            <section key={table.heading} aria-labelledby={`kiosk-summary-${index}`} data-section={table.heading}>
              <h3 id={`kiosk-summary-${index}`}>{table.heading}</h3>
              {table.rows.length === 0 ? (
                <p className="kiosk-hint">{table.empty}</p>
              ) : (
                <table className="clinical-table">
                  <thead>
                    <tr>
                      {table.columns.map((column, columnIndex) => (
                        <th key={columnIndex} scope="col">
                          {column}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {table.rows.map((row, rowIndex) => (
                      <tr key={rowIndex}>
                        {row.map((cell, cellIndex) => (
                          <td key={cellIndex}>{cell}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          ))}
          <p className="kiosk-hint">{lines.footer}</p>
        </article>
      )}
    </main>
  );
}
