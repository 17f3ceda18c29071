/**
 * The signalling side of the consultation server: one Participant per WebSocket, seated in a visit
 * by a verified token, relaying only to the other seat of the same visit. State that other instances
 * need goes through the VisitStore; everything addressed to a participant goes through the VisitBus,
 * even on a single instance, so one code path serves both deployments.
 */
import { randomBytes } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import {
  CONSULT_CLOSE_CODES,
  ConsultClientMessageSchema,
  type ConsultClientMessage,
  type ConsultErrorCode,
  type ConsultServerMessage,
  type CreatedVisit,
  type CreateVisitRequest,
  CreateVisitRequestSchema,
  type EndReason,
  LINK_TOKEN_PARAM,
  MAX_SIGNAL_MESSAGE_BYTES,
  type Role,
} from '../../shared/consult/protocol';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../shared/bounded-json';
import { logError, logText } from '../../shared/log-text';
import { TokenBucket } from './rate-limiter';
import { iceConfigFor, type IceSettings } from './turn-credentials';
import type { BusEvent, VisitBus } from './visit-bus';
import { decideSeat, instanceOfHolder, type VisitStore } from './visit-store';
import type { VisitTokenSigner } from './visit-token';

export interface SignallingLimits {
  /** Sustained messages per second per connection. */
  messagesPerSecond: number;
  /** Messages a connection may send at once (ICE candidates come in bursts). */
  burst: number;
  /** A joined connection dropping this many messages in a row is flooding and is closed (1008). */
  floodCloseAfter: number;
  /** A connection must join within this time. */
  joinTimeoutMs: number;
  /** Ping interval; a connection that missed the previous ping's pong is dropped. */
  heartbeatMs: number;
  /** How often the instances holding this instance's participants' peers are checked for a lapsed lease (a crash). */
  peerCheckMs: number;
  /** Default and longest visit lifetime. */
  visitTtlSeconds: number;
  maxVisitTtlSeconds: number;
}

export const DEFAULT_LIMITS: SignallingLimits = {
  messagesPerSecond: 50,
  burst: 200,
  floodCloseAfter: 400,
  joinTimeoutMs: 10_000,
  heartbeatMs: 20_000,
  peerCheckMs: 1_000,
  visitTtlSeconds: 2 * 3600,
  maxVisitTtlSeconds: 24 * 3600,
};

export interface SignallingOptions {
  instanceId: string;
  store: VisitStore;
  bus: VisitBus;
  signer: VisitTokenSigner;
  ice: IceSettings;
  limits: SignallingLimits;
  now: () => number;
  onFault: (message: string) => void;
}

/** How long closing participants get to answer the close handshake when the server stops. */
const CLOSE_GRACE_MS = 2_000;

const otherRole = (role: Role): Role => (role === 'station' ? 'clinician' : 'station');

type JoinRefusal = { code: ConsultErrorCode; close: number; message: string };

const badToken = (reason: string): JoinRefusal => ({ code: 'bad-token', close: CONSULT_CLOSE_CODES.badToken, message: `Visit token refused (${reason})` });

const SEAT_REFUSALS: Record<'gone' | 'ended' | 'taken', JoinRefusal> = {
  gone: { code: 'visit-gone', close: CONSULT_CLOSE_CODES.visitGone, message: 'This visit does not exist or has expired' },
  ended: { code: 'visit-gone', close: CONSULT_CLOSE_CODES.visitGone, message: 'This visit has ended' },
  taken: { code: 'seat-taken', close: CONSULT_CLOSE_CODES.seatTaken, message: 'Someone else already has this seat in the visit' },
};

/** The participants of one visit connected to this instance, and its subscription. */
interface LocalVisit {
  participants: Set<Participant>;
  listener: (event: BusEvent) => void;
  subscribed: Promise<void>;
  expiryTimer?: NodeJS.Timeout;
  ended: boolean;
}

class Participant {
  readonly holder: string;
  state: 'awaiting-join' | 'joining' | 'joined' | 'closed' = 'awaiting-join';
  visitId = '';
  role: Role = 'clinician';
  /** True once the store seated this connection. */
  seated = false;
  admitted = false;
  peerPresent = false;
  /** The connection holding the other seat, as last heard (welcome, or the bus's 'seated'); null when it left. */
  peerHolder: string | null = null;
  alive = true;
  droppedInARow = 0;
  /** Messages are handled one after another, in arrival order. */
  queue: Promise<void> = Promise.resolve();
  joinTimer?: NodeJS.Timeout;

