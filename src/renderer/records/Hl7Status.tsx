/**
 * The HL7 v2 (PCD-01) output on the Records screen, for those who manage the FHIR sync: one status
 * line (engine, batches waiting, refused, last sent), the last delivery problem, each refused
 * batch with the interface engine's reason, and Retry. Read again every few seconds, like the
 * Sync panel, since the output works on its own.
 */
import { useCallback, useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { Hl7Status as Hl7StatusState } from '../../shared/contract-hl7';
import { FormProblem } from '../access/FormParts';
import { useStationAction } from '../access/use-station-action';
import { formatDateTime } from '../format/display-format';
import { useRefreshed } from './SyncPanel';

const plural = (count: number, one: string, many: string) => `${count.toLocaleString()} ${count === 1 ? one : many}`;

function statusLine(status: Hl7StatusState): string {
  if (status.state === 'not-configured') return 'No HL7 interface engine is set up (settings hl7Output.host): nothing is sent as HL7.';
  if (status.state === 'not-running') return `The HL7 output to ${status.engine} is not running: ${status.problem}.`;
  const lastSent = status.lastSentAt === null ? 'nothing sent yet' : `last sent ${formatDateTime(status.lastSentAt)}`;
  return `To ${status.engine}: ${plural(status.waiting, 'batch', 'batches')} waiting, ${plural(status.parked, 'batch', 'batches')} refused, ${lastSent}.`;
}

export function Hl7Status({ api }: { api: StationApi }) {
  const read = useCallback(() => api.invoke('getHl7Status', undefined), [api]);
  const { value: status, problem: readProblem, again } = useRefreshed<Hl7StatusState>(read);
  const { busy, problem, run } = useStationAction();
  const [notice, setNotice] = useState<string | null>(null);
  const retry = () =>
    run(
      async () => {
        setNotice(`${(await api.invoke('retryParkedHl7', undefined)).requeued.toLocaleString()} refused batch(es) queued again.`);
        again();
      },
      (reason) => `Retry failed: ${reason}.`,
    );

  return (
    <section className="panel records-sync" aria-labelledby="hl7-title" data-role="hl7-status" data-state={status?.state}>
      <h2 id="hl7-title" className="panel-heading">
        HL7 v2 output
      </h2>
      <FormProblem problem={readProblem && `The HL7 output's status could not be read: ${readProblem}.`} role="hl7-error" />
      <p data-role="hl7-line">{status === null ? 'Reading the HL7 output’s status…' : statusLine(status)}</p>
      {status?.state === 'running' && status.problem !== null && (
        <p className="records-sync-problem" data-role="hl7-problem">
          Last attempt: {status.problem}.
        </p>
      )}
      {status?.state === 'running' && status.parkedBatches.length > 0 && (
        <ul aria-label="Batches the interface engine refused">
          {status.parkedBatches.map((batch) => (
            <li key={batch.seq} data-role="hl7-parked-batch" data-seq={batch.seq}>
              Batch {batch.seq} ({batch.recordId}), refused {formatDateTime(batch.parkedAt)}: <span data-role="hl7-parked-reason">{batch.reason}</span>
            </li>
          ))}
        </ul>
      )}
      {status?.state === 'running' && status.parked > 0 && (
        <div className="access-actions">
          <button type="button" className="access-button" data-action="hl7-retry" aria-busy={busy} disabled={busy} onClick={() => void retry()}>
            Retry refused batches
          </button>
        </div>
      )}
      <FormProblem problem={problem} role="hl7-action-error" />
      {notice && (
        <p className="records-notice" role="status" data-role="hl7-notice">
          {notice}
        </p>
      )}
    </section>
  );
}
