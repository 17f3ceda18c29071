/**
 * createConsultCall (src/renderer/consult/call.ts) against the real consultation server (src/node/consult) with in-memory peers in
 * place of WebRTC: lobby and admission, the data channel, recovery after a dropped peer or socket,
 * stale answers, a refused third party and ending. Browsers run the real simple-peer in e2e/web.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { LINK_TOKEN_PARAM, SIGNAL_PATH, type SignalData } from '../src/shared/consult/protocol';
import { createConsultServer, type ConsultServer } from '../src/node/consult/server';
import { createConsultCall, offerSession, type CallPeer, type CallState, type ConsultCall } from '../src/renderer/consult/call';

/** An SDP whose origin line names the offering peer as its session, as a browser's names its connection. */
const sdpOf = (session: string) => `v=0\r\no=- ${session} 2 IN IP4 127.0.0.1\r\ns=-\r\n`;

/** Peers that "connect" once the initiator's offer was answered; messages go to the partner. */
class FakePeer extends EventEmitter implements CallPeer {
  static created: FakePeer[] = [];
  static offers = new Map<string, FakePeer>();
  connected = false;
  bufferSize = 0;
  partner: FakePeer | null = null;
  /** What the call did to the connection's ICE: each configuration given, each restart. */
  readonly ice = { configurations: [] as RTCConfiguration[], restarts: 0, negotiations: 0 };
  readonly _pc = {
    signalingState: 'stable' as RTCSignalingState,
    getConfiguration: () => ({ bundlePolicy: 'max-bundle' }) as RTCConfiguration,
    setConfiguration: (configuration: RTCConfiguration) => void this.ice.configurations.push(configuration),
    restartIce: () => void (this.ice.restarts += 1),
  } as RTCPeerConnection & { signalingState: RTCSignalingState };
  readonly id = `p${FakePeer.created.length}`;

  constructor(
    readonly initiator: boolean,
    /** The configuration the call created the connection with. */
    readonly config: RTCConfiguration = {},
  ) {
    super();
    FakePeer.created.push(this);
    if (initiator) {
      FakePeer.offers.set(this.id, this);
      this._pc.signalingState = 'have-local-offer';
      queueMicrotask(() => this.emit('signal', { type: 'offer', sdp: sdpOf(this.id) } satisfies SignalData));
    }
  }

  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  signal(data: SignalData): void {
    if (this._pc.signalingState === 'closed') return;
    // As simple-peer: the other side's request for a new offer makes the initiator negotiate.
    if (data.type === 'renegotiate' && this.initiator) return this.negotiate();
    if (data.type === 'offer' && !this.initiator) {
      this.partner = FakePeer.offers.get(offerSession(data.sdp)) ?? null;
      queueMicrotask(() => this.emit('signal', { type: 'answer', sdp: data.sdp } satisfies SignalData));
    } else if (data.type === 'answer' && this.initiator) {
      if (offerSession(data.sdp) !== this.id) throw new Error('answer to another offer');
      this._pc.signalingState = 'stable';
      const responder = FakePeer.created.find((peer) => peer.partner === this && peer._pc.signalingState !== 'closed');
      if (!responder) return;
      this.partner = responder;
      for (const peer of [this, responder]) {
        peer.connected = true;
        peer.emit('connect');
      }
    }
  }

  send(text: string): void {
    this.partner?.emit('data', new TextEncoder().encode(text));
  }

  /** As simple-peer: the initiator makes a new offer of its same session, the other side asks it for one. */
  negotiate(): void {
    this.ice.negotiations += 1;
    if (this.initiator) this._pc.signalingState = 'have-local-offer';
    const signal: SignalData = this.initiator ? { type: 'offer', sdp: sdpOf(this.id) } : { type: 'renegotiate', renegotiate: true };
    queueMicrotask(() => this.emit('signal', signal));
  }

  /** What the network does to a peer: it closes. */
  fail(): void {
    this.emit('error', new Error('Ice connection failed.'));
    this.emit('close');
  }

  destroy(): void {
    this._pc.signalingState = 'closed';
    this.connected = false;
  }
}

const servers: ConsultServer[] = [];
const calls: ConsultCall[] = [];
/** Every signalling socket the calls opened, newest last. */
const sockets: WebSocket[] = [];
class RecordingWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    sockets.push(this);
  }
}
afterEach(async () => {
  for (const call of calls.splice(0)) call.leave();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  FakePeer.created = [];
  FakePeer.offers.clear();
  sockets.length = 0;
});

interface Side {
  call: ConsultCall;
  states: CallState['phase'][];
  opens: number;
  received: string[];
}

