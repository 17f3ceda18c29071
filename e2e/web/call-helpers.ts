/**
 * Helpers for the video-visit specs: a record of the page's RTCPeerConnections and signalling
 * sockets (installed before the page's own scripts, so tests can read getStats and break the
 * connection the way a network would), a real coturn and a stand-alone consultation server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { VIEWPORTS } from './fixtures';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

declare global {
  interface Window {
    __peerConnections: RTCPeerConnection[];
    __sockets: WebSocket[];
    /** Every camera and microphone track getUserMedia gave the page, and how often it was asked. */
    __localMedia: { calls: number; tracks: MediaStreamTrack[] };
    /** The vitals items the page's link sent or applied (traceVitals). */
    __vitalsTrace: TracedItem[];
  }
}

/** Records every getUserMedia call of the context's pages and the tracks it returned (installed before the page's own scripts). */
export async function recordLocalMedia(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    window.__localMedia = { calls: 0, tracks: [] };
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      window.__localMedia.calls += 1;
      const stream = await getUserMedia(constraints);
      window.__localMedia.tracks.push(...stream.getTracks());
      return stream;
    };
  });
}

/** The readyState of every local track the page was given, e.g. ["ended", "ended"]. */
export const localTrackStates = (page: Page): Promise<MediaStreamTrackState[]> => page.evaluate(() => window.__localMedia.tracks.map((track) => track.readyState));

export async function recordConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const NativePeerConnection = window.RTCPeerConnection;
    const NativeWebSocket = window.WebSocket;
    window.__peerConnections = [];
    window.__sockets = [];
    window.RTCPeerConnection = class extends NativePeerConnection {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        window.__peerConnections.push(this);
      }
    };
    window.WebSocket = class extends NativeWebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        window.__sockets.push(this);
      }
    };
  });
}

export interface MediaFlow {
  /** How many RTCPeerConnections the page has made so far. */
  connections: number;
  framesDecoded: number;
  /** The candidate types of the selected pair, e.g. "relay/relay"; null before one is selected. */
  selectedPair: string | null;
}

/** Inbound video frames decoded by the page's newest peer connection, and its selected candidate pair. */
export function mediaFlow(page: Page): Promise<MediaFlow> {
  return page.evaluate(async () => {
    const pc = window.__peerConnections.at(-1);
    if (!pc || pc.signalingState === 'closed') return { connections: window.__peerConnections.length, framesDecoded: 0, selectedPair: null };
    const stats = [...(await pc.getStats()).values()] as (Record<string, unknown> & { id: string; type: string })[];
    const byId = new Map(stats.map((stat) => [stat.id, stat]));
    const framesDecoded = stats.filter((s) => s.type === 'inbound-rtp' && s.kind === 'video').reduce((sum, s) => sum + Number(s.framesDecoded ?? 0), 0);
    const transport = stats.find((s) => s.type === 'transport');
    const pair = byId.get(String(transport?.selectedCandidatePairId ?? ''));
    const selectedPair = pair ? `${byId.get(String(pair.localCandidateId))?.candidateType}/${byId.get(String(pair.remoteCandidateId))?.candidateType}` : null;
    return { connections: window.__peerConnections.length, framesDecoded, selectedPair };
  });
}

/**
 * Frames the <video> element itself presents (requestVideoFrameCallback), counted until `wanted`
 * have come or `timeoutMs` has passed, so a busy machine slows the check instead of failing it.
 */
export function framesPresented(page: Page, selector: string, wanted: number, timeoutMs = 15_000): Promise<number> {
  return page.locator(selector).evaluate(
    (video: HTMLVideoElement, { wanted, timeoutMs }) =>
      new Promise<number>((done) => {
        let frames = 0;
        const timer = setTimeout(() => done(frames), timeoutMs);
        const count = () => {
          frames += 1;
          if (frames >= wanted) {
            clearTimeout(timer);
            done(frames);
          } else video.requestVideoFrameCallback(count);
        };
        video.requestVideoFrameCallback(count);
      }),
    { wanted, timeoutMs },
  );
}

export async function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface Child {
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: the process releases nothing. Resolves once it has exited. */
  crash(): Promise<void>;
}

function track(child: ChildProcess): Child {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    },
    async crash() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitForOutput(child: ChildProcess, handle: Child, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((done, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s:\n${handle.output()}`)), 30_000);
    const check = () => {
      const match = pattern.exec(handle.output());
      if (match) {
        clearTimeout(timer);
        done(match);
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${handle.output()}`));
    });
  });
}

