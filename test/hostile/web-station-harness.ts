/**
 * A real web-mode station for the hostile-input tests: the station process the web end-to-end
 * tests start (e2e/web/web-station.ts), reached over its contract WebSocket from the test process.
 * `openScreen` is a screen as the page has it (the renderer's own WebSocket client); `openRawSocket`
 * is a bare socket for attackers that speak the wire format themselves.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import { WEB_SOCKET_PATH } from '../../src/shared/contract';
import { createWebSocketApi, type WebSocketLike, type WebSocketStationApi } from '../../src/renderer/transport/websocket-api';
import { startWebStation, type WebStation, type WebStationSetup } from '../../e2e/web/web-station';
import type { StationAccount } from '../../e2e/web/accounts';

export { startWebStation, type WebStation, type WebStationSetup };

/**
 * One station for the calling test file: started before its tests (the first start may build the
 * renderer), stopped after them. Call at the file's top level; the result gives the station.
 */
export function stationPerFile(extraArgs: readonly string[] = [], setup: WebStationSetup = {}): () => WebStation {
  let station: WebStation | undefined;
  beforeAll(async () => {
    station = await startWebStation(extraArgs, setup);
  }, 180_000);
  afterAll(async () => {
    await station?.stop();
  }, 30_000);
  return () => {
    if (!station) throw new Error('the web station has not started');
    return station;
  };
}

interface StationAddress {
  origin: string;
  token: string;
  socketUrl: string;
}

function addressOf(station: Pick<WebStation, 'url'>): StationAddress {
  const page = new URL(station.url);
  const token = page.searchParams.get('token') ?? '';
  return { origin: page.origin, token, socketUrl: `ws://${page.host}${WEB_SOCKET_PATH}?token=${encodeURIComponent(token)}` };
}

/** A screen of the station as the page has it: the renderer's StationApi over its own socket. */
export function openScreen(station: WebStation, options: { invokeTimeoutMs?: number } = {}): WebSocketStationApi {
  const { origin, token, socketUrl } = addressOf(station);
  return createWebSocketApi(socketUrl.split('?')[0]!, token, {
    createSocket: (url) => new WebSocket(url, { headers: { origin } }) as unknown as WebSocketLike,
    visibility: null,
    invokeTimeoutMs: options.invokeTimeoutMs,
  });
}

/** Resolves once the screen's socket is open. */
export function screenConnected(screen: WebSocketStationApi): Promise<void> {
  if (screen.connected) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = screen.onConnectionChange((connected) => {
      if (!connected) return;
      stop();
      resolve();
    });
  });
}

/** A bare contract socket with the page's Origin and token, open (from any process that has the station's URL). */
export async function openRawSocket(station: Pick<WebStation, 'url'>): Promise<WebSocket> {
  const { origin, socketUrl } = addressOf(station);
  const socket = new WebSocket(socketUrl, { headers: { origin } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** Signs `account` in at `screen` with a fresh code; the outcome as the contract gives it. */
export function signInAt(screen: WebSocketStationApi, account: StationAccount) {
  return screen.invoke('signIn', { username: account.username, password: account.password, totp: account.freshCode() });
}

/** The resident memory of a process, in bytes (Linux). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU time (user and system) a process has used so far, in seconds (Linux, 100 ticks a second). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
