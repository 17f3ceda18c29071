/**
 * The station page around its screens: decides from the access state what shows (waiting,
 * enrolment, sign-in, or the station for the signed-in person, locked or not), keeps the stores'
 * patient data in step with it, reports activity, and keeps the connection and alarm banners and
 * the alarm sound's control on every one of those screens: an alarm is never hidden by a sign-in
 * or a lock.
 */
import { Fragment, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { SignedInUser } from '../../shared/contract-access';
import type { StationApi } from '../../shared/contract';
import type { ClinicalStore, ClinicalView } from '../alarms/clinical-store';
import { AlarmSoundControl } from '../alarms/AlarmSoundControl';
import { StationAlarms } from '../alarms/StationAlarms';
import { useClinicalStation } from '../alarms/use-clinical-station';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { RequestSlotContext } from '../consult/request-slot';
import type { StationStore } from '../station/station-store';
import { AccessScreen } from './AccessScreen';
import type { AccessStore } from './access-store';
import { useAccessGate, useActivityReports, usePatientDataFollowsAccess } from './use-access';

/** What the station's screens get from the shell once someone is signed in. */
export interface SignedInStation {
  user: SignedInUser;
  /** The screen is locked: everything clinical is covered until the same person signs in again. */
  locked: boolean;
  inactivityLockMs: number;
  clinical: ClinicalStore;
  clinicalView: ClinicalView;
  /** The connection and alarm banners, placed by the station layout. */
  banners: ReactNode;
  /** The header's title with the alarm sound's control beside or under it: the control costs no row of its own. */
  title: ReactNode;
}

export interface StationShellProps {
  api: StationApi;
  access: AccessStore;
  store: StationStore;
  /** The station's screens, mounted afresh per user: nothing of one person's screen carries over to the next. */
  renderStation(station: SignedInStation): ReactNode;
  /** The patient self-service screens, shown instead of all of the above while the station is a kiosk. */
  renderKiosk(banners: ReactNode): ReactNode;
}

export function StationShell({ api, access, store, renderStation, renderKiosk }: StationShellProps) {
  const gate = useAccessGate(access);
  const kiosk = useSyncExternalStore(access.subscribe, () => access.getView().state?.kiosk.enabled === true);
  const { clinical, view: clinicalView, sound } = useClinicalStation(api);
  const connection = useSyncExternalStore(store.subscribe, () => store.getView().connection);
  usePatientDataFollowsAccess(access, store, clinical);
  useActivityReports(access, gate.screen === 'signed-in');

  const [requestSlot, setRequestSlot] = useState<HTMLElement | null>(null);
  const bannersOf = (soundControlBeside?: ReactNode) => (
    // Focusable: on the monitor the banners keep a fixed height and further alarms scroll inside it.
    <div className="app-banners" tabIndex={0} role="region" aria-label="Alarms and connection">
      <ConnectionBanner connection={connection} />
      <StationAlarms clinical={clinical} view={clinicalView} soundControl={soundControlBeside} />
      {/* The clinician's measurement requests, after the alarms (StationVitalsSharing renders into it). */}
      <div className="request-slot" ref={setRequestSlot} />
    </div>
  );
  const withRequestSlot = (screens: ReactNode) => <RequestSlotContext.Provider value={requestSlot}>{screens}</RequestSlotContext.Provider>;
  // A kiosk shows the patient's screens whoever is signed in; its way out is an administrator's sign-in there.
  // It draws its own header, so its alarm sound's control stays beside the alarm banner.
  if (kiosk) return withRequestSlot(renderKiosk(bannersOf(<AlarmSoundControl sound={sound} askToEnable={false} />)));
  const banners = bannersOf();
  const title = (
    <div className="app-title-block">
      <h1 className="app-title">VitalBridge</h1>
      <AlarmSoundControl sound={sound} />
    </div>
  );
  if (gate.screen === 'signed-in' || gate.screen === 'locked') {
    const station = { user: gate.user, locked: gate.screen === 'locked', inactivityLockMs: gate.inactivityLockMs, clinical, clinicalView, banners, title };
    return withRequestSlot(<Fragment key={gate.user.userId}>{renderStation(station)}</Fragment>);
  }
  return (
    <div className="app" data-access={gate.screen}>
      <header className="app-header">{title}</header>
      {banners}
      <AccessScreen gate={gate} access={access} />
    </div>
  );
}
