import { VISIT_CONSENT_STATEMENT } from '../../shared/contract-visit';

/** Asked before any camera starts; the statement is the exact versioned text the station records. */
export function ConsentScreen({ onAccept, onDecline, busy, error }: { onAccept(): void; onDecline(): void; busy: boolean; error: string | null }) {
  return (
    <section className="consent" aria-labelledby="consent-title" data-role="visit-consent">
      <h2 id="consent-title">Video visit with a clinician</h2>
      {VISIT_CONSENT_STATEMENT.text.map((line) => (
        <p key={line}>{line}</p>
      ))}
      <p className="consent-question">Do you agree to start the video visit?</p>
      {error && (
        <p className="visit-error" role="alert">
          {error}
        </p>
      )}
      <div className="consent-actions">
        <button type="button" className="call-button call-button-primary" data-action="consent-accept" onClick={onAccept} disabled={busy}>
          {busy ? 'Starting the visit…' : 'I agree, start the visit'}
        </button>
        <button type="button" className="call-button" data-action="consent-decline" onClick={onDecline} disabled={busy}>
          No, go back
        </button>
      </div>
    </section>
  );
}
