import { useLayoutEffect, useState, useSyncExternalStore } from 'react';
import type { DisplayLoop } from './station/display-loop';
import type { StationStore } from './station/station-store';
import { DevicePanel } from './components/DevicePanel';
import { VitalTiles } from './components/VitalTiles';
import { PlethWaveform } from './components/PlethWaveform';
import { HistoryScreen } from './components/HistoryScreen';
import { ConnectionBanner } from './components/ConnectionBanner';
import { StationVisit } from './visit/StationVisit';
import { getStationApi } from './transport';
import { AlarmsScreen, StationAlarms } from './alarms/StationAlarms';
import { useClinicalStation } from './alarms/use-clinical-station';
import { News2Screen } from './news2/News2Screen';
import { TrainingScreen } from './training/TrainingPanel';
import { actorMay } from '../shared/clinical/actor';
import './visit/visit.css';

type Screen = 'monitor' | 'history' | 'visit' | 'alarms' | 'news2' | 'training';
const SCREENS: readonly { id: Screen; label: string }[] = [
  { id: 'monitor', label: 'Monitor' },
  { id: 'history', label: 'Session history' },
  { id: 'alarms', label: 'Alarms' },
  { id: 'news2', label: 'NEWS2' },
  { id: 'training', label: 'Training' },
];

export function App({ store, display }: { store: StationStore; display: DisplayLoop }) {
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const [screen, setScreen] = useState<Screen>('monitor');
  const { clinical, view: clinicalView, sound } = useClinicalStation(getStationApi());
  // A visit stays mounted (its call running) while the nurse looks at the monitor or the history.
  const [visitOpen, setVisitOpen] = useState(false);
  useLayoutEffect(() => display.markCommitted(view.version), [display, view.version]);

  return (
    <div className="app" data-screen={screen}>
      <header className="app-header">
        <h1 className="app-title">VitalBridge</h1>
        <nav aria-label="Screens" className="screen-nav">
          {SCREENS.map(({ id, label }) => (
            <button key={id} type="button" className="nav-button" aria-current={screen === id ? 'page' : undefined} data-screen-link={id} onClick={() => setScreen(id)}>
              {label}
            </button>
          ))}
          {visitOpen ? (
            <button type="button" className="nav-button" aria-current={screen === 'visit' ? 'page' : undefined} data-screen-link="visit" onClick={() => setScreen('visit')}>
              Video visit
            </button>
          ) : (
            <button
              type="button"
              className="nav-button"
              data-action="start-visit"
              onClick={() => {
                setVisitOpen(true);
                setScreen('visit');
              }}
            >
              Start video visit
            </button>
          )}
        </nav>
      </header>
      <div className="app-banners">
        <ConnectionBanner connection={view.connection} />
        <StationAlarms clinical={clinical} view={clinicalView} sound={sound} />
      </div>
      {screen === 'monitor' ? (
        <main className="monitor" aria-label="Monitor">
          <section className="monitor-main" aria-label="Vital signs">
            <PlethWaveform store={store} display={display} tile={view.tiles.find((tile) => tile.metric === 'spo2')} />
            <VitalTiles tiles={view.tiles} />
          </section>
          <DevicePanel devices={view.devices} store={store} />
        </main>
      ) : screen === 'history' ? (
        <main className="history" aria-label="Session history">
          <HistoryScreen store={store} />
        </main>
      ) : screen === 'alarms' ? (
        <main className="clinical-screen" aria-label="Alarms">
          <AlarmsScreen clinical={clinical} view={clinicalView} />
        </main>
      ) : screen === 'news2' ? (
        <main className="clinical-screen" aria-label="NEWS2">
          <News2Screen clinical={clinical} view={clinicalView} devices={view.devices} />
        </main>
      ) : screen === 'training' ? (
        <main className="clinical-screen" aria-label="Training">
          <TrainingScreen clinical={clinical} canPlay={clinicalView.actor !== null && actorMay(clinicalView.actor, 'device.manage')} />
        </main>
      ) : null}
      {visitOpen && (
        <main className="visit-screen" aria-label="Video visit" hidden={screen !== 'visit'}>
          <StationVisit
            api={getStationApi()}
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
