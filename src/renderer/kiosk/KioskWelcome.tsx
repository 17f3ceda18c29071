/** The kiosk between patients: what it is for, one big Start, and the Staff corner to leave kiosk mode. */
import { useState } from 'react';
import type { StationApi } from '../../shared/contract';
import { failureText } from '../access/failure-text';
import { KioskLeave } from './KioskLeave';

export interface KioskWelcomeProps {
  api: StationApi;
  /** No visit is open here or at another screen, so the station raises no alarm until one starts. */
  alarmsStandBy: boolean;
}

export function KioskWelcome({ api, alarmsStandBy }: KioskWelcomeProps) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);

  const start = async () => {
    setBusy(true);
    setProblem(null);
    try {
      // The access event brings the visit's session; this screen then shows the visit.
      await api.invoke('startKioskVisit', undefined);
    } catch (error) {
      setProblem(`The visit could not start: ${failureText(error)}`);
    } finally {
      setBusy(false);
    }
  };

  if (leaving) return <KioskLeave api={api} onCancel={() => setLeaving(false)} />;
  return (
    <main className="kiosk-welcome" data-screen="kiosk-welcome" aria-labelledby="kiosk-welcome-title">
      <div className="kiosk-card">
        <h2 id="kiosk-welcome-title" className="kiosk-title">
          Welcome
        </h2>
        <p className="kiosk-lead">Here you can check your vital signs yourself and, if your care team arranged one, have a video visit with a clinician.</p>
        <ol className="kiosk-steps">
          <li>Press Start.</li>
          <li>Put a finger in the pulse oximeter, or use the device the screen shows.</li>
          <li>When you are done, press Finish. Everything is cleared for the next person.</li>
        </ol>
        {problem && (
          <p className="kiosk-error" role="alert">
            {problem}
          </p>
        )}
        <button type="button" className="kiosk-button kiosk-button-primary kiosk-start" data-action="start-kiosk-visit" disabled={busy} onClick={() => void start()}>
          {busy ? 'Starting…' : 'Start'}
        </button>
        {alarmsStandBy && (
          <p className="kiosk-hint kiosk-alarm-standby" data-alarm-standby>
            Alarms are paused until a visit starts.
          </p>
        )}
      </div>
      <button type="button" className="kiosk-staff" data-action="leave-kiosk" onClick={() => setLeaving(true)}>
        Staff
      </button>
    </main>
  );
}
