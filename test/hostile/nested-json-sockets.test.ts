/**
 * Issue 13 item 1: one 12 KB message of 6,000 nested brackets overflowed zod's recursive JSON
 * schema inside the signalling socket's message listener and killed the consultation server, and
 * with it a web station embedding it. Here the reproduction and a fast-check fuzz (deep, wide, huge
 * and malformed JSON, text and binary) go to every socket of two real processes: a stand-alone
 * consultation server and a web-mode station (its contract socket and its embedded consultation
 * server). Each process must stay up, and a visit and the vitals stream already running for other
 * clients must carry on.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startConsultServer, type Child } from '../../e2e/web/call-helpers';
import { startWebStation, type WebStation } from '../../e2e/web/web-station';
import { SignalClient } from '../../src/node/consult/test-client';
import { SIGNAL_PATH, type CreatedVisit } from '../../src/shared/consult/protocol';
import { WEB_SOCKET_PATH, type ServerMessage } from '../../src/shared/contract';
import { VISIT_CONSENT_STATEMENT } from '../../src/shared/contract-visit';

const REPRODUCTION = `{"type":"app","payload":${'['.repeat(6000)}${']'.repeat(6000)}}`;
const FUZZ_RUNS = 40;

/** Any arrays and objects nested `depth` deep around `inner`. */
const nested = (depth: number, kind: 'array' | 'object', inner = '0'): string =>
  kind === 'array' ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;

const deepJson = fc
  .record({ depth: fc.integer({ min: 33, max: 30_000 }), kind: fc.constantFrom('array' as const, 'object' as const), closed: fc.boolean() })
  .map(({ depth, kind, closed }) => (closed ? nested(depth, kind) : nested(depth, kind).slice(0, depth * 2)));
const wideJson = fc.integer({ min: 1, max: 40_000 }).map((width) => `[${Array.from({ length: width }, () => '[]').join(',')}]`);
const hugeText = fc.integer({ min: 65 * 1024, max: 200 * 1024 }).map((size) => `{"type":"app","payload":"${'x'.repeat(size)}"}`);
const junk = fc.oneof(fc.string({ maxLength: 2_000 }), fc.constantFrom('', '{', '[', '"', '{"type":', 'null', '1e999', '\u0000', '{"__proto__":{"x":1}}'));

/** A hostile value put where each protocol accepts free-form data. */
function hostileFrame(wrap: (value: string) => string): fc.Arbitrary<string | Buffer> {
  return fc.oneof(
    deepJson.map(wrap),
    deepJson,
    wideJson.map(wrap),
    hugeText,
    junk,
    junk.map(wrap),
    fc.uint8Array({ maxLength: 4_096 }).map((bytes) => Buffer.from(bytes)),
  );
}

/**
 * Opens a fresh socket, sends one frame and resolves once the server answered it (`isAnswer`) or
 * closed the connection: either is fine, as long as the process lives on.
 */
async function probe(url: string, origin: string | undefined, frame: string | Buffer, isAnswer: (message: unknown) => boolean): Promise<'answered' | 'closed'> {
  const ws = new WebSocket(url, origin ? { origin } : {});
  return new Promise((resolve, reject) => {
    const done = (outcome: 'answered' | 'closed') => {
      ws.terminate();
      resolve(outcome);
    };
    ws.once('open', () => ws.send(frame, { binary: Buffer.isBuffer(frame) }));
    ws.on('message', (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (isAnswer(message)) done('answered');
    });
    ws.once('close', () => done('closed'));
    // A refused connection (the server is gone) is the failure this test looks for.
    ws.once('error', (error) => (ws.readyState === WebSocket.CONNECTING ? reject(error) : undefined));
  });
}

const signalAnswer = (message: unknown) => (message as { type?: unknown }).type === 'error';
const contractAnswer = (message: unknown) => (message as { type?: unknown }).type === 'result';

/** A station and a clinician seated in one visit, relaying app messages to each other. */
async function seatVisit(consultUrl: string, stationToken: string, clinicianToken: string): Promise<{ station: SignalClient; clinician: SignalClient }> {
  const { client: station } = await SignalClient.join(consultUrl, stationToken);
  const { client: clinician } = await SignalClient.join(consultUrl, clinicianToken);
  station.send({ type: 'admit' });
  await clinician.next('admitted');
  return { station, clinician };
}

/** The visit still relays: an app message from the station reaches the clinician. */
async function expectVisitRelays({ station, clinician }: { station: SignalClient; clinician: SignalClient }, marker: number): Promise<void> {
  station.send({ type: 'app', payload: { marker } });
  let relayed;
  do relayed = await clinician.next('app');
  while ((relayed.payload as { marker?: number } | null)?.marker !== marker);
}

