/**
 * Refused sign-ins and unlocks as the audit trail keeps them. Every refusal was once its own
 * fsync'd audit row, so a script retrying a throttled name wrote tens of thousands of rows a
 * minute. Now the first refusal of a name in a minute is written at once (who was refused, and
 * when it began), and the repeats in that minute become one entry whose object says how many:
 * `repeated:N`. At most two rows per name and minute, whatever the rate.
 *
 * The name is the audit actor: an account's id, or `unidentified` for every name that is not an
 * account (what was typed is never recorded), so unknown names share one window.
 */
import type { AuditActorRole, AuditLog } from '../audit/audit-log';

/** The object of an aggregated entry: how many further refusals its window held. */
export const repeatedRefusals = (count: number): string => `repeated:${count}`;

export const REFUSAL_WINDOW_MS = 60_000;

interface RefusalWindow {
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

  refused(actor: string, role: AuditActorRole): void {
    const open = this.#windows.get(actor);
    if (open && this.now() - open.openedAt < this.windowMs) {
      open.repeats += 1;
      return;
    }
    if (open) this.#close(actor, open);
    this.#windows.set(actor, { role, openedAt: this.now(), repeats: 0 });
    this.audit.append({ actor, role, action: 'session.sign-in-refused', object: null });
  }

  /** Writes the count of every window whose minute is over. */
  closeDueWindows(): void {
    for (const [actor, window] of this.#windows) if (this.now() - window.openedAt >= this.windowMs) this.#close(actor, window);
  }

  /** Writes every open window's count now (the station is stopping) and stops the timer. */
  close(): void {
    clearInterval(this.#timer);
    for (const [actor, window] of this.#windows) this.#close(actor, window);
  }

  #close(actor: string, window: RefusalWindow): void {
    this.#windows.delete(actor);
    if (window.repeats > 0) this.audit.append({ actor, role: window.role, action: 'session.sign-in-refused', object: repeatedRefusals(window.repeats) });
  }
}
