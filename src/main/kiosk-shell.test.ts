import { describe, expect, it } from 'vitest';
import { KioskShell, leavesKiosk, type KeyInput, type KioskWindow } from './kiosk-shell';

const key = (keyName: string, modifiers: Partial<Omit<KeyInput, 'key' | 'type'>> = {}): KeyInput => ({
  type: 'keyDown',
  key: keyName,
  control: false,
  meta: false,
  alt: false,
  shift: false,
  ...modifiers,
});

type Listener = (...args: never[]) => void;

/** A BrowserWindow as far as the kiosk uses it: records every setting and lets the test fire its events. */
class FakeWindow implements KioskWindow {
  readonly settings: Record<string, boolean> = {};
  readonly listeners = new Map<string, Listener[]>();
  readonly cleared: string[] = [];
  reloads = 0;
  destroyed = false;

  setKiosk = (flag: boolean) => void (this.settings.kiosk = flag);
  setFullScreen = (flag: boolean) => void (this.settings.fullScreen = flag);
  setClosable = (flag: boolean) => void (this.settings.closable = flag);
  setMinimizable = (flag: boolean) => void (this.settings.minimizable = flag);
  setAlwaysOnTop = (flag: boolean) => void (this.settings.alwaysOnTop = flag);
  setMenuBarVisibility = (flag: boolean) => void (this.settings.menuBar = flag);
  isDestroyed = () => this.destroyed;
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  webContents = {
    on: (event: string, listener: Listener) => this.on(`contents:${event}`, listener),
    reload: () => void this.reloads++,
    session: {
      clearStorageData: async () => void this.cleared.push('storage'),
      clearCache: async () => void this.cleared.push('cache'),
      clearAuthCache: async () => void this.cleared.push('auth cache'),
    },
  };

  /** Fires `event` with a preventable event object; returns whether a listener prevented it. */
  fire(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    const preventable = { preventDefault: () => void (prevented = true) };
    for (const listener of this.listeners.get(event) ?? []) (listener as (...given: unknown[]) => void)(preventable, ...args);
    return prevented;
  }
}

describe('kiosk shell of the desktop app', () => {
  it.each([
    ['Alt+F4', key('F4', { alt: true })],
    ['Ctrl+W', key('w', { control: true })],
    ['Cmd+Q', key('q', { meta: true })],
    ['Ctrl+R (reload)', key('r', { control: true })],
    ['Ctrl+Shift+R', key('R', { control: true, shift: true })],
    ['F5', key('F5')],
    ['F11', key('F11')],
    ['F12', key('F12')],
    ['Ctrl+Shift+I', key('I', { control: true, shift: true })],
    ['Cmd+Alt+I', key('i', { meta: true, alt: true })],
    ['Ctrl+Shift+J', key('J', { control: true, shift: true })],
    ['Cmd+M', key('m', { meta: true })],
    ['Ctrl+Cmd+F', key('f', { control: true, meta: true })],
  ])('blocks %s', (_name, input) => {
    expect(leavesKiosk(input)).toBe(true);
  });

  it.each([
    ['typing', key('a')],
    ['capitals', key('W', { shift: true })],
    ['Enter', key('Enter')],
    ['Tab', key('Tab')],
    ['Ctrl+C (copy)', key('c', { control: true })],
    ['Ctrl+V (paste)', key('v', { control: true })],
    ['Ctrl+plus (zoom for reading)', key('+', { control: true })],
    ['F1', key('F1')],
  ])('lets %s through', (_name, input) => {
    expect(leavesKiosk(input)).toBe(false);
  });

  it('locks every window full screen while the station is a kiosk, including windows opened later, and frees them after', () => {
    const shell = new KioskShell();
    const first = shell.attach(new FakeWindow());
    expect(first.settings).toEqual({});
    shell.onKioskChange(true);
    const locked = { kiosk: true, fullScreen: true, closable: false, minimizable: false, alwaysOnTop: true, menuBar: false };
    expect(first.settings).toEqual(locked);
    const second = shell.attach(new FakeWindow());
    expect(second.settings).toEqual(locked);
    shell.onKioskChange(false);
    expect(first.settings).toEqual({ kiosk: false, fullScreen: false, closable: true, minimizable: true, alwaysOnTop: false, menuBar: true });
  });

  it('refuses to close a kiosk window and swallows leaving keys only while the station is a kiosk; quitting the app still closes it', () => {
    const shell = new KioskShell();
    const window = shell.attach(new FakeWindow());
    expect(window.fire('close')).toBe(false);
    expect(window.fire('contents:before-input-event', key('F4', { alt: true }))).toBe(false);
    shell.onKioskChange(true);
    expect(window.fire('close')).toBe(true);
    expect(window.fire('contents:before-input-event', key('F4', { alt: true }))).toBe(true);
    expect(window.fire('contents:before-input-event', key('a'))).toBe(false);
    shell.allowQuit();
    expect(window.fire('close')).toBe(false);
  });

  it('clears storage, cache and auth cache of the window sessions after a visit, then reloads each window still open', async () => {
    const shell = new KioskShell();
    const open = shell.attach(new FakeWindow());
    const gone = shell.attach(new FakeWindow());
    gone.destroyed = true;
    await shell.clearScreenData();
    expect(open.cleared.sort()).toEqual(['auth cache', 'cache', 'storage']);
    expect(open.reloads).toBe(1);
    expect(gone.cleared).toEqual([]);
    expect(gone.reloads).toBe(0);
  });
});
