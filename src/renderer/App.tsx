import { useLayoutEffect, useState, useSyncExternalStore } from 'react';
import type { DisplayLoop } from './station/display-loop';
import type { StationStore } from './station/station-store';
import { DevicePanel } from './components/DevicePanel';
import { VitalTiles } from './components/VitalTiles';
import { PlethWaveform } from './components/PlethWaveform';
import { HistoryScreen } from './components/HistoryScreen';
import { ConnectionBanner } from './components/ConnectionBanner';

type Screen = 'monitor' | 'history';
const SCREENS: readonly { id: Screen; label: string }[] = [
  { id: 'monitor', label: 'Monitor' },
  { id: 'history', label: 'Session history' },
];

export function App({ store, display }: { store: StationStore; display: DisplayLoop }) {
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const [screen, setScreen] = useState<Screen>('monitor');
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
        </nav>
      </header>
      <ConnectionBanner connection={view.connection} />
      {screen === 'monitor' ? (
        <main className="monitor" aria-label="Monitor">
          <section className="monitor-main" aria-label="Vital signs">
            <PlethWaveform store={store} display={display} tile={view.tiles.find((tile) => tile.metric === 'spo2')} />
            <VitalTiles tiles={view.tiles} />
          </section>
          <DevicePanel devices={view.devices} store={store} />
        </main>
      ) : (
        <main className="history" aria-label="Session history">
          <HistoryScreen store={store} />
        </main>
      )}
    </div>
  );
}
