/**
 * Web mode's contract socket bounds what it holds for a client that does not read (issue 13,
 * item 4): past MAX_UNSENT_BYTES unsent the station closes the socket instead of buffering more.
 * The request limits are lifted here so that answers pile up quickly; the host is the real one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WEB_SOCKET_PATH } from '../src/shared/contract';
import { fixedActorScreen } from '../src/node/station/access/fixed-actor-screen';
import { standInHandlers } from '../src/node/station/stand-in-handlers';
import { FrameBatcher } from '../src/node/station/frame-batcher';
import { MAX_UNSENT_BYTES, startWebHost, type WebHost } from '../src/node/web/web-host';

let rendererDir: string;
let batcher: FrameBatcher;
let web: WebHost;

beforeEach(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'vb-renderer-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>station</title>');
  batcher = new FrameBatcher({ frameMs: 5 });
  const device = { id: 'ox', driverId: 'sim-oximeter', name: 'Oximeter'.repeat(20), transport: 'simulated', state: 'streaming', condition: 'ok', canRequestMeasurement: false, metrics: ['spo2', 'pulseRate', 'perfusionIndex'] as ('spo2' | 'pulseRate' | 'perfusionIndex')[] } as const;
  web = await startWebHost({
    host: {
      handlers: standInHandlers({ getSnapshot: () => ({ devices: Array.from({ length: 50 }, (_, i) => ({ ...device, id: `ox-${i}` })), latest: [], now: 42 }) }),
      subscribe: (sink) => batcher.subscribe(sink),
      openScreen: () => fixedActorScreen({ id: 'test-nurse', name: 'Test nurse', role: 'nurse' }),
    },
    rendererDir,
    requestLimits: { burst: Number.MAX_SAFE_INTEGER, perSecond: Number.MAX_SAFE_INTEGER, inFlight: Number.MAX_SAFE_INTEGER },
  });
});

afterEach(async () => {
  batcher.close();
  await web.close();
  await rm(rendererDir, { recursive: true, force: true });
});

it(`closes a socket that does not read once more than ${MAX_UNSENT_BYTES >> 20} MiB of answers wait for it`, async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${web.port}${WEB_SOCKET_PATH}?token=${web.token}`, { origin: web.origin });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.pause();
  // Each answer is ~15 KB: four times the bound's worth of requests, paced by this socket's own buffer.
  const requests = Math.ceil((4 * MAX_UNSENT_BYTES) / 15_000);
  for (let sent = 1; sent <= requests; ) {
    if (socket.bufferedAmount < 1 << 20) socket.send(JSON.stringify({ type: 'invoke', id: sent++, method: 'getSnapshot', input: undefined }));
    else await new Promise((resolve) => setTimeout(resolve, 1));
  }
  // Reading again: a station that buffered everything delivers every answer and stays open.
  let answers = 0;
  const outcome = new Promise<'closed' | 'all answered'>((resolve) => {
    socket.once('close', () => resolve('closed'));
    socket.on('message', () => {
      answers += 1;
      if (answers === requests) resolve('all answered');
    });
  });
  socket.resume();
  expect(await outcome).toBe('closed');
  expect(answers).toBeLessThan(requests);
}, 60_000);
