/**
 * Visit state and events shared by several server instances through Redis: one hash per visit
 * (expiring with the visit), changed only by Lua scripts so two instances seating the same role at
 * once cannot both win; one pub/sub channel per visit.
 *
 * Seats carry a lease: each instance keeps a key of its own alive (SEAT_LEASE_MS, renewed four
 * times as often), and a seat whose holder's instance has no live key counts as vacant. An
 * instance that crashes cannot release its seats; they free themselves when its lease lapses, and
 * the other side is told its peer left (signalling.ts), so it neither waits for a ghost nor lets
 * one act: "clinician connected" is false from then on.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../../shared/bounded-json';
import { END_REASONS, MAX_RELAYED_MESSAGE_CHARS, type EndReason, type Role } from '../../shared/consult/protocol';
import { logError, logText } from '../../shared/log-text';
import { BusEventSchema, type BusEvent, type BusListener, type VisitBus } from './visit-bus';
import { instanceOfHolder, type NewVisit, type SeatRequest, type SeatResult, type VisitRecord, type VisitStore } from './visit-store';

/** A crashed instance's seats are vacant this long after its last renewal, at most. */
export const SEAT_LEASE_MS = 7_000;

/** Mirrors decideSeat() in visit-store.ts. Returns {status, returning, displaced}, or {'ended', reason}. */
const CLAIM_SEAT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone'} end
local ended = redis.call('HGET', KEYS[1], 'ended')
if ended then return {'ended', ended} end
local claimField = ARGV[1] .. ':claim'
local holderField = ARGV[1] .. ':holder'
local claim = redis.call('HGET', KEYS[1], claimField)
local previous = redis.call('HGET', KEYS[1], holderField) or ''
if not claim then
  if ARGV[2] ~= '' then return {'taken'} end
  redis.call('HSET', KEYS[1], claimField, ARGV[3], holderField, ARGV[4])
  return {'ok', '0', previous}
end
if ARGV[2] ~= claim then return {'taken'} end
redis.call('HSET', KEYS[1], holderField, ARGV[4])
return {'ok', '1', previous}
`;

const endReasonOf = (stored: string | undefined): EndReason | null =>
  stored !== undefined && (END_REASONS as readonly string[]).includes(stored) ? (stored as EndReason) : null;

const RELEASE_SEAT = `
if redis.call('HGET', KEYS[1], ARGV[1] .. ':holder') == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1] .. ':holder')
  return 1
