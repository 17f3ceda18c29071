/**
 * The renderer's way to the station: the preload's `window.vitalbridge` inside Electron, the
 * web-mode WebSocket otherwise. Both implement the same StationApi, so no view knows which it has.
 */
import { WEB_SOCKET_PATH, type StationApi } from '../../shared/contract';
import { createWebSocketApi } from './websocket-api';

export { createWebSocketApi, type WebSocketApiOptions, type WebSocketStationApi } from './websocket-api';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in web mode. */
    readonly vitalbridge?: StationApi;
  }
}

let stationApi: StationApi | undefined;

export function getStationApi(): StationApi {
  if (stationApi) return stationApi;
  if (window.vitalbridge) {
    stationApi = window.vitalbridge;
    return stationApi;
  }
  // Web mode: the page was opened with the launch token in its address; the socket needs it too.
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const socketUrl = new URL(WEB_SOCKET_PATH, window.location.href);
  socketUrl.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  socketUrl.search = '';
  stationApi = createWebSocketApi(socketUrl.href, token);
  return stationApi;
}
