import { useCallback, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import type { DisplayLoop } from './station/display-loop';
import type { StationStore } from './station/station-store';
import { DevicePanel } from './components/DevicePanel';
import { VitalTiles } from './components/VitalTiles';
import { PlethWaveform } from './components/PlethWaveform';
import { HistoryScreen } from './components/HistoryScreen';
import { StationVisit } from './visit/StationVisit';
import { getStationApi } from './transport';
import { AlarmsScreen } from './alarms/StationAlarms';
import { News2Screen } from './news2/News2Screen';
import { News2Summary } from './news2/News2Summary';
import { TrainingScreen } from './training/TrainingPanel';
import { NotesScreen } from './notes/NotesScreen';
import { vitalsTableText } from './notes/vitals-table';
import { actorMay } from '../shared/clinical/actor';
import { can, type ProtectedAction } from '../shared/roles';
import type { AccessStore } from './access/access-store';
import type { SignedInStation } from './access/StationShell';
import { LockScreen, SignedInBar } from './access/SessionControls';
import { UsersScreen } from './access/UsersScreen';
import { KioskSettingsScreen } from './kiosk/KioskSettingsScreen';
import { RecordsScreen } from './records/RecordsScreen';
import { PatientBanner } from './patient/PatientBanner';
import { MonitorSettingsScreen } from './settings/MonitorSettingsScreen';
import { useCurrentPatient } from './patient/use-current-patient';
import { WearableHistory } from './wearables/WearableHistory';
import { WearablePrompt } from './wearables/WearablePrompt';
import './visit/visit.css';

type Screen = 'monitor' | 'history' | 'visit' | 'alarms' | 'news2' | 'notes' | 'training' | 'records' | 'users' | 'monitor-settings' | 'kiosk';
/** The nav, in order; each screen shows to the roles that may do what it `requires` (roles.ts). */
const SCREENS: readonly { id: Exclude<Screen, 'visit'>; label: string; requires: ProtectedAction }[] = [
  { id: 'monitor', label: 'Monitor', requires: 'patient.view' },
  { id: 'history', label: 'Session history', requires: 'patient.view' },
  { id: 'alarms', label: 'Alarms', requires: 'patient.view' },
  { id: 'news2', label: 'NEWS2', requires: 'patient.view' },
  { id: 'training', label: 'Training', requires: 'patient.view' },
  // Running the station (administrators): records and kiosk screens join here.
  { id: 'records', label: 'Records', requires: 'patient.list' },
  { id: 'users', label: 'Users', requires: 'user.manage' },
  { id: 'monitor-settings', label: 'Monitor tiles', requires: 'settings.change' },
  { id: 'kiosk', label: 'Kiosk', requires: 'settings.change' },
];
/** The screens about the current patient, which carry the patient banner. */
const CLINICAL_SCREENS: ReadonlySet<Screen> = new Set(['monitor', 'history', 'visit', 'alarms', 'news2', 'notes', 'training']);

export function App({ store, display, access, station }: { store: StationStore; display: DisplayLoop; access: AccessStore; station: SignedInStation }) {
  const { user, locked, clinical, clinicalView } = station;
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const screens = SCREENS.filter(({ requires }) => can(user.role, requires));
  const [screen, setScreen] = useState<Screen>(screens[0]?.id ?? 'monitor');
  // A visit stays mounted (its call running) while the nurse looks at the monitor or the history, or locks the screen.
  const [visitOpen, setVisitOpen] = useState(false);
  const reportCallActivity = useCallback(() => access.reportActivity(), [access]);
  useLayoutEffect(() => display.markCommitted(view.version), [display, view.version]);
  const seesPatient = can(user.role, 'patient.view');
  const patient = useCurrentPatient(getStationApi(), seesPatient && !locked);
  const showsBanner = seesPatient && !locked && CLINICAL_SCREENS.has(screen);
  // Naming happens on the Records screen's form; only those who may name and reach it get the button.
  const mayName = can(user.role, 'patient.edit') && screens.some(({ id }) => id === 'records');
  const mayWriteNotes = can(user.role, 'note.write');

  return (
    <div className="app" data-screen={locked ? undefined : screen} data-access={locked ? 'locked' : 'signed-in'} data-patient-banner={showsBanner ? '' : undefined}>
      <header className="app-header">
        {station.title}
        {!locked && (
          <nav aria-label="Screens" className="screen-nav">
            {screens.map(({ id, label }) => (
              <button key={id} type="button" className="nav-button" aria-current={screen === id ? 'page' : undefined} data-screen-link={id} onClick={() => setScreen(id)}>
                {label}
              </button>
            ))}
            {can(user.role, 'visit.start') && visitOpen ? (
              <button type="button" className="nav-button" aria-current={screen === 'visit' ? 'page' : undefined} data-screen-link="visit" onClick={() => setScreen('visit')}>
                Video visit
              </button>
            ) : null}
          </nav>
        )}
        {/* Starting a visit is an action, not a screen: a primary button outside the screens' nav. */}
        {!locked && can(user.role, 'visit.start') && !visitOpen ? (
          <button
            type="button"
            className="primary-action"
            data-action="start-visit"
            onClick={() => {
              setVisitOpen(true);
              setScreen('visit');
            }}
          >
            Start video visit
          </button>
        ) : null}
        {!locked && <SignedInBar user={user} access={access} />}
      </header>
      {station.banners}
      {showsBanner ? (
        <PatientBanner
          patient={patient}
          now={new Date()}
          onNamePatient={mayName ? () => setScreen('records') : undefined}
          actions={
            // The visit's notes are about this patient: their link sits in the banner (the header's row is full at 1024 px).
            mayWriteNotes ? (
              <button type="button" className="patient-banner-action" data-screen-link="notes" aria-current={screen === 'notes' ? 'page' : undefined} onClick={() => setScreen('notes')}>
                Visit notes
              </button>
            ) : undefined
          }
        />
      ) : null}
      <WearablePrompt api={getStationApi()} active={!locked && can(user.role, 'reading.record')} />
      {locked ? (
        <LockScreen user={user} inactivityLockMs={station.inactivityLockMs} access={access} />
      ) : screen === 'monitor' ? (
        <main className="monitor" aria-label="Monitor">
          <section className="monitor-main" aria-label="Vital signs">
            <PlethWaveform store={store} display={display} tile={view.tiles.find((tile) => tile.metric === 'spo2')} />
            <VitalTiles tiles={view.tiles} slots={view.monitorSlots} alarmState={clinicalView.alarms} after={<News2Summary state={clinicalView.news2} onOpen={() => setScreen('news2')} />} />
          </section>
          <DevicePanel devices={view.devices} store={store} />
        </main>
      ) : screen === 'history' ? (
        <main className="history" aria-label="Session history">
          <HistoryScreen store={store} api={getStationApi()} limits={clinicalView.alarms?.limits ?? null} />
          <WearableHistory api={getStationApi()} />
        </main>
      ) : screen === 'alarms' ? (
        <main className="clinical-screen" aria-label="Alarms">
          <AlarmsScreen clinical={clinical} view={clinicalView} />
        </main>
      ) : screen === 'news2' ? (
        <main className="clinical-screen" aria-label="NEWS2">
          <News2Screen clinical={clinical} view={clinicalView} devices={view.devices} />
        </main>
      ) : screen === 'notes' ? (
        <main className="clinical-screen" aria-label="Visit notes">
          <NotesScreen api={getStationApi()} currentVitals={() => vitalsTableText(store.getView().tiles, clinicalView.news2, Date.now())} />
        </main>
      ) : screen === 'training' ? (
        <main className="clinical-screen" aria-label="Training">
          <TrainingScreen clinical={clinical} canPlay={clinicalView.actor !== null && actorMay(clinicalView.actor, 'device.manage')} />
        </main>
      ) : screen === 'records' ? (
        <main className="clinical-screen" aria-label="Records">
          <RecordsScreen api={getStationApi()} user={user} />
        </main>
      ) : screen === 'users' ? (
        <main className="clinical-screen" aria-label="Users">
          <UsersScreen api={getStationApi()} me={user} />
        </main>
      ) : screen === 'monitor-settings' ? (
        <main className="clinical-screen" aria-label="Monitor tiles">
          <MonitorSettingsScreen api={getStationApi()} />
        </main>
      ) : screen === 'kiosk' ? (
        <main className="clinical-screen" aria-label="Kiosk">
          <KioskSettingsScreen api={getStationApi()} />
        </main>
      ) : null}
      {visitOpen && (
        <main className="visit-screen" aria-label="Video visit" hidden={locked || screen !== 'visit'}>
          <StationVisit
            api={getStationApi()}
            onCallActivity={reportCallActivity}
            // Only while the visit is on screen: the monitor has the tiles (and their page hooks) otherwise.
            vitals={screen === 'visit' ? <VitalTiles tiles={view.tiles.filter((tile) => tile.state !== 'absent')} /> : undefined}
            onClose={() => {
              setVisitOpen(false);
              setScreen('monitor');
            }}
          />
        </main>
      )}
    </div>
  );
}
