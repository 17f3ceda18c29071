/**
 * How instances tell each other about a visit: messages for the participant holding a seat, seat
 * changes (so the instance with a displaced connection closes it) and the end of the visit. One
 * instance uses the in-process bus; several use Redis pub/sub (redis-visit-store.ts).
 */
import { z } from 'zod';
import { ConsultServerMessageSchema, END_REASONS, MAX_RELAYED_MESSAGE_CHARS, RoleSchema } from '../../shared/consult/protocol';

/** How a relayed text begins: JSON.stringify of a signal or app message (signalling.ts builds them in this key order). */
export const RELAYED_TEXT_PREFIXES = ['{"type":"signal",', '{"type":"app",'] as const;

export const BusEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deliver'), to: RoleSchema, message: ConsultServerMessageSchema }),
  /**
   * A participant's signal or app message for the other seat, validated and serialised once by the
   * instance it arrived at, and written to the other side's socket as it is: no instance acts on
   * what is inside (nothing in it changes a connection's state), so none parses it again. Only a
   * signal or app message may travel this way; seat, admission and end news go as 'deliver', so
   * what a participant is told and what its connection records stay the same.
   */
  z.object({
    kind: z.literal('relay'),
    to: RoleSchema,
    text: z
      .string()
      .max(MAX_RELAYED_MESSAGE_CHARS)
      .refine((text) => RELAYED_TEXT_PREFIXES.some((prefix) => text.startsWith(prefix)), 'not a signal or app message'),
  }),
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
