/** The reconnects of the transport under a StationApi: web mode's socket has them, Electron's IPC none. */
import type { StationApi } from '../../shared/contract';
import type { ConnectionEvents } from './access-store';

export function connectionEventsOf(api: StationApi): ConnectionEvents | null {
  return 'onConnectionChange' in api && typeof api.onConnectionChange === 'function' ? (api as StationApi & ConnectionEvents) : null;
}
