/**
 * The renderer is served from its own privileged scheme, app://station, instead of file://: a page
 * with file:// privileges could read any local file, and a real origin lets permissions, CSP and
 * IPC sender checks name exactly one trusted place.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'station';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True only for URLs of the app's own origin (never for look-alikes such as app://station.evil).
 * Compared by scheme and host: Node's URL (the main process's) knows nothing of schemes registered
 * with Chromium, so the origin of any app:// URL is "null" there.
 */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}
