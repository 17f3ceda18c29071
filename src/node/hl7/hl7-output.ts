/**
 * The station's HL7 output as settings `hl7Output` describe it: the queue switched on or off, and
 * while a host is set, the loop sending batches to it (hl7-loop.ts) until the station closes.
 * It runs in the station's main thread: each step is one short transaction and one message of
 * at most `batchReadings` OBX (a few milliseconds to build), and the rest is waiting on the socket.
 * Answers are audited as `sync.push` by `station` with object `hl7 batch <seq>: <answer>`.
 */
import { stationId, type AuditLog } from '../audit/audit-log';
import { StationIds } from '../fhir/stable-ids';
import type { RecordsDb } from '../records/database';
import type { RecordStore } from '../records/store';
import type { OutboxCounts, ParkedItem } from '../sync/outbox';
import { SyncWakeUp } from '../sync/sync-loop';
import { runHl7Output } from './hl7-loop';
import { Hl7Outbox } from './hl7-outbox';
import type { Hl7PushReport } from './hl7-push';
import { Hl7Pusher } from './hl7-push';
import { mllpTargetOf, type Hl7OutputSettings } from './hl7-settings';

/** How often the loop looks for new readings when nothing is due. */
const IDLE_POLL_MS = 5_000;

export interface Hl7OutputStatus extends OutboxCounts {
  /** `host:port` of the engine. */
  engine: string;
  parkedItems: ParkedItem[];
  /** The last answer when it was not an acknowledgment (the engine unreachable, no ACK in time); null while all is well. */
  problem: string | null;
}

export interface Hl7Output {
  status(): Hl7OutputStatus;
  /** Staff's "Retry": parked batches wait again, due now; returns how many. */
  retryParked(): number;
  close(): Promise<void>;
}

export interface Hl7OutputOptions {
  settings: Hl7OutputSettings;
  db: RecordsDb;
  store: RecordStore;
  audit: Pick<AuditLog, 'append'>;
  patientIdentifierSystem: string | null;
  log: (message: string) => void;
  /** How often the loop looks for new readings when nothing is due (5 s). */
  idlePollMs?: number;
  /** Hears every answer (tests wait for one). */
  onReport?: (report: Hl7PushReport) => void;
}

const PROBLEMS: Partial<Record<NonNullable<Hl7PushReport['answer']>, string>> = {
  network: 'the interface engine could not be reached, or closed the connection before its ACK',
  timeout: 'the interface engine did not acknowledge in time',
};

/** Starts the output when a host is set (null otherwise); either way the queue follows the setting. */
export async function startHl7Output(options: Hl7OutputOptions): Promise<Hl7Output | null> {
  const outbox = new Hl7Outbox(options.db, options.store);
  const target = await mllpTargetOf(options.settings);
  outbox.setOutputOn(target !== null, options.settings.alarms);
  if (target === null) return null;
  let problem: string | null = null;
  const pusher = new Hl7Pusher(outbox, {
    ids: new StationIds(stationId(options.db)),
    patientIdentifierSystem: options.patientIdentifierSystem,
    target,
    batchReadings: options.settings.batchReadings,
    now: Date.now,
    audit: (object) => options.audit.append({ actor: 'station', role: 'system', action: 'sync.push', object }),
  });
  const stop = new AbortController();
  const wakeUp = new SyncWakeUp();
  const running = runHl7Output({
    pusher,
    outbox,
    signal: stop.signal,
    now: Date.now,
    idlePollMs: options.idlePollMs ?? IDLE_POLL_MS,
    wakeUp,
    onReport: (report) => {
      if (report.answer !== null) problem = PROBLEMS[report.answer] === undefined ? null : `${PROBLEMS[report.answer]} (${report.detail ?? 'no detail'})`;
      options.onReport?.(report);
    },
  }).catch((error: unknown) => options.log(`hl7: the output stopped: ${error instanceof Error ? error.message : String(error)}`));
  return {
    status: () => ({ engine: `${target.host}:${target.port}`, ...outbox.items.counts(), parkedItems: outbox.items.parked(), problem }),
    retryParked: () => {
      const requeued = outbox.items.retryParked();
      wakeUp.wake();
      return requeued;
    },
    close: async () => {
      stop.abort();
      await running;
    },
  };
}
