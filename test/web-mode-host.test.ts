/** Web mode end to end inside one process: the real host and the renderer's WebSocket StationApi. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { DeviceInfo, FrameBatch, StationReading } from '../src/shared/contract';
import { stationReading, WEB_SOCKET_PATH } from '../src/shared/contract';
import { KIOSK_CLEAR_QUERY } from '../src/shared/contract-kiosk';
import { createWebSocketApi, type WebSocketLike } from '../src/renderer/transport/websocket-api';
import type { ContractHost } from '../src/node/station/contract-session';
import { FrameBatcher } from '../src/node/station/frame-batcher';
import { fixedActorScreen } from '../src/node/station/access/fixed-actor-screen';
import { standInHandlers } from '../src/node/station/stand-in-handlers';
import { startWebHost, type WebHost } from '../src/node/web/web-host';

const device: DeviceInfo = { id: 'ox', driverId: 'sim-oximeter', name: 'Oximeter', transport: 'simulated', state: 'streaming', condition: 'ok', canRequestMeasurement: false, metrics: ['spo2', 'pulseRate', 'perfusionIndex'] };
const spo2 = (value: number, seq: number): StationReading => stationReading({ source: 'pulse-oximeter', deviceId: 'ox', metric: 'spo2', value, unit: '%', deviceTime: null, receivedAt: 1_000 + seq, seq });

let rendererDir: string;
let batcher: FrameBatcher;
let host: ContractHost;
let web: WebHost;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'vb-renderer-'));
  await mkdir(join(rendererDir, 'assets'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>station</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  batcher = new FrameBatcher({ frameMs: 5 });
  batcher.pushDevices([device]);
  host = {
    handlers: standInHandlers({
      getSnapshot: () => ({ devices: [device], latest: [], now: 42 }),
      requestMeasurement: ({ deviceId }) => {
        throw new Error(`no device with id ${deviceId}`);
      },
    }),
    subscribe: (sink) => batcher.subscribe(sink),
    openScreen: () => fixedActorScreen({ id: 'test-nurse', name: 'Test nurse', role: 'nurse' }),
  };
  web = await startWebHost({ host, rendererDir });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  batcher.close();
  await web.close();
  await rm(rendererDir, { recursive: true, force: true });
});

/** A raw HTTP GET with exactly the headers given (fetch would add or forbid some). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path, headers: { host: `127.0.0.1:${web.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a raw socket; resolves 'open' or the HTTP status the upgrade was refused with. */
function upgrade(query: string, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${web.port}${WEB_SOCKET_PATH}${query}`, { headers });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(-1));
  });
}

function openClient() {
  const api = createWebSocketApi(`ws://127.0.0.1:${web.port}${WEB_SOCKET_PATH}`, web.token, {
    createSocket: (url) => new WebSocket(url, { origin: web.origin }) as unknown as WebSocketLike,
    visibility: null,
    reconnectMinMs: 20,
    reconnectMaxMs: 50,
  });
  cleanups.push(() => api.close());
  return api;
}