function join(server: ConsultServer, token: string, role: 'station' | 'clinician'): Side {
  const side = { states: [], opens: 0, received: [] } as Omit<Side, 'call'> & { call?: ConsultCall };
  const call = createConsultCall({
    signallingUrl: `${server.url.replace('http', 'ws')}${SIGNAL_PATH}`,
    token,
    role,
    onRemoteStream: () => undefined,
    onStateChange: (state) => side.states.push(state.phase),
    createPeer: (options) => new FakePeer(options.initiator === true, options.config),
    WebSocket: RecordingWebSocket as unknown as typeof globalThis.WebSocket,
    timing: { recoveryDelayMs: () => 0, healthCheckMs: 20 },
  });
  call.dataChannel.onOpen(() => (side.opens += 1));
  call.dataChannel.onMessage((text) => side.received.push(text));
  calls.push(call);
  side.call = call;
  return side as Side;
}

const phase = (side: Side) => side.call.state.phase;

async function visitWithBothSides(serverOptions: Parameters<typeof createConsultServer>[0] = {}) {
  const server = await createConsultServer(serverOptions);
  servers.push(server);
  const visit = await server.createVisit();
  const link = new URLSearchParams(new URL(visit.clinicianUrl).hash.slice(1)).get(LINK_TOKEN_PARAM)!;
  const station = join(server, visit.stationToken, 'station');
  await vi.waitFor(() => expect(phase(station)).toBe('waiting-for-peer'));
  const clinician = join(server, link, 'clinician');
  await vi.waitFor(() => expect([phase(station), phase(clinician)]).toEqual(['lobby', 'lobby']));
  return { server, visit, link, station, clinician };
}

