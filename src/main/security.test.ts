import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN } from './app-origin';

type Listener = (...args: never[]) => unknown;
const electron = vi.hoisted(() => ({ appListeners: new Map<string, (...args: unknown[]) => void>() }));
vi.mock('electron', () => ({ app: { on: (event: string, listener: (...args: unknown[]) => void) => electron.appListeners.set(event, listener) } }));

const { refuseForeignContent, restrictPermissions } = await import('./security');

/** A webContents as far as the guard uses it: records its listeners and window-open handler. */
class FakeContents {
  readonly listeners = new Map<string, Listener>();
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  on(event: string, listener: Listener): this {
    this.listeners.set(event, listener);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
  /** Fires `event` with a preventable event; true if the guard prevented it. */
  fire(event: string, url?: string): boolean {
    let prevented = false;
    const preventable = { url, preventDefault: () => void (prevented = true) };
    (this.listeners.get(event) as (event: unknown, url?: string) => void)(preventable, url);
    return prevented;
  }
}

describe('refuseForeignContent', () => {
  let contents: FakeContents;
  let logged: string[];
  beforeEach(() => {
    logged = [];
    refuseForeignContent((line) => logged.push(line));
    contents = new FakeContents();
    electron.appListeners.get('web-contents-created')!({}, contents);
  });

  it.each(['will-navigate', 'will-redirect', 'will-frame-navigate'])('%s: stays in the app, refuses and logs every other address', (event) => {
    expect(contents.fire(event, `${APP_ORIGIN}/clinician.html`)).toBe(false);
    for (const url of ['https://evil.example/', 'app://station.evil/index.html', 'file:///etc/passwd', 'http://127.0.0.1:8080/']) {
      expect(contents.fire(event, url), url).toBe(true);
    }
    expect(logged).toContain('refused navigation to "https://evil.example/"');
  });

  it('opens no window, not even for the app itself', () => {
    expect(contents.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: APP_ENTRY_URL })).toEqual({ action: 'deny' });
    expect(logged).toEqual(['refused to open a window for "https://evil.example/"', `refused to open a window for "${APP_ENTRY_URL}"`]);
  });

  it('attaches no <webview>', () => {
    expect(contents.fire('will-attach-webview')).toBe(true);
  });
});

describe('restrictPermissions', () => {
  type RequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: Record<string, unknown>) => void;
  function fakeSession() {
    const handlers: { request?: RequestHandler; check?: (contents: unknown, permission: string, origin: string) => boolean; device?: () => boolean } = {};
    const listeners = new Map<string, (event: { preventDefault(): void }, ...args: unknown[]) => void>();
    const session = {
      setPermissionRequestHandler: (handler: RequestHandler) => void (handlers.request = handler),
      setPermissionCheckHandler: (handler: typeof handlers.check) => void (handlers.check = handler),
      setDevicePermissionHandler: (handler: typeof handlers.device) => void (handlers.device = handler),
      on: (event: string, listener: (event: { preventDefault(): void }, ...args: unknown[]) => void) => void listeners.set(event, listener),
    };
    restrictPermissions(session as never);
    const request = (permission: string, details: Record<string, unknown>) => {
      let granted: boolean | undefined;
      handlers.request!({}, permission, (answer) => (granted = answer), details);
      return granted;
    };
    return { handlers, listeners, request };
  }
  const fromApp = { requestingUrl: APP_ENTRY_URL, isMainFrame: true };

  it('grants camera and microphone to the app main frame only', () => {
    const { request } = fakeSession();
    expect(request('media', { ...fromApp, mediaTypes: ['video', 'audio'] })).toBe(true);
    expect(request('media', { ...fromApp, isMainFrame: false, mediaTypes: ['video'] })).toBe(false);
    expect(request('media', { requestingUrl: 'https://evil.example/', isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    expect(request('media', { requestingUrl: 'app://station.evil/', isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
  });

  it('refuses every other permission, screen capture included', () => {
    const { request } = fakeSession();
    for (const permission of ['geolocation', 'notifications', 'midi', 'openExternal', 'hid', 'serial']) expect(request(permission, fromApp), permission).toBe(false);
    expect(request('media', { ...fromApp, mediaTypes: ['video', 'screen'] })).toBe(false);
    expect(request('clipboard-sanitized-write', fromApp)).toBe(true);
  });

  it('answers permission checks for the app origin only, and never hands the page a USB, HID or serial device', () => {
    const { handlers, listeners } = fakeSession();
    expect(handlers.check!({}, 'media', APP_ORIGIN)).toBe(true);
    expect(handlers.check!({}, 'media', 'https://evil.example')).toBe(false);
    expect(handlers.check!({}, 'geolocation', APP_ORIGIN)).toBe(false);
    expect(handlers.device!()).toBe(false);
    let prevented = false;
    let chosen: unknown = 'unset';
    listeners.get('select-hid-device')!({ preventDefault: () => void (prevented = true) }, {}, (id: unknown) => (chosen = id));
    expect([prevented, chosen]).toEqual([true, null]);
    prevented = false;
    listeners.get('select-serial-port')!({ preventDefault: () => void (prevented = true) }, [], {}, (id: unknown) => (chosen = id));
    expect([prevented, chosen]).toEqual([true, '']);
  });
});
