/**
 * The screens before anyone is signed in: waiting for the station, first-run enrolment, the
 * administrator's one-time authenticator enrolment, and sign-in.
 */
import type { AccessGate } from './access-gate';
import type { AccessStore } from './access-store';
import { EnrolScreen } from './EnrolScreen';
import { SignInForm } from './SignInForm';
import { TotpEnrolment } from './TotpEnrolment';

export type SignedOutGate = Exclude<AccessGate, { screen: 'signed-in' | 'locked' }>;

export function AccessScreen({ gate, access }: { gate: SignedOutGate; access: AccessStore }) {
  return (
    <main className="access-screen" aria-label={LABELS[gate.screen]}>
      <AccessCard gate={gate} access={access} />
    </main>
  );
}

const LABELS: Record<SignedOutGate['screen'], string> = {
  connecting: 'Connecting',
  enrol: 'Set up',
  'totp-enrolment': 'Authenticator enrolment',
  'sign-in': 'Sign in',
};

function AccessCard({ gate, access }: { gate: SignedOutGate; access: AccessStore }) {
  switch (gate.screen) {
    case 'connecting':
      return (
        <p className="access-card access-waiting" role="status">
          {gate.problem ?? 'Connecting to the station…'}
        </p>
      );
    case 'enrol':
      return <EnrolScreen onEnrol={(username, password) => access.enrolAdministrator(username, password)} />;
    case 'totp-enrolment':
      return (
        <div className="access-card access-card-wide">
          <TotpEnrolment
            username={gate.username}
            uri={gate.uri}
            audience="self"
            doneLabel="I have added it: go on to sign in"
            onDone={() => access.finishEnrolment()}
          />
        </div>
      );
    case 'sign-in':
      return (
        <section className="access-card" aria-labelledby="sign-in-title">
          <h2 id="sign-in-title" className="access-title">
            Sign in
          </h2>
          <SignInForm fixedUsername={null} screen="sign-in" submitLabel="Sign in" submitAction="sign-in" onSubmit={(credentials) => access.signIn(credentials)} />
        </section>
      );
  }
}
