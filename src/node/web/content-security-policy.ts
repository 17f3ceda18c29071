/**
 * The page's Content Security Policy, one definition for web mode and the Electron shell. Scripts
 * and styles only from the app itself; media from the camera, the microphone and blobs; network
 * only to the station's own contract endpoint and the consultation server.
 */

/** The origins a page must reach to talk to a consultation server at `url` (HTTP and its WebSocket). */
export function consultServerSources(url: string): string[] {
  const parsed = new URL(url);
  const ws = new URL(parsed.origin);
  ws.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
  return [parsed.origin, ws.origin];
}

export function buildContentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "media-src 'self' blob: mediastream:",
    `connect-src ${["'self'", ...connectSources].join(' ')}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "object-src 'none'",
  ].join('; ');
}
