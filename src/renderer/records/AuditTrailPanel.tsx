/**
 * The administrator's check of the audit trail: the station walks the whole hash chain (the same
 * check as `npm run -s cli -- audit-verify`) and says whether it holds, how many entries it has and
 * where it first breaks.
 */
import { useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { AuditTrailCheck } from '../../shared/contract-records';
import { FormProblem } from '../access/FormParts';
import { formatClock } from '../format/display-format';
import { useStationAction } from '../access/use-station-action';

export function AuditTrailPanel({ api }: { api: StationApi }) {
  const [check, setCheck] = useState<{ result: AuditTrailCheck; at: number } | null>(null);
  const { busy, problem, run } = useStationAction();

  const verify = () =>
    run(
      async () => setCheck({ result: await api.invoke('verifyAuditTrail', undefined), at: Date.now() }),
      (reason) => `The audit trail could not be checked: ${reason}.`,
    );

  return (
    <section className="panel records-audit" aria-labelledby="audit-title">
      <h2 id="audit-title" className="panel-heading">
        Audit trail
      </h2>
      <p className="panel-note">Every sign-in, view, change, export and erasure is chained by hash: a changed, removed or reordered entry breaks the chain from that entry on.</p>
      <div className="access-actions">
        <button type="button" className="access-button access-button-primary" data-action="verify-audit" aria-busy={busy} disabled={busy} onClick={() => void verify()}>
          {busy ? 'Checking…' : 'Verify'}
        </button>
      </div>
      <FormProblem problem={problem} role="audit-error" />
      {check && <AuditResult result={check.result} at={check.at} />}
    </section>
  );
}

function AuditResult({ result, at }: { result: AuditTrailCheck; at: number }) {
  return (
    <div className={result.ok ? 'records-audit-result records-audit-ok' : 'records-audit-result records-audit-broken'} role="status" data-role="audit-result" data-ok={result.ok}>
      <p className="records-audit-verdict">{result.ok ? 'Intact' : `Tampered: entry ${result.firstBadSeq} onwards cannot be trusted`}</p>
      <dl className="records-audit-details">
        <dt>Entries</dt>
        <dd data-role="audit-entries">{result.entries.toLocaleString()}</dd>
        {!result.ok && (
          <>
            <dt>First bad entry</dt>
            <dd>
              {result.firstBadSeq}: {result.reason}
            </dd>
          </>
        )}
        <dt>Newest entry</dt>
        <dd>{result.head ? `${result.head.seq} (hash ${result.head.hash.slice(0, 16)}…)` : 'none'}</dd>
        <dt>Checked</dt>
        <dd>{formatClock(at)}</dd>
      </dl>
    </div>
  );
}
