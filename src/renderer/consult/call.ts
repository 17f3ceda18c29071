/**
 * One participant's side of a video consultation: the signalling socket, a simple-peer connection
 * with the other side, and automatic recovery.
 *
 * For the live-vitals / chat layer (stable interface):
 *   const call = createConsultCall({ signallingUrl, token, role, localStream, onRemoteStream, onStateChange });
 *   call.dataChannel.send(text) → boolean     false when no peer is connected (nothing queued)
 *   call.dataChannel.bufferedAmount() → bytes  of the current RTCDataChannel, for backpressure
 *   call.dataChannel.onMessage(cb) / onOpen(cb) / onClose(cb) → unsubscribe
 *       the object outlives re-negotiation: it re-binds to each fresh peer and onOpen fires again
 *       after every recovery (re-send a snapshot there).
 *   call.sendApp(json) → boolean               small JSON over the signalling server (≤ 16 KiB),
 *   call.onApp(cb) → unsubscribe               works before the media path is up, e.g. in the lobby
 *   call.state                                 the latest CallState (also given to onStateChange)
 *   call.admit()                               station only: let the waiting clinician in
 *   call.replaceLocalStream(stream)            another camera or microphone mid-call
 *   call.peerConnection()                      the current RTCPeerConnection (getStats), or null
 *   call.end()                                 ends the visit for both sides
 *   call.leave()                               closes this side only (page closing); the seat stays
 *                                              claimable with the seat token
 *
 * Recovery: when the peer connection closes, errors, fails ICE, stays "disconnected" for a few
 * seconds or does not connect in time, this side rejoins the signalling server with its seat
 * token; the server tells the other side `peer rejoined` and both negotiate a fresh peer (the
 * station is always the initiator). No click is needed; the state shows `reconnecting` meanwhile.
 *
 * TURN credentials expire (coturn's shared-secret scheme); after that coturn refuses the refreshes
 * that keep an allocation alive, and a relayed call would drop. Before they expire each side asks
 * the server for fresh ones (`ice-servers`), gives them to its peer connection and has ICE restarted
 * (the station restarts it; the clinician asks the station to), so new relay allocations are made
 * with the fresh credentials while the old path still carries the media.
 */
import SimplePeer from 'simple-peer';
import type { ConsultErrorCode, ConsultServerMessage, EndReason, IceConfig, Role, SignalData } from '../../shared/consult/protocol';
import { ReboundDataChannel, type CallDataChannel, type DataPeer } from './peer-data-channel';
import { createSignallingClient, type FinalClose, type SignallingClient, type SignallingClientOptions } from './signalling-client';

export type { CallDataChannel } from './peer-data-channel';

export const CALL_PHASES = ['joining', 'waiting-for-peer', 'lobby', 'connecting', 'connected', 'reconnecting', 'ended', 'refused'] as const;
export type CallPhase = (typeof CALL_PHASES)[number];

export interface CallState {
  phase: CallPhase;
  /** The clinician is past the lobby. */
  admitted: boolean;
  /** The other participant's signalling socket is connected. */
  peerPresent: boolean;
  /** Media must go through TURN (the server's ICE policy). */
  relayOnly: boolean;
  /** Why the visit ended (phase `ended`). */
  endReason: EndReason | null;
  /** Why this participant was refused (phase `refused`). */
  refusal: { code: ConsultErrorCode | 'replaced'; message: string } | null;
}

/** What the call uses of a simple-peer instance (`_pc` is its RTCPeerConnection, public in practice since v9). */
export interface CallPeer extends DataPeer {
  readonly _pc: RTCPeerConnection;
  signal(data: SignalData): void;
  /** Initiator: a new offer; the other side: asks the initiator for one. */
  negotiate(): void;
  destroy(): void;
  on(event: 'signal' | 'connect' | 'stream' | 'data' | 'iceStateChange' | 'error' | 'close', listener: (...args: never[]) => void): unknown;
}

export type PeerFactory = (options: SimplePeer.Options) => CallPeer;

