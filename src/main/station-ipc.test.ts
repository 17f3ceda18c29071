import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, type InvokeResult, type Snapshot } from '../shared/contract';
import { fixedActorScreen } from '../node/station/access/fixed-actor-screen';
import { standInHandlers } from '../node/station/stand-in-handlers';
import type { ContractHost } from '../node/station/contract-session';
import type { FrameSink } from '../node/station/frame-batcher';
import { APP_ENTRY_URL } from './app-origin';

type InvokeHandler = (event: unknown, method: unknown, input: unknown) => Promise<InvokeResult> | InvokeResult;
const electron = vi.hoisted(() => ({ handlers: new Map<string, (event: unknown, method: unknown, input: unknown) => unknown>() }));
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, method: unknown, input: unknown) => unknown) => void electron.handlers.set(channel, handler),
    removeHandler: (channel: string) => void electron.handlers.delete(channel),
  },
}));

const { serveStationOverIpc } = await import('./station-ipc');

const sinks: FrameSink[] = [];
const snapshot: Snapshot = { devices: [], latest: [], now: 1 };
const host: ContractHost = {
  handlers: standInHandlers({ getSnapshot: () => snapshot }),
  subscribe(sink) {
    sinks.push(sink);
    return { pause: () => undefined, resume: () => undefined, close: () => undefined };
  },
  openScreen: () => fixedActorScreen({ id: 'n1', name: 'Nurse Ada', role: 'nurse' }),
};

/** A window with its webContents and main frame, as far as the IPC layer reads them. */
function fakeWindow(id: number, url = APP_ENTRY_URL) {
  const mainFrame = { url };
  const contents = { id, mainFrame, isDestroyed: () => false, getURL: () => mainFrame.url, send: vi.fn() };
  return { webContents: contents, on: () => undefined };
}

function serve() {
  const logged: string[] = [];
  const ipc = serveStationOverIpc(host, { log: (line) => logged.push(line) });
  const invoke = electron.handlers.get(IPC_CHANNELS.invoke) as InvokeHandler;
  return { ipc, logged, invoke: async (event: unknown) => invoke(event, 'getSnapshot', undefined) };
}

const REFUSED = { ok: false, error: { code: 'bad-request', message: 'This frame may not talk to the station' } };

describe('the station over Electron IPC', () => {
  it("answers the app's main frame in a window it was attached to", async () => {
    const { ipc, invoke } = serve();
    const window = fakeWindow(1);
    ipc.attach(window as never);
    expect(await invoke({ sender: window.webContents, senderFrame: window.webContents.mainFrame })).toEqual({ ok: true, output: snapshot });
    ipc.close();
  });

  it('refuses a subframe, a foreign page, a window it never attached and a destroyed frame, and logs each', async () => {
    const { ipc, invoke, logged } = serve();
    const window = fakeWindow(1);
    ipc.attach(window as never);
    const subframe = { url: APP_ENTRY_URL };
    expect(await invoke({ sender: window.webContents, senderFrame: subframe })).toEqual(REFUSED);
    window.webContents.mainFrame.url = 'https://evil.example/';
    expect(await invoke({ sender: window.webContents, senderFrame: window.webContents.mainFrame })).toEqual(REFUSED);
    window.webContents.mainFrame.url = 'app://station.evil/index.html';
    expect(await invoke({ sender: window.webContents, senderFrame: window.webContents.mainFrame })).toEqual(REFUSED);
    const stranger = fakeWindow(2);
    expect(await invoke({ sender: stranger.webContents, senderFrame: stranger.webContents.mainFrame })).toEqual(REFUSED);
    expect(await invoke({ sender: window.webContents, senderFrame: null })).toEqual(REFUSED);
    expect(logged).toEqual([
      `refused an invoke from "${APP_ENTRY_URL}"`,
      'refused an invoke from "https://evil.example/"',
      'refused an invoke from "app://station.evil/index.html"',
      `refused an invoke from "${APP_ENTRY_URL}"`,
      'refused an invoke from a destroyed frame',
    ]);
    ipc.close();
  });

  it('sends events only while the window shows the app', () => {
    const { ipc } = serve();
    const window = fakeWindow(1);
    ipc.attach(window as never);
    const sink = sinks.at(-1)!;
    sink.send('devices', []);
    expect(window.webContents.send).toHaveBeenCalledWith(IPC_CHANNELS.event, 'devices', []);
    window.webContents.send.mockClear();
    window.webContents.mainFrame.url = 'https://evil.example/';
    sink.send('devices', []);
    expect(window.webContents.send).not.toHaveBeenCalled();
    ipc.close();
  });
});
