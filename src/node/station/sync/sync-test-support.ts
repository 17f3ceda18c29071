/**
 * A SyncThread over the real outbox of a test station whose worker is a stand-in that only
 * remembers what it was told (the real worker is tested in test/station-sync.test.ts), for the
 * contract handlers of the sync.
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach } from 'vitest';
import { DEFAULT_SETTINGS } from '../../settings/schema';
import { Outbox } from '../../sync/outbox';
import { SyncThread, type ToSyncWorker } from '../../sync/sync-thread';
import { openAccessBench, type AccessBench } from '../access/access-test-support';

export class StandInWorker extends EventEmitter {
  readonly received: ToSyncWorker[] = [];
  postMessage(message: ToSyncWorker): void {
    this.received.push(message);
    if (message.type === 'stop') setImmediate(() => this.emit('exit', 0));
  }
  unref(): void {}
}

/** The thread, its stand-in worker and the outbox, for the server at `baseUrl` (never reached). */
export function standInSyncThread(bench: AccessBench, baseUrl: string) {
  const outbox = new Outbox(bench.station.db, bench.station.clock.now);
  const worker = new StandInWorker();
  const thread = new SyncThread({
    dataDir: bench.station.dataDir,
    keys: { data: new Uint8Array(0), audit: new Uint8Array(0), sync: new Uint8Array(0) },
    env: {},
    fhirServer: { ...DEFAULT_SETTINGS.fhirServer, baseUrl, auth: 'none' },
    patientIdentifierSystem: null,
    careSetting: 'station',
    locale: null,
    outbox,
    log: () => undefined,
    start: () => worker as unknown as Worker,
  });
  return { outbox, worker, thread };
}

/** A fresh access bench with a stand-in sync thread for each test, handed to `use`; both closed after it. */
export function standInSyncThreadPerTest(baseUrl: string, use: (opened: { bench: AccessBench } & ReturnType<typeof standInSyncThread>) => void): void {
  let close = async () => undefined as void;
  beforeEach(async () => {
    const bench = await openAccessBench();
    const opened = standInSyncThread(bench, baseUrl);
    use({ bench, ...opened });
    close = async () => {
      await opened.thread.close();
      bench.close();
    };
  });
  afterEach(() => close());
}
