/**
 * The station's bounded memory of sequenced items the clinician has not acked yet. Acks release
 * items; when unacked items exceed the capacity (a clinician gone for hours), the oldest are
 * dropped and counted, so a later resume can say exactly how many can never arrive.
 */
export interface LoggedItem<T> {
  seq: number;
  body: T;
}

export type ReplayPlan<T> =
  /** Everything after the clinician's seq is still here. */
  | { kind: 'replay'; items: readonly LoggedItem<T>[] }
  /** The log no longer reaches back; `lost` items between are gone for good. */
  | { kind: 'gap'; lost: number };

export class ReplayLog<T> {
  private items: LoggedItem<T>[] = [];
  private head = 0;
  private nextSeq = 1;
  private dropped = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('replay log capacity must be a positive integer');
  }

  /** The newest seq handed out (0 before any). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** How many unacked items the capacity forced out so far. */
  get droppedUnacked(): number {
    return this.dropped;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** The oldest seq still held (lastSeq + 1 when empty). */
  private get firstSeq(): number {
    return this.size === 0 ? this.nextSeq : this.items[this.head]!.seq;
  }

  append(body: T): LoggedItem<T> {
    const item = { seq: this.nextSeq++, body };
    this.items.push(item);
    if (this.size > this.capacity) {
      this.head++;
      this.dropped++;
    }
    this.compact();
    return item;
  }

  /** Releases every item up to `seq`. Returns false (and changes nothing) for a seq never handed out. */
  ack(seq: number): boolean {
    if (seq > this.lastSeq) return false;
    while (this.size > 0 && this.items[this.head]!.seq <= seq) this.head++;
    this.compact();
    return true;
  }

  /** What to send a clinician holding everything up to `seq`; null for a seq never handed out. */
  after(seq: number): ReplayPlan<T> | null {
    if (seq > this.lastSeq) return null;
    if (seq + 1 < this.firstSeq) return { kind: 'gap', lost: this.firstSeq - seq - 1 };
    return { kind: 'replay', items: this.items.slice(this.head).filter((item) => item.seq > seq) };
  }

  // Shifting an array per ack is O(n); drop the consumed prefix only once it dominates.
  private compact(): void {
    if (this.head > 1_024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
