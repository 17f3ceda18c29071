/**
 * The visit state every server instance must agree on: expiry, lobby policy, whether the clinician
 * was admitted, whether the visit ended, and who holds each seat. One instance keeps it in memory;
 * several share it in Redis (redis-visit-store.ts) with the same semantics.
 */
import type { EndReason, Role } from '../../shared/consult/protocol';

export interface Seat {
  /** Set by the first join; only a seat token naming it takes the seat afterwards. */
  claim: string | null;
  /** The connection holding the seat now (`<instance>/<connection>`), null while it is vacant. */
  holder: string | null;
}

export interface VisitRecord {
  id: string;
  expiresAt: number;
  autoAdmit: boolean;
  admitted: boolean;
  ended: EndReason | null;
  seats: Record<Role, Seat>;
}

export interface NewVisit {
  id: string;
  expiresAt: number;
  autoAdmit: boolean;
}

export interface SeatRequest {
  visitId: string;
  role: Role;
  /** The claim in the joining token; undefined for a link token. */
  tokenClaim: string | undefined;
  /** The claim to record if the seat was never claimed. */
  newClaim: string;
  holder: string;
}

export type SeatResult =
  | {
      ok: true;
      visit: VisitRecord;
      /** Whether this is a return to a seat claimed before (the other side renegotiates). */
      returning: boolean;
      /** The connection this join displaced, if the old one was still seated. */
      displaced: string | null;
    }
  | { ok: false; reason: 'gone' | 'taken' }
  /** The visit is over; why, so a late join hears what those connected at the end heard. */
  | { ok: false; reason: 'ended'; endReason: EndReason };

export interface VisitStore {
  create(visit: NewVisit): Promise<void>;
  get(visitId: string): Promise<VisitRecord | null>;
  /** Atomically seats `holder`: a vacant, never-claimed seat with a link token, or a claimed seat with its seat token. */
  claimSeat(request: SeatRequest): Promise<SeatResult>;
  /** Vacates the seat if `holder` still holds it; true if it did. */
  releaseSeat(visitId: string, role: Role, holder: string): Promise<boolean>;
  /** Marks the clinician admitted; false if the visit is gone or over. */
  admit(visitId: string): Promise<boolean>;
  /** Ends the visit (kept until expiry so its tokens are refused); true if this call ended it. */
  end(visitId: string, reason: EndReason): Promise<boolean>;
  /** Of these server instances, the ones whose lease has lapsed (crashed or cut off): their seats count as vacant. */
  deadInstances(instanceIds: readonly string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

/** The server instance a seat holder (`<instance>/<connection>`) is connected to. */
export const instanceOfHolder = (holder: string): string => holder.slice(0, holder.indexOf('/'));

/** The seat rule both stores implement (Redis in Lua): what a join does to one seat. */
export function decideSeat(seat: Seat, tokenClaim: string | undefined): 'claim' | 'return' | 'taken' {
  if (seat.claim === null) return tokenClaim === undefined ? 'claim' : 'taken';
  return tokenClaim === seat.claim ? 'return' : 'taken';
}

export class MemoryVisitStore implements VisitStore {
  readonly #visits = new Map<string, VisitRecord>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async create(visit: NewVisit): Promise<void> {
    this.#sweep();
    this.#visits.set(visit.id, {
      ...visit,
      admitted: false,
      ended: null,
      seats: { station: { claim: null, holder: null }, clinician: { claim: null, holder: null } },
    });
  }

  async get(visitId: string): Promise<VisitRecord | null> {
    const visit = this.#live(visitId);
    return visit ? structuredClone(visit) : null;
  }

  async claimSeat(request: SeatRequest): Promise<SeatResult> {
    const visit = this.#live(request.visitId);
    if (!visit) return { ok: false, reason: 'gone' };
    if (visit.ended) return { ok: false, reason: 'ended', endReason: visit.ended };
    const seat = visit.seats[request.role];
    const decision = decideSeat(seat, request.tokenClaim);
    if (decision === 'taken') return { ok: false, reason: 'taken' };
    const displaced = seat.holder;
    if (decision === 'claim') seat.claim = request.newClaim;
    seat.holder = request.holder;
    return { ok: true, visit: structuredClone(visit), returning: decision === 'return', displaced };
  }

  async releaseSeat(visitId: string, role: Role, holder: string): Promise<boolean> {
    const seat = this.#live(visitId)?.seats[role];
    if (!seat || seat.holder !== holder) return false;
    seat.holder = null;
    return true;
  }

  async admit(visitId: string): Promise<boolean> {
    const visit = this.#live(visitId);
    if (!visit || visit.ended) return false;
    visit.admitted = true;
    return true;
  }

  async end(visitId: string, reason: EndReason): Promise<boolean> {
    const visit = this.#live(visitId);
    if (!visit || visit.ended) return false;
    visit.ended = reason;
    return true;
  }

  /** One instance alone: it is alive while anyone asks. */
  async deadInstances(): Promise<Set<string>> {
    return new Set();
  }

  async close(): Promise<void> {
    this.#visits.clear();
  }

  #live(visitId: string): VisitRecord | undefined {
    const visit = this.#visits.get(visitId);
    if (visit && visit.expiresAt <= this.#now()) {
      this.#visits.delete(visitId);
      return undefined;
    }
    return visit;
  }

  /** Expired visits go when new ones arrive, so memory stays bounded by the live visits. */
  #sweep(): void {
    const now = this.#now();
    for (const [id, visit] of this.#visits) if (visit.expiresAt <= now) this.#visits.delete(id);
  }
}
