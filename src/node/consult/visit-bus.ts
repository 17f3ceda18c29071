/**
 * How instances tell each other about a visit: messages for the participant holding a seat, seat
 * changes (so the instance with a displaced connection closes it) and the end of the visit. One
 * instance uses the in-process bus; several use Redis pub/sub (redis-visit-store.ts).
 */
import { z } from 'zod';
import { ConsultServerMessageSchema, END_REASONS, RoleSchema } from '../../shared/consult/protocol';

export const BusEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deliver'), to: RoleSchema, message: ConsultServerMessageSchema }),
  z.object({ kind: z.literal('seated'), role: RoleSchema, holder: z.string().max(200) }),
  z.object({ kind: z.literal('ended'), reason: z.enum(END_REASONS) }),
]);
export type BusEvent = z.infer<typeof BusEventSchema>;

export type BusListener = (event: BusEvent) => void;

export interface VisitBus {
  /** Resolves once events published afterwards are sure to arrive. */
  subscribe(visitId: string, listener: BusListener): Promise<void>;
  unsubscribe(visitId: string, listener: BusListener): Promise<void>;
  publish(visitId: string, event: BusEvent): Promise<void>;
  close(): Promise<void>;
}

export class MemoryVisitBus implements VisitBus {
  readonly #listeners = new Map<string, Set<BusListener>>();

  async subscribe(visitId: string, listener: BusListener): Promise<void> {
    const set = this.#listeners.get(visitId) ?? new Set();
    set.add(listener);
    this.#listeners.set(visitId, set);
  }

  async unsubscribe(visitId: string, listener: BusListener): Promise<void> {
    const set = this.#listeners.get(visitId);
    set?.delete(listener);
    if (set?.size === 0) this.#listeners.delete(visitId);
  }

  async publish(visitId: string, event: BusEvent): Promise<void> {
    // A copy: listeners unsubscribe while handling 'ended'.
    for (const listener of [...(this.#listeners.get(visitId) ?? [])]) listener(event);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