describe('consultation call', () => {
  it('connects after admission and carries data-channel messages both ways', async () => {
    const { station, clinician } = await visitWithBothSides();
    expect(FakePeer.created).toHaveLength(0);
    expect(station.call.admit()).toBe(true);
    await vi.waitFor(() => expect([phase(station), phase(clinician)]).toEqual(['connected', 'connected']));
    expect([station.opens, clinician.opens]).toEqual([1, 1]);
    expect(station.call.dataChannel.send('{"vitals":1}')).toBe(true);
    expect(clinician.call.dataChannel.send('ack')).toBe(true);
    await vi.waitFor(() => expect([clinician.received, station.received]).toEqual([['{"vitals":1}'], ['ack']]));
    expect(station.states).toEqual(['waiting-for-peer', 'lobby', 'connecting', 'connected']);
    expect(clinician.states).toEqual(['lobby', 'connecting', 'connected']);
  });

  it('recovers by itself when a peer connection fails: both sides renegotiate and the data channel reopens', async () => {
    const { station, clinician } = await visitWithBothSides();
    station.call.admit();
    await vi.waitFor(() => expect(phase(clinician)).toBe('connected'));
    const first = FakePeer.created.length;
    FakePeer.created.find((peer) => !peer.initiator)!.fail();
    expect(phase(clinician)).toBe('reconnecting');
    expect(clinician.call.dataChannel.send('lost')).toBe(false);
    await vi.waitFor(() => expect([phase(station), phase(clinician)]).toEqual(['connected', 'connected']));
    expect(FakePeer.created.length).toBeGreaterThan(first);
    expect([station.opens, clinician.opens]).toEqual([2, 2]);
    expect(clinician.states).toContain('reconnecting');
    station.call.dataChannel.send('after recovery');
    await vi.waitFor(() => expect(clinician.received).toEqual(['after recovery']));
  });

  it('notices a peer connection closed from outside (no event) and recovers', async () => {
    const { station, clinician } = await visitWithBothSides();
    station.call.admit();
    await vi.waitFor(() => expect(phase(station)).toBe('connected'));
    (station.call.peerConnection() as { signalingState: string }).signalingState = 'closed';
    await vi.waitFor(() => expect(station.states).toContain('reconnecting'));
    await vi.waitFor(() => expect([phase(station), phase(clinician), station.opens]).toEqual(['connected', 'connected', 2]));
  });

  it('rejoins with its seat token after the signalling socket drops, and ignores a stale answer', async () => {
    const { station, clinician } = await visitWithBothSides();
    station.call.admit();
    await vi.waitFor(() => expect(phase(clinician)).toBe('connected'));
    const peersBefore = FakePeer.created.length;
    // The clinician's socket dies without a close handshake, as on a lost network.
    sockets.at(-1)!.terminate();
    await vi.waitFor(() => expect(FakePeer.created.length).toBeGreaterThan(peersBefore));
    await vi.waitFor(() => expect([phase(station), phase(clinician), clinician.opens]).toEqual(['connected', 'connected', 2]));

    // An answer the station's current peer did not ask for never reaches it.
    const peersNow = FakePeer.created.length;
    sockets.at(-1)!.send(JSON.stringify({ type: 'signal', data: { type: 'answer', sdp: 'stale-offer' } }));
    clinician.call.dataChannel.send('still here');
    await vi.waitFor(() => expect(station.received).toEqual(['still here']));
    expect([phase(station), FakePeer.created.length]).toEqual(['connected', peersNow]);
  });

  it('refuses a third party holding the same link, clearly', async () => {
    const { server, link } = await visitWithBothSides();
    const intruder = join(server, link, 'clinician');
    await vi.waitFor(() => expect(phase(intruder)).toBe('refused'));
    expect(intruder.call.state.refusal).toMatchObject({ code: 'seat-taken', message: expect.stringMatching(/already been used by someone else/) });
  });

  it('ends the visit for both sides', async () => {
    const { station, clinician } = await visitWithBothSides();
    station.call.admit();
    await vi.waitFor(() => expect(phase(clinician)).toBe('connected'));
    clinician.call.end();
    await vi.waitFor(() => expect(station.call.state).toMatchObject({ phase: 'ended', endReason: 'ended-by-clinician' }));
    expect(clinician.call.state.phase).toBe('ended');
    expect(station.call.dataChannel.send('x')).toBe(false);
  });

  it('tells a side whose rejoin comes after the end who ended the visit, not that the link is gone', async () => {
    const { station, clinician } = await visitWithBothSides();
    station.call.admit();
    await vi.waitFor(() => expect(phase(clinician)).toBe('connected'));
    // The clinician's socket drops; it rejoins after its backoff, by which time the station has ended the visit.
    const clinicianSocket = sockets[1]!;
    clinicianSocket.close();
    // Closed, and its replacement not opened yet (the first reconnect waits 500 ms).
    await vi.waitFor(() => expect([clinicianSocket.readyState, sockets.length]).toEqual([WebSocket.CLOSED, 2]));
    station.call.end();
    await vi.waitFor(() => expect(['ended', 'refused']).toContain(phase(clinician)), { timeout: 5_000 });
    expect(clinician.call.state).toMatchObject({ phase: 'ended', endReason: 'ended-by-station', refusal: null });
  });

  it('renews TURN credentials before they expire, on the running peers, with an ICE restart and no new peer', async () => {
    // Credentials that last 2 s (coturn's expiry has whole-second steps), fetched again at half their life.
    const { station, clinician } = await visitWithBothSides({ ice: { turn: { urls: ['turn:127.0.0.1:3478'], secret: 'test-secret', ttlSeconds: 2 }, relayOnly: true } });
    station.call.admit();
    await vi.waitFor(() => expect([phase(station), phase(clinician)]).toEqual(['connected', 'connected']));
    const [stationPeer, clinicianPeer] = [FakePeer.created.find((p) => p.initiator)!, FakePeer.created.find((p) => !p.initiator)!];
    const usernameOf = (configuration: RTCConfiguration | undefined) => (configuration?.iceServers?.[0] as RTCIceServer | undefined)?.username ?? '';
    const expiryOf = (configuration: RTCConfiguration | undefined) => Number(usernameOf(configuration).split(':')[0]);
    const within = { timeout: 10_000 };
    await vi.waitFor(() => expect(Math.min(stationPeer.ice.configurations.length, clinicianPeer.ice.configurations.length)).toBeGreaterThanOrEqual(1), within);
    for (const peer of [stationPeer, clinicianPeer]) {
      // A credential that expires later than the one the connection was made with (its username starts with its expiry), the rest of the configuration kept.
      expect(expiryOf(peer.ice.configurations[0])).toBeGreaterThan(expiryOf(peer.config));
      expect(peer.ice.configurations[0]).toMatchObject({ bundlePolicy: 'max-bundle' });
    }
    // The station restarts ICE and makes a new offer for its own renewal, and again when the clinician asks after its own.
    await vi.waitFor(() => expect(Math.min(stationPeer.ice.restarts, stationPeer.ice.negotiations)).toBeGreaterThanOrEqual(2), within);
    // The clinician never restarts ICE itself: it asks the station, whose new offers renegotiate its running peer (same SDP session).
    expect(clinicianPeer.ice.restarts).toBe(0);
    expect(clinicianPeer.ice.negotiations).toBeGreaterThanOrEqual(1);
    expect(FakePeer.created).toHaveLength(2);
    expect([phase(station), phase(clinician)]).toEqual(['connected', 'connected']);
  });
});
