/**
 * The FHIR sync on the Records screen: administrators get the Sync panel (server, last success,
 * items waiting, items the server refused with its reason, Retry and Send now), nurses the
 * one-line status. Both read the core again every few seconds, since the sync works on its own.
 */
import { useCallback, useEffect, useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { ParkedSyncItem, SyncPanel as SyncPanelState, SyncSummary } from '../../shared/contract-sync';
import { failureText, isForbidden } from '../access/failure-text';
import { FormProblem } from '../access/FormParts';
import { useStationAction } from '../access/use-station-action';
import { formatDateTime } from '../format/display-format';
import { SYNC_SETUP_HINT, syncStatusLine } from './sync-words';

const REFRESH_MS = 5_000;

/** `read` now, again every REFRESH_MS and whenever `again` is called; a failure is kept as text. */
export function useRefreshed<T>(read: () => Promise<T>) {
  const [value, setValue] = useState<T | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  const again = useCallback(() => setReads((count) => count + 1), []);
  useEffect(() => {
    let live = true;
    const load = () =>
      read().then(
        (answer) => {
          if (!live) return;
          setValue(answer);
          setProblem(null);
        },
        (failure: unknown) => {
          // Locked meanwhile: the lock screen is on its way with the access event.
          if (live && !isForbidden(failure)) setProblem(failureText(failure));
        },
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [read, reads]);
  return { value, problem, again };
}

export function SyncStatusLine({ api }: { api: StationApi }) {
  const read = useCallback(() => api.invoke('getSyncSummary', undefined), [api]);
  const { value, problem } = useRefreshed<SyncSummary>(read);
  const text = problem !== null ? `FHIR sync: the status could not be read: ${problem}.` : value === null ? 'FHIR sync: …' : syncStatusLine(value, formatDateTime);
  return (
    <p className="panel records-sync-line" role="status" data-role="sync-status" data-state={value?.state}>
      {text}
    </p>
  );
}

export function SyncPanel({ api }: { api: StationApi }) {
  const read = useCallback(() => api.invoke('getSyncStatus', undefined), [api]);
  const { value: status, problem: readProblem, again } = useRefreshed<SyncPanelState>(read);
  const { busy, problem, run } = useStationAction();
  const [notice, setNotice] = useState<string | null>(null);

  const act = (action: () => Promise<string>, failed: string) =>
    run(
      async () => {
        setNotice(await action());
        again();
      },
      (reason) => `${failed}: ${reason}.`,
    );
  const retry = () => act(async () => `${(await api.invoke('retryParkedSync', undefined)).requeued.toLocaleString()} refused item(s) queued again.`, 'Retry failed');
  const sendNow = () => act(async () => `${(await api.invoke('sendSyncNow', undefined)).due.toLocaleString()} waiting item(s) sent now.`, 'Send now failed');

  return (
    <section className="panel records-sync" aria-labelledby="sync-title" data-role="sync-panel" data-state={status?.state}>
      <h2 id="sync-title" className="panel-heading">
        FHIR sync
      </h2>
      <FormProblem problem={readProblem && `The sync status could not be read: ${readProblem}.`} role="sync-error" />
      {status === null && readProblem === null && <p className="panel-empty">Reading the sync status…</p>}
      {status?.state === 'not-configured' && (
        <>
          <p>No FHIR server is set up: the records stay on this station.</p>
          <p className="panel-note">{SYNC_SETUP_HINT}</p>
        </>
      )}
      {status?.state === 'not-running' && (
        <>
          <dl className="records-audit-details">
            <dt>Server</dt>
            <dd data-field="server">{status.server}</dd>
          </dl>
          <p className="records-sync-problem" data-role="sync-problem">
            The sync is not running: {status.problem}.
          </p>
          <p className="panel-note">{SYNC_SETUP_HINT}</p>
        </>
      )}
      {status?.state === 'running' && (
        <>
          <dl className="records-audit-details">
            <dt>Server</dt>
            <dd data-field="server">{status.server}</dd>
            <dt>Last success</dt>
            <dd data-field="last-success">{status.lastSuccessAt === null ? 'never' : formatDateTime(status.lastSuccessAt)}</dd>
            <dt>Waiting</dt>
            <dd data-field="waiting">{(status.waiting + status.inFlight).toLocaleString()}</dd>
            <dt>Refused (parked)</dt>
            <dd data-field="parked">{status.parked.toLocaleString()}</dd>
          </dl>
          {status.problem !== null && (
            <p className="records-sync-problem" data-role="sync-problem">
              Last attempt: {status.problem}.
            </p>
          )}
          {(status.waiting > 0 || status.parked > 0) && (
            <div className="access-actions">
              {status.waiting > 0 && (
                <button type="button" className="access-button access-button-primary" data-action="sync-now" aria-busy={busy} disabled={busy} onClick={() => void sendNow()}>
                  Send now
                </button>
              )}
              {status.parked > 0 && (
                <button type="button" className="access-button" data-action="sync-retry" aria-busy={busy} disabled={busy} onClick={() => void retry()}>
                  Retry refused items
                </button>
              )}
            </div>
          )}
          {status.parkedItems.length > 0 && <ParkedItems items={status.parkedItems} total={status.parked} />}
        </>
      )}
      <FormProblem problem={problem} role="sync-action-error" />
      {notice && (
        <p className="records-notice" role="status" data-role="sync-notice">
          {notice}
        </p>
      )}
    </section>
  );
}

function ParkedItems({ items, total }: { items: readonly ParkedSyncItem[]; total: number }) {
  return (
    <div className="table-scroll records-sync-parked">
      <table className="clinical-table">
        <caption className="records-sync-caption">
          Refused by the server{total > items.length ? ` (the oldest ${items.length} of ${total.toLocaleString()})` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Refused</th>
            <th scope="col">Server's reason</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.seq} data-role="parked-item" data-seq={item.seq}>
              <th scope="row">
                #{item.seq} {item.kind}
              </th>
              <td className="records-time">{formatDateTime(item.parkedAt)}</td>
              <td data-role="parked-reason">{item.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
