/**
 * The station recorder's BatchWriter: a worker thread (./recorder-worker.ts) with its own
 * connection to the records database. One batch is in flight at a time; a batch counts as written
 * only when the worker reports its transaction committed. When the worker dies (an uncaught error,
 * a native fault), the batch in flight comes back as not committed, the death is logged and a new
 * worker starts after a short, growing pause.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startWorker, workerUrl } from '../../worker-start';
import { type BatchOutcome, type BatchWriter, describeWriteError, type RecordedWrite } from './recorder-batch';

/** What a worker is started with. The key never leaves memory: not argv, not env, not a log line. */
export interface RecorderWorkerData {
  dataDir: string;
  key: Uint8Array;
}

export type ToRecorderWorker = { type: 'write'; writes: readonly RecordedWrite[] } | { type: 'close' };
export type FromRecorderWorker = { type: 'outcome'; outcome: BatchOutcome } | { type: 'closed' };

const WORKER_URL = workerUrl('recorder-worker', import.meta.url);

export function startRecorderWorker(data: RecorderWorkerData): Worker {
  return startWorker(WORKER_URL, data);
}

const FIRST_RESTART_DELAY_MS = 200;
const MAX_RESTART_DELAY_MS = 5_000;

export interface RecorderThreadOptions {
  dataDir: string;
  key: Buffer;
  /** Diagnostics; lines never carry values, names or the key. */
  log: (line: string) => void;
  /** How a worker is started; tests pass one that keeps a handle on it, to crash it. */
  start?: (data: RecorderWorkerData) => Worker;
}

export class RecorderThread implements BatchWriter {
  readonly #data: RecorderWorkerData;
  readonly #log: (line: string) => void;
  readonly #start: (data: RecorderWorkerData) => Worker;
  #worker: Worker | null;
  #settle: ((message: FromRecorderWorker) => void) | null = null;
  /** Deaths since the last committed batch; the pause before the next start grows with them. */
  #deaths = 0;
  #restartAt = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | null = null;

  constructor(options: RecorderThreadOptions) {
    const workerPath = fileURLToPath(WORKER_URL);
    if (!options.start && !existsSync(workerPath)) throw new Error(`the recording worker ${workerPath} is missing from this build`);
    this.#data = { dataDir: options.dataDir, key: options.key };
    this.#log = options.log;
    this.#start = options.start ?? startRecorderWorker;
    // Started now, so the database is open by the first flush.
    this.#worker = this.#spawn();
  }

  async write(writes: readonly RecordedWrite[]): Promise<BatchOutcome> {
    if (this.#settle) throw new Error('RecorderThread.write: the previous batch is still in flight');
    if (this.#closing) return { committed: false, reason: 'the recorder is closed' };
    let worker = this.#worker;
    if (!worker) {
      // A batch waits out the pause rather than failing fast, so retries cannot spin.
      await sleep(Math.max(0, this.#restartAt - Date.now()));
      if (this.#closing) return { committed: false, reason: 'the recorder is closed' };
      worker = this.#restart();
    }
    const answer = await this.#ask(worker, { type: 'write', writes });
    if (answer.type !== 'outcome') return { committed: false, reason: 'the recording worker stopped' };
    if (answer.outcome.committed) this.#deaths = 0;
    return answer.outcome;
  }

  /** Closes the worker's connection, then ends the thread. The caller has awaited its last write. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearTimeout(this.#restartTimer);
      const worker = this.#worker;
      // A worker that is no longer #worker ends without being restarted.
      this.#worker = null;
      if (!worker) return;
      await this.#ask(worker, { type: 'close' });
      await worker.terminate();
    })();
    return this.#closing;
  }

  /** Posts one message and resolves with the worker's answer, or with 'closed' if the worker died first. */
  #ask(worker: Worker, message: ToRecorderWorker): Promise<FromRecorderWorker> {
    return new Promise((resolve) => {
      this.#settle = (answer) => {
        this.#settle = null;
        // An idle worker must not keep a stopping process alive; one with work in hand must.
        worker.unref();
        resolve(answer);
      };
      worker.ref();
      try {
        worker.postMessage(message);
      } catch (error) {
        this.#log(`records: could not hand a batch to the recording worker: ${describeWriteError(error)}`);
        this.#settle({ type: 'closed' });
      }
    });
  }

  #spawn(): Worker {
    const worker = this.#start(this.#data);
    worker.unref();
    let failure: string | null = null;
    worker.on('message', (message: FromRecorderWorker) => this.#settle?.(message));
    worker.on('error', (error) => (failure = describeWriteError(error)));
    worker.on('exit', (code) => {
      this.#settle?.({ type: 'closed' });
      if (this.#worker !== worker) return;
      this.#worker = null;
      this.#deaths += 1;
      const delay = Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (this.#deaths - 1));
      this.#restartAt = Date.now() + delay;
      this.#log(`records: the recording worker stopped (${failure ?? `exit code ${code}`}); queued items are kept and a new worker starts in ${delay} ms`);
      this.#restartTimer = setTimeout(() => this.#restart(), delay);
      this.#restartTimer.unref();
    });
    return worker;
  }

  #restart(): Worker {
    clearTimeout(this.#restartTimer);
    return (this.#worker ??= this.#spawn());
  }
}