  constructor(
    readonly ws: WebSocket,
    instanceId: string,
    readonly bucket: TokenBucket,
  ) {
    this.holder = `${instanceId}/${randomBytes(9).toString('base64url')}`;
  }

  send(message: ConsultServerMessage): void {
    if (message.type === 'welcome') {
      this.admitted = message.admitted;
      this.peerPresent = message.peerPresent;
    } else if (message.type === 'admitted') {
      this.admitted = true;
    } else if (message.type === 'peer') {
      this.admitted = message.admitted;
      this.peerPresent = message.event !== 'left';
      if (!this.peerPresent) this.peerHolder = null;
    }
    this.sendText(JSON.stringify(message));
  }

  /** A message serialised elsewhere: a relayed signal or app message, which changes no state here. */
  sendText(text: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
  }

  fail(code: ConsultErrorCode, message: string): void {
    this.send({ type: 'error', code, message });
  }

  /** Tells this side the visit is over, and why, and closes its socket for good. */
  endVisit(reason: EndReason): void {
    this.send({ type: 'ended', reason });
    this.close(CONSULT_CLOSE_CODES.visitEnded, reason);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }
}

export class SignallingService {
  readonly #options: SignallingOptions;
  readonly #visits = new Map<string, LocalVisit>();
  readonly #participants = new Set<Participant>();
  readonly #cleanups = new Set<Promise<void>>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #peerCheck: NodeJS.Timeout;
  #checkingPeers = false;

  constructor(options: SignallingOptions) {
    this.#options = options;
    this.#heartbeat = setInterval(() => this.#beat(), options.limits.heartbeatMs);
    this.#heartbeat.unref();
    this.#peerCheck = setInterval(() => void this.#checkPeers(), options.limits.peerCheckMs);
    this.#peerCheck.unref();
  }

  get connectionCount(): number {
    return this.#participants.size;
  }

  /** A new visit with its station token and the link the clinician opens (`clinicianPage` + token in the fragment). */
  async createVisit(request: CreateVisitRequest, clinicianPage: URL): Promise<CreatedVisit> {
    const { autoAdmit, ttlSeconds } = CreateVisitRequestSchema.parse(request);
    const { limits, now, signer, store } = this.#options;
    const visitId = randomBytes(16).toString('base64url');
    const expiresAt = now() + Math.min(ttlSeconds ?? limits.visitTtlSeconds, limits.maxVisitTtlSeconds) * 1000;
    await store.create({ id: visitId, expiresAt, autoAdmit });
    const clinicianToken = signer.sign({ visitId, role: 'clinician', expiresAt });
    const link = new URL(clinicianPage);
    link.hash = new URLSearchParams({ [LINK_TOKEN_PARAM]: clinicianToken }).toString();
    return { visitId, stationToken: signer.sign({ visitId, role: 'station', expiresAt }), clinicianToken, clinicianUrl: link.href, expiresAt };
  }

  /** Whether the visit is open and its clinician, admitted, holds their seat now (on any instance). */
  async clinicianConnected(visitId: string): Promise<boolean> {
    const visit = await this.#options.store.get(visitId);
    return visit !== null && visit.ended === null && visit.admitted && visit.seats.clinician.holder !== null;
  }