describe('web host HTTP', () => {
  const pagePath = () => new URL(web.url).pathname;

  it('listens on 127.0.0.1 only and prints a URL with the token, under a random page path', () => {
    expect(web.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${web.port}/s/[\\w-]{32}/\\?token=${web.token}$`));
    expect(pagePath()).not.toContain(web.token);
    expect(web.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the page with its token, with CSP and no-referrer, and sets no cookie', async () => {
    const page = await get(`${pagePath()}?token=${web.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>station</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${web.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('sends the page opened outside its path to its path, token and query kept', async () => {
    const moved = await get(`/?token=${web.token}&${KIOSK_CLEAR_QUERY}`);
    expect(moved.status).toBe(303);
    expect(moved.headers.location).toBe(`${pagePath()}?token=${web.token}&${KIOSK_CLEAR_QUERY}`);
  });

  it('answers the reload of a cleared kiosk screen with Clear-Site-Data for cache and storage, never cookies, and only that load', async () => {
    const cleared = await get(`${pagePath()}?token=${web.token}&${KIOSK_CLEAR_QUERY}`);
    expect(cleared.status).toBe(200);
    expect(cleared.headers['clear-site-data']).toBe('"cache", "storage"');
    expect((await get(`${pagePath()}?token=${web.token}`)).headers['clear-site-data']).toBeUndefined();
    expect((await get(`/assets/app.js?token=${web.token}&${KIOSK_CLEAR_QUERY}`)).headers['clear-site-data']).toBeUndefined();
  });

  it.each([
    ['no token', '/'],
    ['a wrong token', '/?token=guess'],
    ['a token of the right length but wrong', `/?token=${'x'.repeat(32)}`],
    ['no token on an asset', '/assets/app.js'],
  ])('refuses %s with 403', async (_label, path) => {
    expect((await get(path)).status).toBe(403);
  });

  it('refuses a request naming another host (DNS rebinding)', async () => {
    expect((await get(`/?token=${web.token}`, { host: `attacker.example:${web.port}` })).status).toBe(403);
    expect((await get(`/?token=${web.token}`, { host: `localhost:${web.port}` })).status).toBe(403);
  });

  it('lets the page path stand in for the token only on the page’s own sub-resources', async () => {
    const asSubresource = { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'script' };
    const asset = `${pagePath()}assets/app.js`;
    expect((await get(asset, asSubresource)).status).toBe(200);
    expect((await get('/assets/app.js', asSubresource)).status).toBe(403);
    expect((await get(asset)).status).toBe(403);
    expect((await get(pagePath(), { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'document' })).status).toBe(403);
    expect((await get(asset, { ...asSubresource, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await get(`/s/${'x'.repeat(32)}/assets/app.js`, asSubresource)).status).toBe(403);
    expect((await get(`/s/${'x'.repeat(32)}/assets/app.js?token=${web.token}`)).status).toBe(403);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/%00.js', '/.env', '/%E0%A4%A']) {
      expect((await get(`${path}${path.includes('?') ? '&' : '?'}token=${web.token}`)).status).toBe(404);
    }
  });
});

describe('web host WebSocket', () => {
  it('refuses upgrades without the token, from another Origin, or without an Origin', async () => {
    expect(await upgrade('', { origin: web.origin })).toBe(403);
    expect(await upgrade('?token=wrong', { origin: web.origin })).toBe(403);
    expect(await upgrade(`?token=${web.token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(`?token=${web.token}`, { origin: `http://localhost:${web.port}` })).toBe(403);
    expect(await upgrade(`?token=${web.token}`, {})).toBe(403);
    expect(await upgrade(`?token=${web.token}`, { origin: web.origin })).toBe('open');
  });

  it('carries the contract: invokes, errors as StationCallError, device list and frames', async () => {
    const api = openClient();
    const devices: DeviceInfo[][] = [];
    const frames: FrameBatch[] = [];
    api.on('devices', (list) => devices.push(list));
    api.on('frame', (frame) => frames.push(frame));
    expect(await api.invoke('getSnapshot', undefined)).toEqual({ devices: [device], latest: [], now: 42 });
    await expect(api.invoke('requestMeasurement', { deviceId: 'cuff' })).rejects.toMatchObject({ name: 'StationCallError', code: 'failed', message: 'no device with id cuff' });
    await expect(api.invoke('requestMeasurement', { deviceId: 5 } as never)).rejects.toMatchObject({ code: 'bad-request' });
    await expect(api.invoke('shutdown' as never, undefined as never)).rejects.toMatchObject({ code: 'unknown-method' });
    await expect.poll(() => devices).toEqual([[device]]);
    batcher.pushReading(spo2(96, 1));
    await expect.poll(() => frames.flatMap((f) => f.readings.map((r) => r.value))).toEqual([96]);
  });

  it('answers hostile messages with an error and keeps serving the connection', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${web.port}${WEB_SOCKET_PATH}?token=${web.token}`, { origin: web.origin });
    cleanups.push(() => socket.terminate());
    const replies: unknown[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string };
      if (message.type === 'result') replies.push(message);
    });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('not json');
    socket.send(JSON.stringify({ type: 'invoke', id: 7, method: 'getSnapshot', input: { extra: true } }));
    socket.send(JSON.stringify({ type: 'invoke', id: 8, method: '__proto__', input: null }));
    socket.send(JSON.stringify({ type: 'invoke', id: -1, method: 'getSnapshot' }));
    socket.send(JSON.stringify({ type: 'flow', paused: 'yes' }));
    socket.send(Buffer.from([1, 2, 3]));
    socket.send(JSON.stringify({ type: 'invoke', id: 9, method: 'getSnapshot' }));
    await expect.poll(() => replies.length).toBe(7);
    // Invalid messages are answered at once, invokes once their handler ran: compare as a set.
    const byId = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    expect([...replies].sort(byId)).toEqual([
      { type: 'result', id: null, ok: false, error: { code: 'bad-request', message: expect.any(String) } },
      { type: 'result', id: 7, ok: false, error: { code: 'bad-request', message: expect.stringContaining('getSnapshot') } },
      { type: 'result', id: 8, ok: false, error: { code: 'unknown-method', message: expect.any(String) } },
      { type: 'result', id: null, ok: false, error: { code: 'bad-request', message: expect.any(String) } },
      { type: 'result', id: null, ok: false, error: { code: 'bad-request', message: expect.any(String) } },
      { type: 'result', id: null, ok: false, error: { code: 'bad-request', message: expect.any(String) } },
      { type: 'result', id: 9, ok: true, output: { devices: [device], latest: [], now: 42 } },
    ].sort(byId));
  });

  it('closes a connection that sends an oversized message, and the server carries on', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${web.port}${WEB_SOCKET_PATH}?token=${web.token}`, { origin: web.origin });
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'invoke', id: 1, method: 'getSnapshot', input: 'x'.repeat(200_000) }));
    expect(await closed).toBe(1009);
    expect(await openClient().invoke('getSnapshot', undefined)).toMatchObject({ now: 42 });
  });

  it('coalesces while the page says it is hidden, and catches up when shown', async () => {
    const hidden = { hidden: true, listeners: new Set<() => void>() };
    const visibility = {
      get hidden() {
        return hidden.hidden;
      },
      addEventListener: (_: 'visibilitychange', listener: () => void) => hidden.listeners.add(listener),
      removeEventListener: (_: 'visibilitychange', listener: () => void) => hidden.listeners.delete(listener),
    };
    const api = createWebSocketApi(`ws://127.0.0.1:${web.port}${WEB_SOCKET_PATH}`, web.token, {
      createSocket: (url) => new WebSocket(url, { origin: web.origin }) as unknown as WebSocketLike,
      visibility,
    });
    cleanups.push(() => api.close());
    const frames: FrameBatch[] = [];
    api.on('frame', (frame) => frames.push(frame));
    // A round trip after connecting guarantees the station has seen the page's `flow` message.
    await api.invoke('getSnapshot', undefined);
    // A visible page is the witness that frames went out; the hidden page's next answer comes after
    // anything the station had sent it before.
    const witness = openClient();
    const witnessed: number[] = [];
    witness.on('frame', (frame) => witnessed.push(...frame.readings.map((r) => r.value)));
    await witness.invoke('getSnapshot', undefined);
    for (let seq = 0; seq < 50; seq++) batcher.pushReading(spo2(50 + seq, seq));
    await expect.poll(() => witnessed.at(-1)).toBe(99);
    await api.invoke('getSnapshot', undefined);
    expect(frames).toHaveLength(0);
    hidden.hidden = false;
    for (const listener of hidden.listeners) listener();
    await expect.poll(() => frames.flatMap((f) => f.readings.map((r) => r.value))).toEqual([99]);
  });

  it('reconnects after the station restarts, keeping its listeners', async () => {
    const api = openClient();
    const devices: DeviceInfo[][] = [];
    const states: boolean[] = [];
    api.on('devices', (list) => devices.push(list));
    api.onConnectionChange((connected) => states.push(connected));
    await expect.poll(() => devices.length).toBe(1);
    const { port, token } = web;
    await web.close();
    await expect.poll(() => states).toEqual([true, false]);
    web = await startWebHost({ host, rendererDir, port, token });
    await expect.poll(() => states).toEqual([true, false, true]);
    await expect.poll(() => devices.length).toBe(2);
    expect(await api.invoke('getSnapshot', undefined)).toMatchObject({ now: 42 });
  });
});
