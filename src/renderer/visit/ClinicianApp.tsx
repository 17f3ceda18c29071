/**
 * The clinician's page, opened from a visit link in any browser (or in the app in clinician mode):
 * the link's token in the fragment, a join button, the waiting room, then the call. Join first asks
 * the server whether the visit can be joined, and only then turns the camera on: an ended, expired
 * or already used link never starts it. The seat token the server hands back is kept for this tab,
 * so a reload rejoins instead of being refused.
 */
import { useCallback, useMemo, useState } from 'react';
import { LINK_TOKEN_PARAM, SIGNAL_PATH } from '../../shared/consult/protocol';
import { ClinicianActions, ClinicianVitals, RemotePatientBanner, useClinicianSession } from '../clinician/ClinicianVitals';
import { ClinicianNote } from '../clinician/ClinicianNote';
import { refusalOf, type CallState } from '../consult/call';
import { checkVisitToken } from '../consult/signalling-client';
import { CallStage, type CallLayout } from './CallStage';
import { useConsultCall } from './useConsultCall';
import { useLocalMedia } from './useLocalMedia';

export interface VisitLink {
  token: string;
  signallingUrl: string;
}

/** The parameter a shell uses to name the consultation server when the page is not served by it (app://). */
export const SERVER_PARAM = 'server';

/** The visit a page address (or a pasted link) points at, or null. */
export function parseVisitLink(href: string): VisitLink | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  const params = new URLSearchParams(url.hash.slice(1));
  const token = params.get(LINK_TOKEN_PARAM);
  if (!token) return null;
  const servedOverHttp = url.protocol === 'http:' || url.protocol === 'https:';
  // Only a page the server did not serve itself may be told where the server is.
  const server = servedOverHttp ? url.origin : params.get(SERVER_PARAM);
  if (!server || !/^https?:\/\//.test(server)) return null;
  const signalling = new URL(SIGNAL_PATH, server);
  signalling.protocol = signalling.protocol === 'https:' ? 'wss:' : 'ws:';
  return { token, signallingUrl: signalling.href };
}

const seatKey = (token: string) => `vitalbridge-seat:${token.slice(-24)}`;

/**
 * The physician's layout choice, kept in this browser's localStorage: it is a preference of the
 * physician's own screen, not of the station or the patient, holds no patient data, and should hold
 * for the next visit too (sessionStorage would forget it with the tab).
 */
const LAYOUT_KEY = 'vitalbridge-clinician-layout';

function useRememberedLayout(): [CallLayout, (layout: CallLayout) => void] {
  const [layout, setLayout] = useState<CallLayout>(() => (localStorage.getItem(LAYOUT_KEY) === 'vitals-large' ? 'vitals-large' : 'video-large'));
  const choose = useCallback((choice: CallLayout) => {
    localStorage.setItem(LAYOUT_KEY, choice);
    setLayout(choice);
  }, []);
  return [layout, choose];
}

export function ClinicianApp() {
  const [link, setLink] = useState<VisitLink | null>(() => parseVisitLink(window.location.href));
  if (!link) return <PasteLink onLink={setLink} />;
  return <ClinicianVisit link={link} />;
}

/** Where the page is before the call: at the join button, asking the server, or told the visit cannot be joined. */
type JoinStep = { step: 'ready' | 'checking' | 'joined' } | { step: 'unreachable' } | { step: 'refused'; refusal: NonNullable<CallState['refusal']> };

function ClinicianVisit({ link }: { link: VisitLink }) {
  const [join, setJoin] = useState<JoinStep>({ step: 'ready' });
  const joined = join.step === 'joined';
  const media = useLocalMedia(joined);
  // The seat token after a first join (a reload takes the seat back), the link's token before.
  const token = useCallback(() => sessionStorage.getItem(seatKey(link.token)) ?? link.token, [link.token]);
  const session = useMemo(
    () => (joined && media.settled ? { signallingUrl: link.signallingUrl, token: token(), role: 'clinician' as const } : null),
    [joined, media.settled, link.signallingUrl, token],
  );
  const rememberSeat = useCallback((seat: string) => sessionStorage.setItem(seatKey(link.token), seat), [link.token]);
  const { call, state, remoteStream } = useConsultCall(session, media.stream, rememberSeat);
  const vitals = useClinicianSession(call, state);
  const [layout, setLayout] = useRememberedLayout();

  const check = async () => {
    setJoin({ step: 'checking' });
    const answer = await checkVisitToken(link.signallingUrl, token());
    if (answer.outcome === 'joinable') setJoin({ step: 'joined' });
    else if (answer.outcome === 'refused') setJoin({ step: 'refused', refusal: refusalOf(answer.close)! });
    else setJoin({ step: 'unreachable' });
  };

  if (join.step === 'refused') {
    return (
      <main className="clinician-join" aria-labelledby="join-title" data-call-phase="refused">
        <h1 id="join-title">VitalBridge video visit</h1>
        <p className="call-status-text" role="status" data-role="call-status" data-refusal={join.refusal.code}>
          {join.refusal.message}
        </p>
      </main>
    );
  }
  if (!joined) {
    const checking = join.step === 'checking';
    return (
      <main className="clinician-join" aria-labelledby="join-title">
        <h1 id="join-title">VitalBridge video visit</h1>
        <p>You are about to join a video visit with a patient at a VitalBridge station. Your camera and microphone start when you join.</p>
        {join.step === 'unreachable' && (
          <p className="visit-error" role="alert" data-role="join-problem">
            The consultation server could not be reached. Check your connection and try again.
          </p>
        )}
        <button type="button" className="call-button call-button-primary" data-action="join-visit" disabled={checking} onClick={() => void check()}>
          {checking ? 'Checking the visit…' : 'Join the visit'}
        </button>
      </main>
    );
  }
  return (
    <main className="clinician-visit" aria-labelledby="visit-title">
      <header className="clinician-header">
        <h1 id="visit-title" className="clinician-title">
          VitalBridge video visit
        </h1>
        {/* Gone with the session once the visit is over, like the vitals. */}
        {vitals && <RemotePatientBanner session={vitals} />}
      </header>
      <CallStage
        role="clinician"
        call={call}
        state={state}
        remoteStream={remoteStream}
        media={media}
        onEnd={() => call?.end()}
        layout={layout}
        vitals={<ClinicianVitals session={vitals} state={state} layout={layout} onLayout={setLayout} />}
        aside={
          vitals && (
            <>
              <ClinicianActions session={vitals} />
              <ClinicianNote session={vitals} />
            </>
          )
        }
      />
    </main>
  );
}

function PasteLink({ onLink }: { onLink(link: VisitLink): void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <main className="clinician-join" aria-labelledby="paste-title">
      <h1 id="paste-title">Join a VitalBridge video visit</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = parseVisitLink(text.trim());
          if (parsed) onLink(parsed);
          else setError('That is not a visit link. Paste the whole link the station sent you (it starts with https:// and contains #token=).');
        }}
      >
        <label className="paste-label">
          Visit link
          <input className="paste-input" type="url" value={text} onChange={(event) => setText(event.target.value)} autoComplete="off" spellCheck={false} />
        </label>
        {error && (
          <p className="visit-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="call-button call-button-primary" data-action="open-visit-link">
          Open the visit
        </button>
      </form>
    </main>
  );
}
