/**
 * The renderer is served from its own privileged scheme, app://station, instead of file://: a page
 * with file:// privileges could read any local file, and a real origin lets permissions, CSP and
 * IPC sender checks name exactly one trusted place.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'station';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True only for URLs of the app's own origin (never for look-alikes such as app://station.evil). */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    return new URL(url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}
