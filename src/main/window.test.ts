import { expect, it, vi } from 'vitest';
import { APP_ENTRY_URL } from './app-origin';

const created = vi.hoisted(() => [] as { options: Record<string, unknown>; loaded: string[] }[]);
vi.mock('electron', () => ({
  BrowserWindow: class {
    readonly record: { options: Record<string, unknown>; loaded: string[] };
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: [] };
      created.push(this.record);
    }
    once(): void {}
    loadURL(url: string): Promise<void> {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
  },
}));

const { createStationWindow } = await import('./window');

it('opens the station in a sandboxed, context-isolated window without Node, webviews or insecure content', () => {
  createStationWindow('/app/out/preload/index.cjs');
  expect(created).toHaveLength(1);
  expect(created[0]!.options.webPreferences).toEqual({
    preload: '/app/out/preload/index.cjs',
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    disableBlinkFeatures: 'Auxclick',
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  });
  expect(created[0]!.loaded).toEqual([APP_ENTRY_URL]);
});