export interface ConsultCallOptions {
  /** ws(s)://…/signal of the consultation server. */
  signallingUrl: string;
  /** Station token, clinician link token or a seat token kept from an earlier join. */
  token: string;
  role: Role;
  localStream?: MediaStream | null;
  onRemoteStream(stream: MediaStream | null): void;
  onStateChange(state: CallState): void;
  /** The token that takes this seat back (keep it, e.g. in sessionStorage, to survive a reload). */
  onSeatToken?(seatToken: string): void;
  /** Overrides for other runtimes and tests. */
  createPeer?: PeerFactory;
  WebSocket?: SignallingClientOptions['WebSocket'];
  timing?: Partial<CallTiming>;
}

export interface CallTiming {
  /** A fresh peer that has not connected after this long is replaced. */
  connectTimeoutMs: number;
  /** ICE "disconnected" that lasts this long counts as a drop (it often heals by itself). */
  disconnectedGraceMs: number;
  /** How often the current peer connection is checked for a silent close. */
  healthCheckMs: number;
  /** Pause before the n-th consecutive recovery (n from 1); the first is immediate. */
  recoveryDelayMs: (attempt: number) => number;
  /** Share of the TURN credentials' remaining lifetime after which fresh ones are fetched. */
  iceRefreshAt: number;
}

const DEFAULT_TIMING: CallTiming = {
  connectTimeoutMs: 20_000,
  disconnectedGraceMs: 4_000,
  healthCheckMs: 1_000,
  recoveryDelayMs: (attempt) => (attempt <= 1 ? 0 : Math.min(10_000, 500 * 2 ** (attempt - 2))),
  iceRefreshAt: 0.75,
};

export interface ConsultCall {
  readonly state: CallState;
  readonly dataChannel: CallDataChannel;
  sendApp(payload: unknown): boolean;
  onApp(listener: (payload: unknown) => void): () => void;
  admit(): boolean;
  replaceLocalStream(stream: MediaStream | null): void;
  peerConnection(): RTCPeerConnection | null;
  end(): void;
  leave(): void;
}

const REFUSAL_MESSAGES: Partial<Record<ConsultErrorCode | 'replaced', string>> = {
  'seat-taken': 'This visit link has already been used by someone else. Ask the station for a new link.',
  'bad-token': 'This visit link is not valid or has expired. Ask the station for a new link.',
  'visit-gone': 'This visit has ended or expired. Ask the station for a new link if you still need to talk.',
  replaced: 'This visit was opened in another window or tab; it continues there.',
};

/** The session id of an SDP offer's origin line (RFC 4566 5.2: o=<username> <sess-id> <sess-version> ...); it stays the same across one connection's renegotiations. */
export function offerSession(sdp: string | undefined): string {
  return /^o=\S+ (\S+) /m.exec(sdp ?? '')?.[1] ?? '';
}

/** What a refused join (or check) means to the person: one sentence and what to do. */
export function refusalOf(close: FinalClose): CallState['refusal'] {
  const code = close.error?.code ?? (close.code === 4001 ? 'replaced' : 'visit-gone');
  return { code, message: REFUSAL_MESSAGES[code] ?? close.error?.message ?? 'The consultation server refused this connection.' };
}

