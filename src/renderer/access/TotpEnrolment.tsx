/**
 * A new account's authenticator enrolment, shown once: the QR code to scan, the key to type by
 * hand, and the otpauth:// URI itself. The core never shows it again, so the screen says so and
 * waits for the person to confirm they have it.
 */
import { Fragment, useMemo } from 'react';
import { enrolmentSecret, groupedForTyping, qrPath, uriWrapSegments } from './totp-enrolment';

export interface TotpEnrolmentProps {
  username: string;
  uri: string;
  /** Who is reading: the new user themselves (first run) or the administrator handing it over. */
  audience: 'self' | 'administrator';
  doneLabel: string;
  onDone(): void;
}

export function TotpEnrolment({ username, uri, audience, doneLabel, onDone }: TotpEnrolmentProps) {
  const secret = enrolmentSecret(uri);
  const qr = useMemo(() => qrPath(uri), [uri]);
  return (
    <section className="totp-enrolment" aria-labelledby="totp-enrolment-title" data-role="totp-enrolment">
      <h2 id="totp-enrolment-title" className="access-title">
        Authenticator for {username}
      </h2>
      <p>
        {audience === 'self'
          ? 'Add this account to your authenticator app: scan the code, or type the key.'
          : `Give this to ${username} to add to their authenticator app: they scan the code, or type the key.`}{' '}
        <strong>It is shown only now.</strong> Every sign-in asks for the 6-digit code the app then shows.
      </p>
      <div className="totp-enrolment-body">
        <svg className="totp-qr" viewBox={`0 0 ${qr.size} ${qr.size}`} role="img" aria-label={`QR code for ${username}'s authenticator app`} shapeRendering="crispEdges">
          <rect width={qr.size} height={qr.size} fill="#fff" />
          <path d={qr.path} fill="#000" />
        </svg>
        <dl className="totp-details">
          <dt>Key, for typing in</dt>
          <dd className="totp-secret" data-role="totp-secret">
            {secret === null ? 'The station sent no key; use the QR code.' : groupedForTyping(secret)}
          </dd>
          <dt>Enrolment address</dt>
          <dd className="totp-uri" data-role="totp-uri">
            {uriWrapSegments(uri).map((segment, index) => (
              <Fragment key={index}>
                {index > 0 && <wbr />}
                {segment}
              </Fragment>
            ))}
          </dd>
        </dl>
      </div>
      <button type="button" className="access-button access-button-primary" data-action="enrolment-done" onClick={onDone}>
        {doneLabel}
      </button>
    </section>
  );
}
