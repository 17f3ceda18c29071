/**
 * Confirming an erasure: says what goes (and what stays: the audit trail's record of the erasure)
 * and is enabled only once ERASE is typed, so no stray click or Enter removes a patient's record.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { PatientSummary } from '../../shared/contract-records';
import { FormProblem } from '../access/FormParts';
import { useStationAction } from '../access/use-station-action';

export const ERASE_CONFIRMATION_WORD = 'ERASE';

/** What the station's erasure counts are called on screen. */
const TABLE_WORDS: Record<string, [string, string]> = {
  patients: ['patient record', 'patient records'],
  readings: ['reading', 'readings'],
  waveform_segments: ['waveform recording', 'waveform recordings'],
  alarms: ['alarm', 'alarms'],
  alarm_limit_changes: ['alarm-limit change', 'alarm-limit changes'],
  notes: ['note', 'notes'],
  consents: ['consent', 'consents'],
  attachments: ['attachment', 'attachments'],
  visits: ['visit', 'visits'],
  news2_charted: ['NEWS2 observation', 'NEWS2 observations'],
  news2_scores: ['NEWS2 score', 'NEWS2 scores'],
  outbox: ['FHIR sync queue entry', 'FHIR sync queue entries'],
};

export function erasedSummary(removed: Record<string, number>): string {
  const parts = Object.entries(removed)
    .filter(([, count]) => count > 0)
    .map(([table, count]) => {
      const [one, many] = TABLE_WORDS[table] ?? [table, table];
      return `${count.toLocaleString()} ${count === 1 ? one : many}`;
    });
  return parts.length > 0 ? `removed ${parts.join(', ')}` : 'nothing was left to remove';
}

export function EraseDialog({ patient, onErase, onCancel }: { patient: PatientSummary; onErase(): Promise<void>; onCancel(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const { busy, problem, run } = useStationAction();
  const titleId = useId();
  const inputId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const confirmed = typed.trim() === ERASE_CONFIRMATION_WORD;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!confirmed || busy) return;
    // Erased, the dialog closes: it stays busy until then.
    await run(onErase, (reason) => `The record was not erased: ${reason}.`, { keepBusyAfterSuccess: true });
  };

  return (
    // Escape closes a modal dialog natively; `cancel` keeps React's state in step.
    <dialog ref={dialog} className="records-dialog" aria-labelledby={titleId} data-role="erase-dialog" onCancel={onCancel}>
      <form className="access-form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
        <h2 id={titleId} className="records-dialog-title">
          Erase {patient.displayName}&apos;s record?
        </h2>
        <p>
          This permanently removes everything this station holds about the patient: their name and details,{' '}
          {patient.readingCount === 1 ? '1 reading' : `${patient.readingCount.toLocaleString()} readings`}, waveform recordings, alarms, notes, consents, snapshots and visits. It cannot be undone.
        </p>
        <p>The audit trail keeps that the record was erased, when and by whom, but nothing about the patient. Export the record first if it is still needed.</p>
        <div className="access-field">
          <label htmlFor={inputId}>Type {ERASE_CONFIRMATION_WORD} to confirm</label>
          <input id={inputId} name="erase-confirmation" autoComplete="off" autoCapitalize="characters" spellCheck={false} value={typed} onChange={(event) => setTyped(event.target.value)} />
        </div>
        <FormProblem problem={problem} role="erase-error" />
        <div className="access-actions">
          <button type="submit" className="access-button access-button-danger" data-action="confirm-erase" disabled={!confirmed || busy}>
            {busy ? 'Erasing…' : 'Erase the record'}
          </button>
          <button type="button" className="access-button" data-action="cancel-erase" onClick={onCancel}>
            Keep the record
          </button>
        </div>
      </form>
    </dialog>
  );
}