/**
 * Debian's coturn on loopback with the TURN REST shared secret; relays between loopback peers.
 * `maxAllocateLifetimeSeconds` shortens allocations, so clients refresh them (with their
 * credentials) every half lifetime, as Chrome does under two minutes.
 */
export async function startCoturn(options: { maxAllocateLifetimeSeconds?: number } = {}): Promise<Child & { port: number; secret: string }> {
  const port = await freePort();
  const relayPort = 40_000 + Math.floor(Math.random() * 20_000);
  const secret = randomBytes(18).toString('base64url');
  const child = spawn(
    'turnserver',
    ['-n', '--listening-ip', '127.0.0.1', '--listening-port', String(port), '--relay-ip', '127.0.0.1', '--min-port', String(relayPort), '--max-port', String(relayPort + 50),
      '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm', 'vitalbridge.test', '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers',
      '--log-file', 'stdout', '--simple-log', '--pidfile', `/tmp/vb-e2e-turn-${port}.pid`,
      ...(options.maxAllocateLifetimeSeconds ? ['--max-allocate-lifetime', String(options.maxAllocateLifetimeSeconds)] : [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const handle = track(child);
  await waitForOutput(child, handle, /listener opened on|Total (UDP|General) servers/i, 'turnserver');
  return { ...handle, port, secret };
}

/** `npm run start:server` as a child process; resolves with its announced URL. */
export async function startConsultServer(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Child & { url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/node/consult/main.ts', ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const handle = track(child);
  const match = await waitForOutput(child, handle, /^Consult server: (\S+)$/m, 'start:server');
  return { ...handle, url: match[1]! };
}

export interface TracedItem {
  seq: number;
  kind: string;
  /** "deviceId/seq" of each reading the item carries. */
  readings: string[];
}

/** Records the items the page's vitals link sent (station) or applied (clinician). */
export async function traceVitals(context: BrowserContext, hook: '__vitalbridgeVitalsSent' | '__vitalbridgeVitalsReceived'): Promise<void> {
  await context.addInitScript((name) => {
    window.__vitalsTrace = [];
    (window as unknown as Record<string, unknown>)[name] = (seq: number, body: { kind: string; readings?: { deviceId: string; seq: number }[] }) => {
      window.__vitalsTrace.push({ seq, kind: body.kind, readings: (body.readings ?? []).map((reading) => `${reading.deviceId}/${reading.seq}`) });
    };
  }, hook);
}

export const trace = (page: Page) => page.evaluate(() => window.__vitalsTrace);

/** A page at `url` in a context of its own, its connections recorded and its vitals link traced. */
export async function tracedParticipant(browser: Browser, url: string, hook: Parameters<typeof traceVitals>[1], viewport = VIEWPORTS.laptop) {
  const context = await browser.newContext({ viewport, permissions: ['camera', 'microphone'] });
  await recordConnections(context);
  await traceVitals(context, hook);
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

const vitalsSharing = (station: Page) => station.locator('[data-role="vitals-sharing"]');

/** The sequence number of the newest vitals item the station's link has numbered. */
export const lastSeqSent = async (station: Page): Promise<number> => Number(await vitalsSharing(station).getAttribute('data-last-seq'));

/**
 * After a break in the vitals link (both pages traced with traceVitals): waits until the clinician
 * has acked everything the station numbered, items after `beyondSeq` included, then checks that
 * the clinician applied each item exactly once, in order, without a gap, and every reading the
 * station put on the channel in that span.
 */
export async function expectEveryNumericDelivered(clinician: Page, station: Page, beyondSeq: number): Promise<void> {
  const sharing = vitalsSharing(station);
  await expect
    .poll(async () => {
      const [last, acked] = await Promise.all([sharing.getAttribute('data-last-seq'), sharing.getAttribute('data-acked-seq')]);
      return Number(last) > beyondSeq && last === acked;
    }, { timeout: 20_000 })
    .toBe(true);
  // The station keeps publishing: read the clinician's side first, so the station's trace covers it.
  const received = await trace(clinician);
  const sent = await trace(station);
  const receivedSeqs = received.map((item) => item.seq);
  expect(receivedSeqs).toEqual(Array.from({ length: receivedSeqs.length }, (_, i) => receivedSeqs[0]! + i));
  expect(receivedSeqs.at(-1)).toBeGreaterThan(beyondSeq);
  const inSpan = (item: TracedItem) => item.seq >= receivedSeqs[0]! && item.seq <= receivedSeqs.at(-1)!;
  const sentReadings = new Set(sent.filter(inSpan).flatMap((item) => item.readings));
  expect(new Set(received.flatMap((item) => item.readings))).toEqual(sentReadings);
  expect(sentReadings.size).toBeGreaterThan(10);
}