describe('stand-alone consultation server under nested, wide, huge and malformed JSON', () => {
  const STATION_KEY = 'hostile-nested-json-station-key-0123456789';
  let server: Child & { url: string };
  let visit: { station: SignalClient; clinician: SignalClient };

  beforeAll(async () => {
    server = await startConsultServer(['--port', '0'], { VITALBRIDGE_CONSULT_STATION_KEY: STATION_KEY });
    const response = await fetch(`${server.url}/api/visits`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${STATION_KEY}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    const created = (await response.json()) as CreatedVisit;
    visit = await seatVisit(server.url, created.stationToken, created.clinicianToken);
  }, 60_000);

  afterAll(async () => {
    visit?.station.ws.terminate();
    visit?.clinician.ws.terminate();
    await server?.stop();
  });

  const signalUrl = () => new URL(SIGNAL_PATH, server.url.replace(/^http/, 'ws')).href;

  it('answers the 12 KB reproduction with an error and keeps relaying the visit', async () => {
    expect(await probe(signalUrl(), undefined, REPRODUCTION, signalAnswer)).toBe('answered');
    await expectVisitRelays(visit, 1);
    expect(server.output()).not.toMatch(/RangeError|Maximum call stack/);
  });

  it('survives fuzzed frames before and after joining, and the visit relays after each', { timeout: 240_000 }, async () => {
    let marker = 100;
    await fc.assert(
      fc.asyncProperty(hostileFrame((value) => `{"type":"app","payload":${value}}`), async (frame) => {
        await probe(signalUrl(), undefined, frame, signalAnswer);
        await expectVisitRelays(visit, ++marker);
      }),
      { numRuns: FUZZ_RUNS },
    );
    // A joined participant's own hostile message costs it at most its connection, never the peer's.
    visit.station.sendRaw(REPRODUCTION);
    expect(await visit.station.next('error')).toMatchObject({ code: 'bad-message' });
    await expectVisitRelays(visit, ++marker);
  });
});

describe('web-mode station under nested, wide, huge and malformed JSON', () => {
  let station: WebStation;
  let origin: string;
  let contractUrl: string;
  let signalUrl: string;
  let visit: { station: SignalClient; clinician: SignalClient };
  let screen: WebSocket;
  /** Frame events the signed-in screen received so far. */
  let frames = 0;

  /** Invokes a contract method on the signed-in screen and resolves with its output. */
  let invoke: (method: string, input?: unknown) => Promise<unknown>;

  beforeAll(async () => {
    station = await startWebStation();
    const url = new URL(station.url);
    origin = url.origin;
    contractUrl = `ws://${url.host}${WEB_SOCKET_PATH}?token=${url.searchParams.get('token')}`;
    screen = new WebSocket(contractUrl, { origin });
    const pending = new Map<number, (message: ServerMessage) => void>();
    screen.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'event' && message.event === 'frame') frames++;
      if (message.type === 'result' && message.id !== null) pending.get(message.id)?.(message);
    });
    await new Promise((resolve, reject) => screen.once('open', resolve).once('error', reject));
    let nextId = 1;
    invoke = (method, input) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, (message) => (message.type === 'result' && message.ok ? resolve(message.output) : reject(new Error(`${method}: ${JSON.stringify(message)}`))));
        screen.send(JSON.stringify({ type: 'invoke', id, method, input }));
      });
    const nurse = await station.accounts.create('nurse');
    expect(await invoke('signIn', { username: nurse.username, password: nurse.password, totp: nurse.freshCode() })).toMatchObject({ ok: true });
    const consent = (await invoke('recordVisitConsent', { statementVersion: VISIT_CONSENT_STATEMENT.version, accepted: true })) as { consentId: string };
    const started = (await invoke('startVisit', { consentId: consent.consentId })) as { stationToken: string; signallingUrl: string; clinicianUrl: string };
    signalUrl = started.signallingUrl;
    const consultUrl = new URL(started.clinicianUrl).origin;
    const clinicianToken = new URLSearchParams(new URL(started.clinicianUrl).hash.slice(1)).get('token')!;
    visit = await seatVisit(consultUrl, started.stationToken, clinicianToken);
  }, 180_000);

  afterAll(async () => {
    screen?.terminate();
    visit?.station.ws.terminate();
    visit?.clinician.ws.terminate();
    await station?.stop();
  });

  /** The signed-in screen's vitals keep coming: more frame events arrive. */
  const expectVitalsFlow = async () => {
    const before = frames;
    await expect.poll(() => frames, { timeout: 10_000, interval: 50 }).toBeGreaterThan(before);
  };

  it('answers the 12 KB reproduction on the embedded consultation server and keeps the station, visit and vitals', async () => {
    expect(await probe(signalUrl, undefined, REPRODUCTION, signalAnswer)).toBe('answered');
    await expectVisitRelays(visit, 1);
    await expectVitalsFlow();
  });

  it('survives fuzzed frames on the embedded consultation server', { timeout: 240_000 }, async () => {
    let marker = 100;
    await fc.assert(
      fc.asyncProperty(hostileFrame((value) => `{"type":"signal","data":${value}}`), async (frame) => {
        await probe(signalUrl, undefined, frame, signalAnswer);
        await expectVisitRelays(visit, ++marker);
      }),
      { numRuns: FUZZ_RUNS },
    );
    await expectVitalsFlow();
  });

  it('survives fuzzed frames on the contract socket, each answered or closed, with the screen still served', { timeout: 240_000 }, async () => {
    let marker = 1_000;
    await fc.assert(
      fc.asyncProperty(hostileFrame((value) => `{"type":"invoke","id":7,"method":"signIn","input":${value}}`), async (frame) => {
        await probe(contractUrl, origin, frame, contractAnswer);
        await expectVisitRelays(visit, ++marker);
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(await probe(contractUrl, origin, `{"type":"invoke","id":7,"method":"signIn","input":${nested(6000, 'array')}}`, contractAnswer)).toBe('answered');
    await expectVitalsFlow();
    expect(await invoke('getAccessState')).toMatchObject({ user: { role: 'nurse' } });
    expect(station.stderr()).not.toMatch(/RangeError|Maximum call stack|exited/);
  });
});
