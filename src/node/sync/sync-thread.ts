/**
 * The station's background sync: a worker thread (./sync-worker.ts) pushing the outbox to the FHIR
 * server of the settings until the station stops. The main thread only keeps what the worker
 * reports (the last problem, for staff) and reads the outbox's counts when asked for the status.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker, workerUrl } from '../worker-start';
import type { SyncSettings } from './open-sync';
import type { Outbox } from './outbox';
import type { PushReport } from './push';
import { failureReason, syncStatus, type SyncStatus } from './sync-status';

/** What the worker is started with. The keys never leave memory: not argv, not env, not a log line. */
export interface SyncWorkerData extends SyncSettings {
  dataDir: string;
  keys: { data: Uint8Array; audit: Uint8Array; sync: Uint8Array };
  /** VITALBRIDGE_FHIR_TOKEN for bearer mode (worker threads share the process's env, but only by copy). */
  env: NodeJS.ProcessEnv;
  idlePollMs: number;
}

/** `wake`: items were made due (staff's Retry or Send now); push now rather than at the next look. */
export type ToSyncWorker = { type: 'stop' } | { type: 'wake' };
export type FromSyncWorker = { type: 'report'; report: PushReport } | { type: 'failed'; reason: string };

export interface StationSyncStatus extends SyncStatus {
  /** Why the last push failed (e.g. "the server refused the station's key"), until one succeeds; null when all is well. */
  problem: string | null;
}

export interface SyncThreadOptions extends Omit<SyncWorkerData, 'idlePollMs'> {
  /** The main thread's outbox over the station's connection: counts for the status, and staff's Retry and Send now. */
  outbox: Pick<Outbox, 'counts' | 'parked' | 'retryParked' | 'dueNow'>;
  idlePollMs?: number;
  /** Diagnostics; lines never carry values, names or keys. */
  log: (line: string) => void;
  start?: (data: SyncWorkerData) => Worker;
}

const WORKER_URL = workerUrl('sync-worker', import.meta.url);
/** Without news of a due item, the worker looks for new records this often. */
const IDLE_POLL_MS = 5_000;

export class SyncThread {
  readonly #worker: Worker;
  readonly #outbox: SyncThreadOptions['outbox'];
  readonly #server: string | null;
  #problem: string | null = null;
  readonly #closed: Promise<void>;
  #closing: Promise<void> | null = null;

  constructor(options: SyncThreadOptions) {
    const { outbox, log, start, idlePollMs, ...data } = options;
    this.#outbox = outbox;
    this.#server = data.fhirServer.baseUrl;
    this.#worker = (start ?? ((workerData) => startWorker(WORKER_URL, workerData)))({ ...data, idlePollMs: idlePollMs ?? IDLE_POLL_MS });
    // The sync never keeps a stopping process alive; close() waits for it.
    this.#worker.unref();
    this.#closed = new Promise((resolve) => {
      this.#worker.on('message', (message: FromSyncWorker) => {
        if (message.type === 'report') this.#reported(message.report);
        if (message.type === 'failed') {
          this.#problem = `the sync stopped: ${message.reason}`;
          log(`sync: ${this.#problem}`);
        }
      });
      this.#worker.on('error', (error) => {
        this.#problem = `the sync stopped: ${error.message}`;
        log(`sync: ${this.#problem}`);
      });
      this.#worker.on('exit', () => resolve());
    });
  }

  status(): StationSyncStatus {
    return { ...syncStatus(this.#outbox, this.#server), problem: this.#problem };
  }

  /** Staff's "Retry": every parked item waits again, due now, and the worker is woken; returns how many. */
  retryParked(): number {
    return this.#woken(this.#outbox.retryParked());
  }

  /** Staff's "Send now": waiting items are due at once and the worker is woken; returns how many were held back. */
  sendNow(): number {
    return this.#woken(this.#outbox.dueNow());
  }

  /** Something new is due now (e.g. a visit's pleth queued on request): the worker looks at once instead of at its next poll. */
  wake(): void {
    this.#worker.postMessage({ type: 'wake' } satisfies ToSyncWorker);
  }

  #woken(count: number): number {
    this.wake();
    return count;
  }

  /** Stops after the push in progress (its request is abandoned and retried later); resolves once the thread has ended. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#worker.postMessage({ type: 'stop' } satisfies ToSyncWorker);
      await this.#closed;
    })();
    return this.#closing;
  }

  #reported(report: PushReport): void {
    if (report.answer === null) return;
    if (report.retrying > 0) this.#problem = failureReason(report.answer);
    else if (report.sent > 0) this.#problem = null;
  }
}
