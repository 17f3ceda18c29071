/** Serves the built renderer on app://station with the station's Content Security Policy. */
import { protocol } from 'electron';
import { buildContentSecurityPolicy } from '../node/web/content-security-policy';
import { readStaticFile } from '../node/web/static-files';
import { APP_HOST, APP_SCHEME } from './app-origin';

/** Must run before the app is ready. No bypassCSP, no corsEnabled: the scheme gets only what a secure web origin has. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
}

export function serveRenderer(rendererDir: string, connectSources: readonly string[]): void {
  const csp = buildContentSecurityPolicy(connectSources);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST && request.method === 'GET' ? await readStaticFile(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    return new Response(new Uint8Array(file.body), {
      headers: {
        'Content-Type': file.contentType,
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  });
}
