/**
 * The contract handlers of the Sync panel (administrators) and the nurses' one-line status, over
 * the station's background sync (src/node/sync/sync-thread.ts). Retry and Send now are audited
 * under the person who pressed them, with counts only. Without a configured server the panel says
 * so and the actions are refused with the same words; a server whose sync could not start says why.
 * Audit entries: action `sync.manage`, object `retry:<items re-queued>` or `send-now:<items made due>`.
 */
import type { AuditLog } from '../../audit/audit-log';
import type { SyncThread } from '../../sync/sync-thread';
import type { SyncPanel, SyncSummary } from '../../../shared/contract-sync';
import type { StationHandlers } from '../contract-session';

export type SyncHandlers = Pick<StationHandlers, 'getSyncStatus' | 'getSyncSummary' | 'retryParkedSync' | 'sendSyncNow'>;

/** The station's sync as the panel sees it. */
export type StationSync =
  | { state: 'not-configured' }
  /** A server is set but its sync did not start; `problem` is the station's own reason (no secret: a key missing, a variable unset). */
  | { state: 'not-running'; server: string; problem: string }
  | { state: 'running'; thread: Pick<SyncThread, 'status' | 'retryParked' | 'sendNow' | 'wake'> };

export interface SyncHandlerOptions {
  sync: StationSync;
  audit: Pick<AuditLog, 'append'>;
}

/** Why Retry or Send now cannot act: the same words the panel shows instead of its buttons. */
export class SyncNotRunningError extends Error {
  override readonly name = 'SyncNotRunningError';
}

/** The running sync's thread, or the reason there is none, in the words the panel shows. */
export function runningSync(sync: StationSync) {
  if (sync.state === 'not-configured') throw new SyncNotRunningError('no FHIR server is configured (settings fhirServer.baseUrl)');
  if (sync.state === 'not-running') throw new SyncNotRunningError(`the sync is not running: ${sync.problem}`);
  return sync.thread;
}

export function createSyncHandlers({ sync, audit }: SyncHandlerOptions): SyncHandlers {
  const panel = (): SyncPanel => {
    if (sync.state !== 'running') return sync;
    const { server, lastSuccessAt, waiting, inFlight, parked, parkedItems, problem } = sync.thread.status();
    // A running thread always has its server (the station starts one only for a baseUrl).
    return { state: 'running', server: server ?? '', lastSuccessAt, waiting, inFlight, parked, parkedItems, problem };
  };
  const running = () => runningSync(sync);

  return {
    getSyncStatus: () => panel(),
    getSyncSummary: (): SyncSummary => {
      const status = panel();
      if (status.state === 'not-configured') return { state: status.state, lastSuccessAt: null, waiting: 0, parked: 0, problem: null };
      if (status.state === 'not-running') return { state: status.state, lastSuccessAt: null, waiting: 0, parked: 0, problem: status.problem };
      return { state: status.state, lastSuccessAt: status.lastSuccessAt, waiting: status.waiting + status.inFlight, parked: status.parked, problem: status.problem };
    },
    retryParkedSync: (_input, { actor }) => {
      const requeued = running().retryParked();
      audit.append({ actor: actor.id, role: actor.role, action: 'sync.manage', object: `retry:${requeued}` });
      return { requeued };
    },
    sendSyncNow: (_input, { actor }) => {
      const due = running().sendNow();
      audit.append({ actor: actor.id, role: actor.role, action: 'sync.manage', object: `send-now:${due}` });
      return { due };
    },
  };
}
