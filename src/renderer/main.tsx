import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { StationStore } from './station/station-store';
import { DisplayLoop } from './station/display-loop';
import { getStationApi } from './transport';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html lacks the #root element');

const store = new StationStore(getStationApi());
const display = new DisplayLoop(store);
void store.start();
display.start();

createRoot(container).render(
  <StrictMode>
    <App store={store} display={display} />
  </StrictMode>,
);