export function createConsultCall(options: ConsultCallOptions): ConsultCall {
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const createPeer: PeerFactory = options.createPeer ?? ((peerOptions) => new SimplePeer(peerOptions) as unknown as CallPeer);
  const isStation = options.role === 'station';
  const dataChannel = new ReboundDataChannel();
  const appListeners = new Set<(payload: unknown) => void>();

  let localStream = options.localStream ?? null;
  let ice: IceConfig | null = null;
  let joined = false;
  let admitted = false;
  let peerPresent = false;
  let everConnected = false;
  let endReason: EndReason | null = null;
  let refusal: CallState['refusal'] = null;
  let peer: CallPeer | null = null;
  let peerConnected = false;
  /**
   * The SDP session (the o= line's id) of the offer the non-initiator peer took: an offer of the same
   * session renegotiates it (an ICE restart); one of another session comes from a fresh station peer.
   */
  let peerOfferSession: string | null = null;
  let recovering = false;
  let recoveries = 0;
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  let disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  let recoveryTimer: ReturnType<typeof setTimeout> | undefined;
  let iceRefreshTimer: ReturnType<typeof setTimeout> | undefined;
  let state: CallState = computeState();

  function computeState(): CallState {
    let phase: CallPhase;
    if (endReason) phase = 'ended';
    else if (refusal) phase = 'refused';
    else if (peerConnected) phase = 'connected';
    else if (recovering || (everConnected && (!joined || !peerPresent || admitted))) phase = 'reconnecting';
    else if (!joined) phase = 'joining';
    else if (!peerPresent) phase = 'waiting-for-peer';
    else if (!admitted) phase = 'lobby';
    else phase = 'connecting';
    return { phase, admitted, peerPresent, relayOnly: ice?.iceTransportPolicy === 'relay', endReason, refusal };
  }

  const publish = () => {
    const next = computeState();
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    state = next;
    options.onStateChange(state);
  };

  const clearPeerTimers = () => {
    clearTimeout(connectTimer);
    clearTimeout(disconnectedTimer);
  };

  const discardPeer = () => {
    clearPeerTimers();
    const old = peer;
    peer = null;
    peerOfferSession = null;
    if (peerConnected) options.onRemoteStream(null);
    peerConnected = false;
    dataChannel.closed();
    old?.destroy();
  };

  const startPeer = () => {
    discardPeer();
    if (!ice || endReason || refusal) return;
    const fresh = createPeer({
      initiator: isStation,
      trickle: true,
      config: { iceServers: ice.iceServers, iceTransportPolicy: ice.iceTransportPolicy },
      streams: localStream ? [localStream] : [],
    });
    peer = fresh;
    const isCurrent = () => peer === fresh;
    fresh.on('signal', (data: SignalData) => {
      if (isCurrent()) signalling.send({ type: 'signal', data });
    });
    fresh.on('connect', () => {
      if (!isCurrent()) return;
      clearPeerTimers();
      peerConnected = true;
      everConnected = true;
      recovering = false;
      recoveries = 0;
      publish();
      dataChannel.opened(fresh);
    });
    fresh.on('stream', (stream: MediaStream) => {
      if (isCurrent()) options.onRemoteStream(stream);
    });
    fresh.on('data', (data: unknown) => {
      if (isCurrent()) dataChannel.received(data);
    });
    fresh.on('iceStateChange', (iceState: RTCIceConnectionState) => {
      if (!isCurrent()) return;
      clearTimeout(disconnectedTimer);
      if (iceState === 'disconnected') disconnectedTimer = setTimeout(() => isCurrent() && recover(), timing.disconnectedGraceMs);
    });
    // simple-peer emits 'error' then 'close' on failure (ICE failed, channel closed, bad SDP).
    fresh.on('error', () => isCurrent() && recover());
    fresh.on('close', () => isCurrent() && recover());
    connectTimer = setTimeout(() => isCurrent() && !peerConnected && recover(), timing.connectTimeoutMs);
    publish();
  };

  /** Drops the broken peer and rejoins, so both sides negotiate afresh through the server. */
  const recover = () => {
    if (endReason || refusal || recovering) return;
    recovering = true;
    discardPeer();
    publish();
    recoveries += 1;
    clearTimeout(recoveryTimer);
    recoveryTimer = setTimeout(() => signalling.rejoin(), timing.recoveryDelayMs(recoveries));
  };

  /** Keeps the ICE configuration and fetches the next one before its TURN credentials expire. */
  const takeIce = (next: IceConfig) => {
    ice = next;
    clearTimeout(iceRefreshTimer);
    if (next.expiresAt === null) return;
    const refreshInMs = Math.max(1_000, (next.expiresAt - Date.now()) * timing.iceRefreshAt);
    iceRefreshTimer = setTimeout(() => signalling.send({ type: 'ice-servers' }), refreshInMs);
  };

  /** Fresh credentials for the running peer: new allocations come from an ICE restart. */
  const renewIce = (next: IceConfig) => {
    takeIce(next);
    if (!peer || !peerConnected) return;
    peer._pc.setConfiguration({ ...peer._pc.getConfiguration(), iceServers: next.iceServers });
    if (isStation) peer._pc.restartIce();
    peer.negotiate();
  };

  const onMessage = (message: ConsultServerMessage) => {
    switch (message.type) {
      case 'welcome':
        joined = true;
        admitted = message.admitted;
        peerPresent = message.peerPresent;
        takeIce(message.ice);
        // A (re)join always starts a fresh negotiation: the other side hears `peer rejoined`.
        recovering = false;
        if (admitted && peerPresent) startPeer();
        else discardPeer();
        break;
      case 'peer':
        peerPresent = message.event !== 'left';
        admitted = message.admitted;
        // A peer that left may still have working media until it comes back; then both start over.
        if (message.event !== 'left') {
          if (admitted) startPeer();
          else discardPeer();
        }
        break;
      case 'admitted':
        admitted = true;
        if (message.ice) takeIce(message.ice);
        if (peerPresent && !peer) startPeer();
        break;
      case 'signal':
        handleSignal(message.data);
        break;
      case 'app':
        for (const listener of [...appListeners]) {
          try {
            listener(message.payload);
          } catch (error) {
            console.error('call app listener failed', error);
          }
        }
        break;
      case 'ice-servers':
        renewIce(message.ice);
        break;
      case 'ended':
        endReason = message.reason;
        stop();
        signalling.close();
        break;
      case 'error':
        // Refusals arrive with their closing code (onFinalClose); a dropped relay is healed by recovery.
        break;
    }
    publish();
  };

  const handleSignal = (data: SignalData) => {
    if (isStation) {
      // An answer for an offer this peer never made (a stale one from before a re-negotiation) would break it.
      if (!peer || (data.type === 'answer' && peer._pc.signalingState !== 'have-local-offer')) return;
      // The clinician asks for a new offer when it has fresh TURN credentials: its relay needs an ICE restart.
      if (data.type === 'renegotiate') peer._pc.restartIce();
      peer.signal(data);
      return;
    }
    if (data.type === 'offer') {
      const session = offerSession(data.sdp);
      if (!peer || (peerOfferSession !== null && session !== peerOfferSession)) startPeer();
      peerOfferSession = session;
    }
    peer?.signal(data);
  };

  const signalling: SignallingClient = createSignallingClient({
    url: options.signallingUrl,
    token: options.token,
    WebSocket: options.WebSocket,
    onSeatToken: options.onSeatToken,
    onMessage,
    onDisconnected: () => {
      joined = false;
      publish();
    },
    onFinalClose: (close) => {
      joined = false;
      stop();
      if (!endReason) refusal = refusalOf(close);
      publish();
    },
  });

  // pc.close() from outside fires no event on the closing side; notice it here.
  const healthCheck = setInterval(() => {
    if (peer && peer._pc?.signalingState === 'closed') recover();
  }, timing.healthCheckMs);

  const stop = () => {
    clearInterval(healthCheck);
    clearTimeout(recoveryTimer);
    clearTimeout(iceRefreshTimer);
    discardPeer();
  };

  return {
    get state() {
      return state;
    },
    dataChannel,
    sendApp: (payload) => signalling.send({ type: 'app', payload: payload as never }),
    onApp(listener) {
      appListeners.add(listener);
      return () => void appListeners.delete(listener);
    },
    admit: () => signalling.send({ type: 'admit' }),
    replaceLocalStream(stream) {
      localStream = stream;
      const senders = peer?._pc?.getSenders() ?? [];
      if (!peer || !peerConnected || senders.length === 0) return;
      const tracks = stream?.getTracks() ?? [];
      const sameKinds = senders.length === tracks.length && senders.every((sender) => tracks.some((track) => track.kind === sender.track?.kind));
      if (!sameKinds) {
        // A new kind of track needs a new offer: negotiate a fresh peer with the new stream.
        recover();
        return;
      }
      for (const sender of senders) void sender.replaceTrack(tracks.find((track) => track.kind === sender.track?.kind) ?? null).catch(() => recover());
    },
    peerConnection: () => peer?._pc ?? null,
    end() {
      if (!endReason && !refusal) signalling.send({ type: 'end' });
      endReason ??= options.role === 'station' ? 'ended-by-station' : 'ended-by-clinician';
      stop();
      signalling.close();
      publish();
    },
    leave() {
      stop();
      signalling.close();
    },
  };
}