end
return 0
`;

/** Sets a field on a live, unended visit; 1 if set (for 'ended': only the first time). */
const SET_IF_OPEN = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'ended') == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

export class RedisVisitStore implements VisitStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #instanceId: string;
  readonly #leaseMs: number;

  constructor(redis: Redis, prefix: string, instanceId: string, leaseMs = SEAT_LEASE_MS) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#instanceId = instanceId;
    this.#leaseMs = leaseMs;
  }

  #key(visitId: string): string {
    return `${this.#prefix}visit:${visitId}`;
  }

  #instanceKey(instanceId: string): string {
    return `${this.#prefix}instance:${instanceId}`;
  }

  /** Keeps this instance's seats held for another lease. */
  async renewLease(): Promise<void> {
    await this.#redis.set(this.#instanceKey(this.#instanceId), '1', 'PX', this.#leaseMs);
  }

  async deadInstances(instanceIds: readonly string[]): Promise<Set<string>> {
    const others = [...new Set(instanceIds)].filter((id) => id !== this.#instanceId);
    if (others.length === 0) return new Set();
    const pipeline = this.#redis.pipeline();
    for (const id of others) pipeline.exists(this.#instanceKey(id));
    const replies = (await pipeline.exec()) ?? [];
    return new Set(others.filter((_, index) => replies[index]?.[1] === 0));
  }

  async create(visit: NewVisit): Promise<void> {
    const key = this.#key(visit.id);
    await this.#redis
      .multi()
      .hset(key, { expiresAt: String(visit.expiresAt), autoAdmit: visit.autoAdmit ? '1' : '0' })
      .pexpireat(key, visit.expiresAt)
      .exec();
  }

  async get(visitId: string): Promise<VisitRecord | null> {
    const fields = await this.#redis.hgetall(this.#key(visitId));
    const expiresAt = Number(fields.expiresAt);
    if (!Number.isFinite(expiresAt)) return null;
    const ended = fields.ended;
    const holders = (['station', 'clinician'] as const).flatMap((role) => fields[`${role}:holder`] ?? []);
    const dead = await this.deadInstances(holders.map(instanceOfHolder));
    const live = (holder: string | undefined) => (holder === undefined || dead.has(instanceOfHolder(holder)) ? null : holder);
    const seat = (role: Role) => ({ claim: fields[`${role}:claim`] ?? null, holder: live(fields[`${role}:holder`]) });
    return {
      id: visitId,
      expiresAt,
      autoAdmit: fields.autoAdmit === '1',
      admitted: fields.admitted === '1',
      ended: endReasonOf(ended),
      seats: { station: seat('station'), clinician: seat('clinician') },
    };
  }

  async claimSeat(request: SeatRequest): Promise<SeatResult> {
    const reply = (await this.#redis.eval(
      CLAIM_SEAT,
      1,
      this.#key(request.visitId),
      request.role,
      request.tokenClaim ?? '',
      request.newClaim,
      request.holder,
    )) as string[];
    const [status, returning, displaced] = reply;
    if (status === 'ended') {
      const endReason = endReasonOf(returning);
      if (endReason === null) throw new Error(`visit ${request.visitId} is marked ended with an unknown reason`);
      return { ok: false, reason: 'ended', endReason };
    }
    if (status === 'gone' || status === 'taken') return { ok: false, reason: status };
    const visit = await this.get(request.visitId);
    if (!visit) return { ok: false, reason: 'gone' };
    return { ok: true, visit, returning: returning === '1', displaced: displaced ? displaced : null };
  }

  async releaseSeat(visitId: string, role: Role, holder: string): Promise<boolean> {
    return (await this.#redis.eval(RELEASE_SEAT, 1, this.#key(visitId), role, holder)) === 1;
  }

  async admit(visitId: string): Promise<boolean> {
    return (await this.#redis.eval(SET_IF_OPEN, 1, this.#key(visitId), 'admitted', '1')) === 1;
  }

  async end(visitId: string, reason: EndReason): Promise<boolean> {
    return (await this.#redis.eval(SET_IF_OPEN, 1, this.#key(visitId), 'ended', reason)) === 1;
  }

  async close(): Promise<void> {}
}

/**
 * A relay event goes over Redis as `relay <role>` and a newline before its text, so the text (a
 * relayed message, up to MAX_RELAYED_MESSAGE_CHARS) is neither escaped into JSON a second time nor
 * parsed again on arrival; every other event is JSON. JSON always starts with `{`, so the two
 * cannot be mistaken for each other.
 */
const RELAY_HEADER = /^relay ([a-z]{1,20})\n/;

export function encodeBusEvent(event: BusEvent): string {
  return event.kind === 'relay' ? `relay ${event.to}\n${event.text}` : JSON.stringify(event);
}

/** The event as published, for BusEventSchema to check; undefined when it is not even that. */
export function decodeBusEvent(wire: string): unknown {
  if (wire.length > MAX_RELAYED_MESSAGE_CHARS + 64) return undefined;
  const relay = RELAY_HEADER.exec(wire);
  if (relay) return { kind: 'relay', to: relay[1], text: wire.slice(relay[0].length) };
  const json = parseBoundedJson(wire, { maxChars: MAX_RELAYED_MESSAGE_CHARS, maxDepth: MAX_JSON_DEPTH });
  return json.ok ? json.value : undefined;
}

/**
 * Pub/sub over a dedicated subscriber connection (a subscribed Redis connection can do nothing
 * else). Events from Redis are validated like any other input before anyone acts on them.
 */
export class RedisVisitBus implements VisitBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #listeners = new Map<string, Set<BusListener>>();
  /** Subscriptions Redis has not confirmed yet, so a second subscriber waits for the same one. */
  readonly #pending = new Map<string, Promise<unknown>>();
  readonly #onFault: (message: string) => void;

  constructor(publisher: Redis, subscriber: Redis, prefix: string, onFault: (message: string) => void) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#prefix = prefix;
    this.#onFault = onFault;
    subscriber.on('message', (channel: string, text: string) => this.#dispatch(channel, text));
  }

  #channel(visitId: string): string {
    return `${this.#prefix}events:${visitId}`;
  }

  #dispatch(channel: string, text: string): void {
    const listeners = this.#listeners.get(channel.slice(`${this.#prefix}events:`.length));
    if (!listeners) return;
    const parsed = BusEventSchema.safeParse(decodeBusEvent(text));
    if (!parsed.success) {
      this.#onFault(`ignored a malformed event on ${logText(channel)}`);
      return;
    }
    const event = parsed.data;
    for (const listener of [...listeners]) listener(event);
  }

  async subscribe(visitId: string, listener: BusListener): Promise<void> {
    const set = this.#listeners.get(visitId);
    if (set) {
      set.add(listener);
      await this.#pending.get(visitId);
      return;
    }
    this.#listeners.set(visitId, new Set([listener]));
    const subscribed = this.#subscriber.subscribe(this.#channel(visitId));
    this.#pending.set(visitId, subscribed);
    try {
      await subscribed;
    } finally {
      this.#pending.delete(visitId);
    }
  }

  async unsubscribe(visitId: string, listener: BusListener): Promise<void> {
    const set = this.#listeners.get(visitId);
    if (!set?.delete(listener) || set.size > 0) return;
    this.#listeners.delete(visitId);
    await this.#subscriber.unsubscribe(this.#channel(visitId));
  }

  async publish(visitId: string, event: BusEvent): Promise<void> {
    await this.#publisher.publish(this.#channel(visitId), encodeBusEvent(event));
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}

export interface RedisBackend {
  store: RedisVisitStore;
  bus: RedisVisitBus;
  /** The token secret all instances share: the configured one, else the first instance's random one. */
  tokenSecret: Buffer;
  close(): Promise<void>;
}

/** Connects to Redis (two connections: commands and subscriptions); fails fast when it is unreachable. */
export async function connectRedisBackend(options: {
  url: string;
  prefix: string;
  /** This server instance, whose lease keeps the seats its connections hold. */
  instanceId: string;
  tokenSecret?: Buffer;
  onFault: (message: string) => void;
}): Promise<RedisBackend> {
  // Auto-pipelining (commands connection only; a subscribed connection cannot pipeline): the
  // commands one event-loop turn issues (a relay's PUBLISH from each of many visits) go to Redis
  // in one socket write instead of one each; under the 2,500-visit load the per-command writes
  // were the largest cost of the Redis client (see the README's signalling figures).
  const connect = async (autoPipelining: boolean) => {
    const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: autoPipelining });
    redis.on('error', (error: Error) => options.onFault(`redis: ${logError(error)}`));
    await redis.connect();
    return redis;
  };
  const commands = await connect(true);
  const subscriber = await connect(false).catch(async (error: unknown) => {
    commands.disconnect();
    throw error;
  });
  let tokenSecret = options.tokenSecret;
  if (!tokenSecret) {
    const key = `${options.prefix}token-secret`;
    await commands.set(key, randomBytes(32).toString('base64'), 'NX');
    tokenSecret = Buffer.from((await commands.get(key)) ?? '', 'base64');
  }
  const bus = new RedisVisitBus(commands, subscriber, options.prefix, options.onFault);
  const store = new RedisVisitStore(commands, options.prefix, options.instanceId);
  await store.renewLease();
  const renewal = setInterval(() => {
    store.renewLease().catch((error: unknown) => options.onFault(`redis: renewing the seat lease failed: ${logError(error)}`));
  }, SEAT_LEASE_MS / 4);
  renewal.unref();
  return {
    store,
    bus,
    tokenSecret,
    async close() {
      clearInterval(renewal);
      await bus.close();
      await Promise.allSettled([subscriber.quit(), commands.quit()]);
    },
  };
}
