/**
 * Refusals as the audit trail keeps them: sign-ins and unlocks, and relays for a remote clinician
 * that a screen was not entitled to (visit.relay-refused). Every refusal was once its own
 * fsync'd audit row, so a script retrying a throttled name wrote tens of thousands of rows a
 * minute. Now the first refusal of a name in a minute is written at once (who was refused, and
 * when it began), and the repeats in that minute become one entry whose object says how many:
 * `repeated:N`. At most two rows per name and minute, whatever the rate.
 *
 * The name is the audit actor: an account's id, or `unidentified` for every name that is not an
 * account (what was typed is never recorded), so unknown names share one window.
 */
import type { AuditAction, AuditActorRole, AuditLog } from '../audit/audit-log';

/** The refusals a caller may repeat as fast as it likes, each written at most twice a minute per person. */
export type RefusedAction = Extract<AuditAction, 'session.sign-in-refused' | 'visit.relay-refused'>;

/** The object of an aggregated entry: how many further refusals its window held (and of what, where the refusal names it). */
export const repeatedRefusals = (count: number, object: string | null = null): string => (object === null ? `repeated:${count}` : `repeated:${count}:${object}`);

export const REFUSAL_WINDOW_MS = 60_000;

interface RefusalWindow {
  actor: string;
  action: RefusedAction;
  object: string | null;
  role: AuditActorRole;
  openedAt: number;
  repeats: number;
}

export class RefusalAudit {
  readonly #windows = new Map<string, RefusalWindow>();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    private readonly windowMs: number = REFUSAL_WINDOW_MS,
  ) {
    this.#timer = setInterval(() => this.closeDueWindows(), Math.max(1_000, windowMs / 6));
    this.#timer.unref();
  }

  /** A window is one person's refusals of one kind and object (a relayed visit's id); the repeats are counted. */
  refused(actor: string, role: AuditActorRole, action: RefusedAction = 'session.sign-in-refused', object: string | null = null): void {
    const key = JSON.stringify([action, actor, object]);
    const open = this.#windows.get(key);
    if (open && this.now() - open.openedAt < this.windowMs) {
      open.repeats += 1;
      return;
    }
    if (open) this.#close(key, open);
    this.#windows.set(key, { actor, action, object, role, openedAt: this.now(), repeats: 0 });
    this.audit.append({ actor, role, action, object });
  }

  /** Writes the count of every window whose minute is over. */
  closeDueWindows(): void {
    for (const [key, window] of this.#windows) if (this.now() - window.openedAt >= this.windowMs) this.#close(key, window);
  }

  /** Writes every open window's count now (the station is stopping) and stops the timer. */
  close(): void {
    clearInterval(this.#timer);
    for (const [key, window] of this.#windows) this.#close(key, window);
  }

  #close(key: string, window: RefusalWindow): void {
    this.#windows.delete(key);
    if (window.repeats > 0) this.audit.append({ actor: window.actor, role: window.role, action: window.action, object: repeatedRefusals(window.repeats, window.object) });
  }
}
