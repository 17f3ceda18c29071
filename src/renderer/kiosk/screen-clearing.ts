/**
 * How a kiosk page clears itself when a visit ends: its own storage at once, then a reload with a
 * marker in the address that web mode's server answers with `Clear-Site-Data: "cache", "storage"`
 * (IndexedDB, caches, service workers: whatever the visit may have left). The reload also drops
 * every value held in memory and every camera or microphone track. In the desktop app the shell
 * clears the window's session and reloads it as well.
 */
import { KIOSK_CLEAR_QUERY } from '../../shared/contract-kiosk';

/** The parts of the browser page this needs (the window in the app; fakes in tests). */
export interface ClearablePage {
  sessionStorage: Pick<Storage, 'clear'>;
  localStorage: Pick<Storage, 'clear'>;
  location: Pick<Location, 'href' | 'replace'>;
  history: Pick<History, 'replaceState'>;
}

export function clearPageAndReload(page: ClearablePage): void {
  page.sessionStorage.clear();
  page.localStorage.clear();
  const url = new URL(page.location.href);
  url.searchParams.set(KIOSK_CLEAR_QUERY, '1');
  page.location.replace(url.href);
}

/** After the cleared page loaded: takes the marker out of the address, so a later reload clears nothing twice. */
export function forgetClearingMarker(page: Pick<ClearablePage, 'location' | 'history'>): void {
  const url = new URL(page.location.href);
  if (!url.searchParams.has(KIOSK_CLEAR_QUERY)) return;
  url.searchParams.delete(KIOSK_CLEAR_QUERY);
  page.history.replaceState(null, '', url.href);
}