  /** Ends a visit from outside the socket protocol (the embedding station); false if it was not open. */
  async endVisit(visitId: string, reason: EndReason): Promise<boolean> {
    if (!(await this.#options.store.end(visitId, reason))) return false;
    await this.#options.bus.publish(visitId, { kind: 'ended', reason });
    return true;
  }

  accept(ws: WebSocket): void {
    const { limits, now } = this.#options;
    const participant = new Participant(ws, this.#options.instanceId, new TokenBucket({ burst: limits.burst, perSecond: limits.messagesPerSecond, now }));
    this.#participants.add(participant);
    participant.joinTimer = setTimeout(() => {
      if (participant.state !== 'awaiting-join') return;
      participant.fail('not-joined', 'No join message in time');
      participant.close(CONSULT_CLOSE_CODES.joinTimeout, 'join timeout');
    }, limits.joinTimeoutMs);
    ws.on('pong', () => {
      participant.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.#receive(participant, data, isBinary));
    ws.on('error', (error: Error) => {
      this.#options.onFault(`socket error: ${logError(error)}`);
      ws.terminate();
    });
    ws.on('close', () => {
      clearTimeout(participant.joinTimer);
      participant.state = 'closed';
      this.#participants.delete(participant);
      this.#enqueue(participant, () => this.#leave(participant), true);
    });
  }

  /** Closes every connection (1001; cut after a grace period) and waits until their seats are released. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    clearInterval(this.#peerCheck);
    const participants = [...this.#participants];
    const closed = Promise.all(participants.map((participant) => new Promise<void>((resolve) => participant.ws.once('close', () => resolve()))));
    for (const participant of participants) participant.close(1001, 'server stopping');
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (grace = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(grace);
    for (const participant of this.#participants) participant.ws.terminate();
    await closed;
    // Each 'close' queued its seat release; wait for them (and any they started).
    while (this.#cleanups.size > 0) await Promise.allSettled([...this.#cleanups]);
    for (const [visitId, visit] of this.#visits) this.#forget(visitId, visit);
  }

  #beat(): void {
    for (const participant of this.#participants) {
      if (!participant.alive) {
        participant.ws.terminate();
        continue;
      }
      participant.alive = false;
      participant.ws.ping();
    }
  }

  /**
   * A peer seated on another instance that crashed never leaves by itself: when that instance's
   * lease lapses, its participants here hear that their peer left (and may wait for it to rejoin,
   * through any instance, with its seat token). One question per other instance, none when alone.
   */
  async #checkPeers(): Promise<void> {
    if (this.#checkingPeers) return;
    const watched = [...this.#participants].filter((participant) => participant.state === 'joined' && participant.peerHolder !== null);
    const elsewhere = watched.map((participant) => instanceOfHolder(participant.peerHolder!)).filter((id) => id !== this.#options.instanceId);
    if (elsewhere.length === 0) return;
    this.#checkingPeers = true;
    try {
      const dead = await this.#options.store.deadInstances(elsewhere);
      for (const participant of watched) {
        if (participant.peerHolder !== null && dead.has(instanceOfHolder(participant.peerHolder)) && participant.state === 'joined') {
          participant.send({ type: 'peer', event: 'left', admitted: participant.admitted });
        }
      }
    } catch (error) {
      this.#options.onFault(`checking peers' instances failed: ${logError(error)}`);
    } finally {
      this.#checkingPeers = false;
    }
  }

  #receive(participant: Participant, data: RawData, isBinary: boolean): void {
    if (participant.state === 'closed') return;
    if (!participant.bucket.take()) {
      participant.droppedInARow += 1;
      if (participant.droppedInARow === 1) participant.fail('rate-limited', 'Too many messages: this one and the next were dropped');
      if (participant.droppedInARow >= this.#options.limits.floodCloseAfter) participant.close(1008, 'flooding');
      return;
    }
    participant.droppedInARow = 0;
    try {
      this.#dispatch(participant, data, isBinary);
    } catch (error) {
      // A message the checks above let through still must not take the server down: only its connection goes.
      this.#options.onFault(`message from visit ${logText(participant.visitId || '(none)')} failed: ${logError(error)}`);
      participant.fail('bad-message', 'The server could not handle this message');
      participant.close(1011, 'message failed');
    }
  }

  #dispatch(participant: Participant, data: RawData, isBinary: boolean): void {
    if (isBinary) return participant.fail('bad-message', 'Malformed message: expected JSON text');
    const json = parseBoundedJson(data.toString(), { maxChars: MAX_SIGNAL_MESSAGE_BYTES, maxDepth: MAX_JSON_DEPTH });
    if (!json.ok) return participant.fail('bad-message', `Malformed message: ${json.error}`);
    const message = ConsultClientMessageSchema.safeParse(json.value);
    if (!message.success) {
      const issue = message.error.issues[0];
      participant.fail('bad-message', `Malformed message${issue ? ` at ${issue.path.join('.') || 'top level'}: ${issue.message}` : ''}`.slice(0, 500));
      return;
    }
    this.#enqueue(participant, () => this.#handle(participant, message.data), false);
  }

  /** Runs `task` after the participant's earlier messages; a failing store becomes an error message. */
  #enqueue(participant: Participant, task: () => Promise<void>, isCleanup: boolean): void {
    const run = participant.queue.then(task).catch((error: unknown) => {
      this.#options.onFault(`visit ${logText(participant.visitId || '(none)')}: ${logError(error)}`);
      participant.fail('unavailable', 'The server could not complete this request; try again');
      if (participant.state === 'joining') participant.close(CONSULT_CLOSE_CODES.unavailable, 'unavailable');
    });
    participant.queue = run;
    if (isCleanup) {
      this.#cleanups.add(run);
      void run.finally(() => this.#cleanups.delete(run));
    }
  }

  async #handle(participant: Participant, message: ConsultClientMessage): Promise<void> {
    if (participant.state === 'closed') return;
    if (message.type === 'join') return this.#join(participant, message.token);
    if (message.type === 'check') return this.#check(participant, message.token);
    if (participant.state !== 'joined') return participant.fail('not-joined', 'Join the visit first');
    const { bus } = this.#options;
    const { visitId, role } = participant;
    switch (message.type) {
      case 'admit':
        if (role !== 'station') return participant.fail('forbidden', 'Only the station admits the clinician');
        if (!(await this.#options.store.admit(visitId))) return participant.fail('visit-gone', 'This visit has ended');
        participant.send({ type: 'admitted' });
        return bus.publish(visitId, { kind: 'deliver', to: 'clinician', message: { type: 'admitted' } });
      case 'signal':
      case 'app':
        if (!participant.admitted) return participant.fail('not-admitted', 'The clinician has not been admitted yet');
        if (!participant.peerPresent) return participant.fail('peer-absent', 'The other participant is not connected');
        // Serialised once, here, from what the schema let through (unknown keys dropped); every instance passes the text on as it is.
        return bus.publish(visitId, {
          kind: 'relay',
          to: otherRole(role),
          text: JSON.stringify(message.type === 'signal' ? { type: 'signal', data: message.data } : { type: 'app', payload: message.payload }),
        });
      case 'end':
        // A clinician still in the lobby has not been let in by the station: the visit is not theirs to end.
        if (role === 'clinician' && !participant.admitted) return participant.fail('not-admitted', 'The clinician has not been admitted yet');
        if (!(await this.endVisit(visitId, role === 'station' ? 'ended-by-station' : 'ended-by-clinician'))) {
          participant.fail('visit-gone', 'This visit has already ended');
        }
        return;
      case 'ice-servers':
        if (role === 'clinician' && !participant.admitted) return participant.fail('not-admitted', 'The clinician has not been admitted yet');
        participant.send({ type: 'ice-servers', ice: this.#iceFor(participant, true) });
        return;
    }
  }

  async #join(participant: Participant, token: string): Promise<void> {
    if (participant.state !== 'awaiting-join') return participant.fail('already-joined', 'This connection has already joined');
    participant.state = 'joining';
    clearTimeout(participant.joinTimer);
    const { store, bus, signer, now } = this.#options;
    const check = signer.verify(token, now());
    if (!check.ok) return this.#refuse(participant, badToken(check.reason));
    const { visitId, role, seatClaim } = check.claims;
    participant.visitId = visitId;
    participant.role = role;

    const local = this.#localVisit(visitId);
    local.participants.add(participant);
    await local.subscribed;
    const seat = await store.claimSeat({ visitId, role, tokenClaim: seatClaim, newClaim: randomBytes(12).toString('base64url'), holder: participant.holder });
    if (!seat.ok && seat.reason === 'ended') {
      // A join that arrives after the end (a side that was rejoining when it came) hears what the connected sides heard.
      return participant.endVisit(seat.endReason);
    }
    if (!seat.ok) return this.#refuse(participant, SEAT_REFUSALS[seat.reason]);
    participant.seated = true;
    if (participant.state !== 'joining') return; // closed while being seated: #leave releases the seat
    participant.state = 'joined';
    local.expiryTimer ??= this.#expireAt(visitId, seat.visit.expiresAt);

    await bus.publish(visitId, { kind: 'seated', role, holder: participant.holder });
    let admitted = seat.visit.admitted;
    if (!admitted && role === 'clinician' && seat.visit.autoAdmit) admitted = await store.admit(visitId);
    const claim = seat.visit.seats[role].claim ?? '';
    participant.peerHolder = seat.visit.seats[otherRole(role)].holder;
    participant.send({
      type: 'welcome',
      visitId,
      role,
      seatToken: signer.sign({ visitId, role, expiresAt: seat.visit.expiresAt, seatClaim: claim }),
      admitted,
      peerPresent: participant.peerHolder !== null,
      initiator: role === 'station',
      ice: this.#iceFor(participant, admitted),
    });
    await bus.publish(visitId, { kind: 'deliver', to: otherRole(role), message: { type: 'peer', event: seat.returning ? 'rejoined' : 'joined', admitted } });
  }

  /** Answers whether a join with `token` would be seated now (as #join decides), seating nobody, and closes. */
  async #check(participant: Participant, token: string): Promise<void> {
    if (participant.state !== 'awaiting-join') return participant.fail('already-joined', 'This connection has already joined');
    participant.state = 'joining';
    clearTimeout(participant.joinTimer);
    const { store, signer, now } = this.#options;
    const check = signer.verify(token, now());
    if (!check.ok) return this.#refuse(participant, badToken(check.reason));
    const visit = await store.get(check.claims.visitId);
    if (!visit) return this.#refuse(participant, SEAT_REFUSALS.gone);
    if (visit.ended) return this.#refuse(participant, SEAT_REFUSALS.ended);
    if (decideSeat(visit.seats[check.claims.role], check.claims.seatClaim) === 'taken') return this.#refuse(participant, SEAT_REFUSALS.taken);
    participant.send({ type: 'joinable' });
    participant.close(1000, 'checked');
  }

  #refuse(participant: Participant, refusal: JoinRefusal): void {
    participant.fail(refusal.code, refusal.message);
    participant.close(refusal.close, refusal.code);
  }

  async #leave(participant: Participant): Promise<void> {
    const { visitId, role } = participant;
    const local = this.#visits.get(visitId);
    if (!local || !local.participants.delete(participant)) return;
    if (participant.seated && !local.ended && (await this.#options.store.releaseSeat(visitId, role, participant.holder))) {
      await this.#options.bus.publish(visitId, { kind: 'deliver', to: otherRole(role), message: { type: 'peer', event: 'left', admitted: participant.admitted } });
    }
    if (local.participants.size === 0 && this.#visits.get(visitId) === local) this.#forget(visitId, local);
  }

  #localVisit(visitId: string): LocalVisit {
    const existing = this.#visits.get(visitId);
    if (existing) return existing;
    const participants = new Set<Participant>();
    const listener = (event: BusEvent) => this.#onBusEvent(visit, event);
    const visit: LocalVisit = { participants, listener, subscribed: this.#options.bus.subscribe(visitId, listener), ended: false };
    this.#visits.set(visitId, visit);
    return visit;
  }

  #forget(visitId: string, visit: LocalVisit): void {
    clearTimeout(visit.expiryTimer);
    this.#visits.delete(visitId);
    this.#options.bus.unsubscribe(visitId, visit.listener).catch((error: unknown) => {
      this.#options.onFault(`unsubscribe ${logText(visitId)}: ${logError(error)}`);
    });
  }

  #onBusEvent(visit: LocalVisit, event: BusEvent): void {
    switch (event.kind) {
      case 'deliver':
        for (const participant of visit.participants) {
          if (participant.state !== 'joined' || participant.role !== event.to) continue;
          // The clinician's TURN credentials come with the admission (see #iceFor).
          participant.send(event.message.type === 'admitted' && participant.role === 'clinician' ? { type: 'admitted', ice: this.#iceFor(participant, true) } : event.message);
        }
        return;
      case 'relay':
        for (const participant of visit.participants) {
          if (participant.state === 'joined' && participant.role === event.to) participant.sendText(event.text);
        }
        return;
      case 'seated':
        for (const participant of visit.participants) {
          if (participant.seated && participant.role === event.role && participant.holder !== event.holder) {
            participant.close(CONSULT_CLOSE_CODES.replaced, 'seat taken by a newer connection');
          } else if (participant.role !== event.role) {
            participant.peerHolder = event.holder;
          }
        }
        return;
      case 'ended':
        this.#finish(visit, event.reason);
        return;
    }
  }

  #finish(visit: LocalVisit, reason: EndReason): void {
    visit.ended = true;
    for (const participant of visit.participants) participant.endVisit(reason);
    clearTimeout(visit.expiryTimer);
  }

  #expireAt(visitId: string, expiresAt: number): NodeJS.Timeout {
    const timer = setTimeout(
      () => {
        const visit = this.#visits.get(visitId);
        if (visit) this.#finish(visit, 'expired');
      },
      Math.max(0, expiresAt - this.#options.now()),
    );
    timer.unref();
    return timer;
  }

  /**
   * TURN credentials let their holder relay traffic through the deployment's TURN server, so a
   * clinician gets them only once admitted (STUN only in the lobby); the station always gets them.
   */
  #iceFor(participant: Participant, admitted: boolean) {
    const { ice, now } = this.#options;
    const mayRelay = participant.role === 'station' || admitted;
    return iceConfigFor(mayRelay ? ice : { ...ice, turn: undefined }, `${participant.visitId}.${participant.role}`, now());
  }
}
