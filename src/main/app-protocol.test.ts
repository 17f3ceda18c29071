import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
}));
vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => void electron.privileged.push(...schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => void electron.handlers.set(scheme, handler),
  },
}));

const { registerAppScheme, serveRenderer } = await import('./app-protocol');

const rendererDir = mkdtempSync(join(tmpdir(), 'vitalbridge-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>VitalBridge</title>');
const CONSULT = ['http://127.0.0.1:9000', 'ws://127.0.0.1:9000'];
serveRenderer(rendererDir, CONSULT);
const fetchApp = (url: string, init?: RequestInit) => electron.handlers.get('app')!(new Request(url, init));

describe('the app:// scheme', () => {
  it('is a secure standard scheme without CSP bypass or CORS', () => {
    registerAppScheme();
    expect(electron.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
  });

  it('serves the renderer with a Content Security Policy that allows only the app itself and the consultation server', async () => {
    const response = await fetchApp('app://station/index.html');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>VitalBridge</title>');
    const directives = response.headers.get('Content-Security-Policy')!.split('; ');
    expect(directives).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        `connect-src 'self' ${CONSULT.join(' ')}`,
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
      ]),
    );
    expect(directives.join(';')).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('serves nothing to another host, another method, or outside the renderer folder', async () => {
    expect((await fetchApp('app://evil/index.html')).status).toBe(404);
    expect((await fetchApp('app://station/index.html', { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetchApp('app://station/../../etc/passwd')).status).toBe(404);
    expect((await fetchApp('app://station/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });
});
