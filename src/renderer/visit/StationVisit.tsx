/**
 * The station's side of a video visit: consent first (recorded by the station core), then the camera,
 * the visit link for the clinician, admitting them from the lobby, and the call itself.
 */
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { VISIT_CONSENT_STATEMENT, type StartedVisit } from '../../shared/contract-visit';
import type { StationApi } from '../../shared/contract';
import { StationVitalsSharing } from '../consult/StationVitalsSharing';
import { CallStage } from './CallStage';
import { callIsOver } from './call-status';
import { ConsentScreen } from './ConsentScreen';
import { useConsultCall } from './useConsultCall';
import { useLocalMedia } from './useLocalMedia';
import { ACTIVITY_REPORT_INTERVAL_MS } from '../access/activity-reporter';

export interface StationVisitProps {
  api: StationApi;
  onClose(): void;
  /**
   * Called regularly while the call runs: the people in a call touch nothing for minutes, and the
   * screen must not lock (hiding the call) under them. Once the call is over, inactivity counts again.
   */
  onCallActivity(): void;
  /** The live numerics, shown under the video while the call runs (the alarm banner stays above every screen). */
  vitals?: ReactNode;
}

export function StationVisit({ api, onClose, onCallActivity, vitals }: StationVisitProps) {
  const [visit, setVisit] = useState<StartedVisit | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      const consent = await api.invoke('recordVisitConsent', { statementVersion: VISIT_CONSENT_STATEMENT.version, accepted: true });
      setVisit(await api.invoke('startVisit', { consentId: consent.consentId }));
    } catch (failure) {
      setError(`The visit could not start: ${failure instanceof Error ? failure.message : String(failure)}`);
    } finally {
      setBusy(false);
    }
  };

  if (!visit) return <ConsentScreen onAccept={() => void accept()} onDecline={onClose} busy={busy} error={error} />;
  return <StationCall api={api} visit={visit} onClose={onClose} onCallActivity={onCallActivity} vitals={vitals} />;
}

function StationCall({ api, visit, onClose, onCallActivity, vitals }: Omit<StationVisitProps, 'api'> & { api: StationApi; visit: StartedVisit }) {
  const media = useLocalMedia(true);
  const session = useMemo(() => ({ signallingUrl: visit.signallingUrl, token: visit.stationToken, role: 'station' as const }), [visit]);
  // The camera is tried first so the clinician sees the patient from the first frame; a denied camera still joins.
  const { call, state, remoteStream } = useConsultCall(media.settled ? session : null, media.stream);

  const end = useCallback(() => {
    call?.end();
    void api.invoke('endVisit', { visitId: visit.visitId }).catch(() => undefined);
  }, [api, call, visit.visitId]);

  // The core checks the right to admit and audits it; only then does the screen let the clinician in.
  const [admitError, setAdmitError] = useState<string | null>(null);
  const admitClinician = () => {
    setAdmitError(null);
    api.invoke('admitClinician', { visitId: visit.visitId }).then(
      () => call?.admit(),
      (failure: unknown) => setAdmitError(`The clinician was not let in: ${failure instanceof Error ? failure.message : String(failure)}`),
    );
  };

  const over = callIsOver(state);
  useEffect(() => {
    if (over) return;
    const timer = setInterval(onCallActivity, ACTIVITY_REPORT_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [over, onCallActivity]);
  const admit =
    state?.phase === 'lobby' ? (
      <>
        <button type="button" className="call-button call-button-primary" data-action="admit" onClick={admitClinician}>
          Let the clinician in
        </button>
        {admitError && (
          <p role="alert" data-role="admit-error">
            {admitError}
          </p>
        )}
      </>
    ) : over ? (
      <button type="button" className="call-button" data-action="close-visit" onClick={onClose}>
        Back to the monitor
      </button>
    ) : null;

  return (
    <CallStage
      role="station"
      call={call}
      state={state}
      remoteStream={remoteStream}
      media={media}
      onEnd={end}
      waitingAction={admit}
      vitals={over ? undefined : vitals}
      aside={
        <>
          {!over && <VisitLinkBox url={visit.clinicianUrl} admitted={state?.admitted ?? false} />}
          <StationVitalsSharing api={api} call={call} visitId={visit.visitId} />
        </>
      }
    />
  );
}

/**
 * The link to send the clinician, in full until they are admitted; then only a line that opens it
 * again (the room goes to the chat), since the link is used once.
 */
function VisitLinkBox({ url, admitted }: { url: string; admitted: boolean }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(url).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <details className="visit-link-box" data-role="visit-link-box" open={!admitted}>
      <summary className="panel-heading">{admitted ? 'Link for the clinician (clinician admitted)' : 'Link for the clinician'}</summary>
      <p className="visit-link" data-role="visit-link">
        {url}
      </p>
      <button type="button" className="call-button" data-action="copy-visit-link" onClick={copy}>
        {copied ? 'Copied' : 'Copy link'}
      </button>
      <p className="visit-link-note">Send it to the clinician only. It works for one clinician and expires with the visit.</p>
    </details>
  );
}
