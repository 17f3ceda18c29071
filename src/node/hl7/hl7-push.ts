/**
 * One step of the HL7 output: form batches of the readings queued since the last, claim the
 * oldest due item (a batch of readings, or an alarm change), send it as one PCD-01 (PCD-04)
 * message over MLLP and settle it from the answer:
 * - ACK AA (or CA, the commit ACK an engine in enhanced mode sends for MSH-15 AL): sent;
 * - AE / AR (CE / CR): parked with the engine's reason (MSA-3 and the ERR segments' text), shown
 *   to staff until they retry it;
 * - no connection, the connection closed, no ACK in time: tried again later with backoff
 *   (../sync/backoff.ts). Resending is safe: the message is the same, control id included.
 * A batch whose message fails the structural check, or whose readings are all gone (pruned before
 * it could be sent), is parked with that reason rather than dropped without a word.
 * Each answer is audited (control id and ACK code only; never the content or the engine's text,
 * which may quote patient data).
 */
import { retryDelayMs } from '../sync/backoff';
import type { OutboxItem } from '../sync/outbox';
import type { Hl7Outbox } from './hl7-outbox';
import { unescapeHl7 } from './hl7-text';
import { MllpDeliveryError, sendOverMllp, type MllpTarget } from './mllp-client';
import { checkPcd01 } from './pcd01-check';
import { pcd01Message, type Pcd01Options } from './pcd01-message';
import { checkPcd04 } from './pcd04-check';
import { pcd04Message } from './pcd04-message';

export interface Hl7PushOptions extends Pcd01Options {
  target: MllpTarget;
  /** Readings per batch at most. */
  batchReadings: number;
  now: () => number;
  random?: () => number;
  audit?: (object: string) => void;
  /** Sends and returns the ACK; sendOverMllp, replaced in tests of what happens around it. */
  send?: typeof sendOverMllp;
}

export interface Hl7PushReport {
  /** What settled the batch; null when nothing was due. */
  answer: 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR' | 'network' | 'timeout' | 'built-nothing' | 'invalid' | 'gone' | null;
  sent: number;
  parked: number;
  retrying: number;
  /** Why a delivery failed, in the socket's words (e.g. "self-signed certificate"); absent otherwise. */
  detail?: string;
}

/** What is kept and shown of an engine's reason for refusing a batch. */
export const MAX_REASON_CHARS = 1_000;

const ACCEPTED = new Set(['AA', 'CA']);
const REFUSED = new Set(['AE', 'AR', 'CE', 'CR']);

export class Hl7Pusher {
  constructor(
    private readonly outbox: Hl7Outbox,
    private readonly options: Hl7PushOptions,
  ) {}

  async push(signal?: AbortSignal): Promise<Hl7PushReport> {
    this.outbox.formBatches(this.options.batchReadings);
    // Longer than a connection and its ACK may take, so a live claim is never taken over.
    const leaseMs = 2 * (this.options.target.connectTimeoutMs + this.options.target.ackTimeoutMs);
    const [item] = this.outbox.items.claim(1, leaseMs);
    if (!item) return { answer: null, sent: 0, parked: 0, retrying: 0 };
    const content = this.outbox.content(item);
    if (content === null) return this.#park(item, 'gone', 'the readings or the alarm of this item are no longer held (erased or pruned by retention)');
    const head = { controlId: String(item.seq), formedAt: item.queuedAt };
    const [message, check] = content.kind === 'alarm' ? [pcd04Message({ ...head, ...content }, this.options), checkPcd04] : [pcd01Message({ ...head, ...content }, this.options), checkPcd01];
    // None of the readings has an MDC code (a pulse recorded before its device kind was kept), or
    // the alarm's key is not one this station knows: nothing to deliver.
    if (message === null) return this.#settle(item, 'built-nothing', () => this.outbox.items.markSent([item]), { sent: 1 });
    const problems = check(message.toString());
    if (problems.length > 0) return this.#park(item, 'invalid', `the station built an invalid message: ${problems.join('; ')}`);
    try {
      const ack = await (this.options.send ?? sendOverMllp)(message, this.options.target, signal);
      const msa = ack.getSegment('MSA');
      const code = msa?.getField(1)?.toString().toUpperCase() ?? '';
      if (ACCEPTED.has(code)) return this.#settle(item, code as 'AA', () => this.outbox.items.markSent([item]), { sent: 1 });
      if (REFUSED.has(code)) {
        const errors = ack.getAllSegments('ERR').map((err) => [err.getField(3)?.toString(), err.getField(8)?.toString(), err.getField(1)?.toString()].filter(Boolean).join(' '));
        const said = [msa?.getField(3)?.toString(), ...errors].filter(Boolean).map((text) => unescapeHl7(text!));
        // Bounded: the engine's words are shown to staff and kept with the batch.
        const reason = [code, ...said].join(': ').slice(0, MAX_REASON_CHARS);
        return this.#park(item, code as 'AE', reason);
      }
      return this.#park(item, 'invalid', `the engine answered with no known acknowledgment code ("${code}")`);
    } catch (error) {
      if (!(error instanceof MllpDeliveryError)) throw error;
      // The station is closing: the batch was not refused, it waits for the next start as it was.
      if (signal?.aborted) return this.#settle(item, error.reason, () => this.outbox.items.release([item]), {});
      const delay = retryDelayMs(item.attempts + 1, null, this.options.random);
      return this.#settle(item, error.reason, () => this.outbox.items.retryLater([item], delay), { retrying: 1, detail: error.message });
    }
  }

  #park(item: OutboxItem, answer: Hl7PushReport['answer'], reason: string): Hl7PushReport {
    return this.#settle(item, answer, () => this.outbox.items.park([item], reason), { parked: 1 });
  }

  #settle(item: OutboxItem, answer: Hl7PushReport['answer'], settle: () => void, counts: Partial<Hl7PushReport>): Hl7PushReport {
    settle();
    this.options.audit?.(`hl7 batch ${item.seq}: ${answer}`);
    return { answer, sent: 0, parked: 0, retrying: 0, ...counts };
  }
}
