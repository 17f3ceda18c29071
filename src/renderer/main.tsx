import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { StationStore } from './station/station-store';
import { DisplayLoop } from './station/display-loop';
import { getStationApi } from './transport';
import { AccessStore } from './access/access-store';
import { connectionEventsOf } from './access/connection-events';
import { StationShell } from './access/StationShell';
import { KioskStation } from './kiosk/KioskStation';
import './styles.css';
import './access/access.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks the #root element');

const api = getStationApi();
const store = new StationStore(api);
const display = new DisplayLoop(store);
const access = new AccessStore(api, connectionEventsOf(api));
void store.start();
display.start();
access.start();

createRoot(container).render(
  <StrictMode>
    <StationShell
      api={api}
      access={access}
      store={store}
      renderStation={(station) => <App store={store} display={display} access={access} station={station} />}
      renderKiosk={(banners) => <KioskStation api={api} access={access} store={store} display={display} banners={banners} />}
    />
  </StrictMode>,
);
