/**
 * The station as a patient self-service kiosk, shown instead of the staff screens while kiosk mode
 * is on: a welcome for the next patient, their own visit (vital signs, measurements, the video
 * visit), and, once the visit is over, a page that clears itself and reloads. Nothing here leads
 * to another patient, the records or the settings; only the discreet Staff button, which asks for
 * an administrator's sign-in to leave kiosk mode.
 */
import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { StationApi } from '../../shared/contract';
import type { AccessStore } from '../access/access-store';
import type { DisplayLoop } from '../station/display-loop';
import type { StationStore } from '../station/station-store';
import { kioskScreenFor } from './kiosk-screen';
import { KioskVisit } from './KioskVisit';
import { KioskWelcome } from './KioskWelcome';
import { clearPageAndReload, forgetClearingMarker } from './screen-clearing';
import './kiosk.css';

export interface KioskStationProps {
  api: StationApi;
  access: AccessStore;
  store: StationStore;
  display: DisplayLoop;
  /** The connection and alarm banners: an alarm shows at the kiosk too. */
  banners: ReactNode;
}

export function KioskStation({ api, access, store, display, banners }: KioskStationProps) {
  const { state } = useSyncExternalStore(access.subscribe, access.getView);
  const [sawVisit, setSawVisit] = useState(false);
  const [finished, setFinished] = useState(false);
  const screen = kioskScreenFor(state, { sawVisit, finished });
  // Remembered from the render that first shows the visit (React's pattern for state that follows props).
  if (screen === 'visit' && !sawVisit) setSawVisit(true);

  useEffect(() => forgetClearingMarker(window), []);
  useEffect(() => {
    // After the render that unmounted the visit: its camera and microphone are stopped by then.
    if (screen === 'clearing') clearPageAndReload(window);
  }, [screen]);

  return (
    <div className="app kiosk" data-kiosk={screen}>
      <header className="app-header">
        <h1 className="app-title">VitalBridge</h1>
      </header>
      {banners}
      {screen === 'welcome' ? (
        // The core keeps alarms in standby exactly while the kiosk has no visit open; the access
        // state says so at once, on a page that gets no alarm state until a visit signs it in.
        <KioskWelcome api={api} alarmsStandBy={state?.kiosk.visitOpen === false} />
      ) : screen === 'visit' ? (
        <KioskVisit api={api} access={access} store={store} display={display} onFinished={() => setFinished(true)} />
      ) : (
        <main className="kiosk-clearing" aria-live="polite">
          <p className="kiosk-lead">Thank you. Clearing the screen for the next person…</p>
        </main>
      )}
    </div>
  );
}
