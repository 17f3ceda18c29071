/**
 * The station's contract over Electron IPC: one ContractSession per window (the same dispatch and
 * validation as web mode), answering only the app's own main frame in a window it was attached to.
 * A hidden or minimised window pauses its session, so its frames coalesce instead of piling up.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, type InvokeResult } from '../shared/contract';
import { logText } from '../shared/log-text';
import { openContractSession, type ContractHost, type ContractSession, type ContractSessionOptions } from '../node/station/contract-session';
import { isAppUrl } from './app-origin';

export interface StationIpc {
  attach(window: BrowserWindow): void;
  close(): void;
}

const refused: InvokeResult = { ok: false, error: { code: 'bad-request', message: 'This frame may not talk to the station' } };

export function serveStationOverIpc(host: ContractHost, options: ContractSessionOptions & { log: (message: string) => void }): StationIpc {
  const sessions = new Map<number, ContractSession>();

  const trustedSession = (event: IpcMainInvokeEvent): ContractSession | undefined => {
    const session = sessions.get(event.sender.id);
    const frame = event.senderFrame;
    if (!session || !frame || frame !== event.sender.mainFrame || !isAppUrl(frame.url)) return undefined;
    return session;
  };

  ipcMain.handle(IPC_CHANNELS.invoke, (event, method: unknown, input: unknown) => {
    const session = trustedSession(event);
    if (!session) {
      options.log(`refused an invoke from ${event.senderFrame ? logText(event.senderFrame.url) : 'a destroyed frame'}`);
      return refused;
    }
    return session.invoke(method, input);
  });

  return {
    attach(window) {
      const contents = window.webContents;
      const id = contents.id;
      const session = openContractSession(
        host,
        {
          sendEvent: (event, payload) => {
            if (!contents.isDestroyed() && isAppUrl(contents.getURL())) contents.send(IPC_CHANNELS.event, event, payload);
          },
        },
        options,
      );
      sessions.set(id, session);
      const pause = () => session.pause();
      const resume = () => session.resume();
      window.on('hide', pause);
      window.on('minimize', pause);
      window.on('show', resume);
      window.on('restore', resume);
      window.on('closed', () => {
        session.close();
        sessions.delete(id);
      });
    },
    close() {
      ipcMain.removeHandler(IPC_CHANNELS.invoke);
      for (const session of sessions.values()) session.close();
      sessions.clear();
    },
  };
}
