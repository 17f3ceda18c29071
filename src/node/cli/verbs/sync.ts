/**
 * `sync [--once] [--status]`: sends the records' outbox to the FHIR server of the settings
 * (section fhirServer), or says how far it is. The same SyncPusher as the station's background
 * sync; both may run on one data folder, since a claim is a lease (src/node/sync/outbox.ts).
 */
import { openRecordsDatabase, type RecordsDb } from '../../records/database';
import { FileKeyProvider } from '../../records/key-provider';
import { confSettingsStorage } from '../../settings/json-storage';
import type { StationSettings } from '../../settings/schema';
import { loadSettings } from '../../settings/settings';
import { openSync } from '../../sync/open-sync';
import { Outbox } from '../../sync/outbox';
import type { PushReport } from '../../sync/push';
import { pushUntilNothingDue, pushUntilStopped } from '../../sync/sync-loop';
import { failureReason, formatSyncStatus, syncStatus } from '../../sync/sync-status';
import { EXIT_FAILURE, EXIT_OK, UsageError, parseVerbArgs, type Verb, type VerbContext } from '../verb';

/** Without --once, how often the outbox is looked at for new records when nothing is due. */
const IDLE_POLL_MS = 5_000;

export const syncVerb: Verb = {
  name: 'sync',
  summary: 'send the records to the FHIR server (store-and-forward), or show how far it is',
  help: `Usage: npm run -s cli -- sync [--once] [--status] [--data-dir DIR]

Sends what the records' outbox holds (patients, visits, readings, NEWS2) to the FHIR server of the
settings (section fhirServer: baseUrl, auth, clientId, tokenUrl, maxEntries, volume,
requestTimeoutSeconds), oldest first, as transaction Bundles of conditional creates, so nothing is
ever stored twice. A failed batch (an error, or no answer within requestTimeoutSeconds) waits for
its backoff; a refused one is parked with the server's answer until staff retry it. Each answer is
audited as "cli" (sync.push: counts and outbox numbers only). An oximeter's readings go as one
summary per metric and closed minute plus those during an alarm (volume 'minute-summaries', the
default), or each on its own ('all-readings').

  (no option)  keep sending, also what the station records meanwhile, until Ctrl-C or SIGTERM
  --once       send until nothing is due, then exit
  --status     print the server, the last success, how many items wait, are in flight or are
               parked, and each parked item's number, kind, record id and the server's issue codes

The keys are read from DIR/data.key, DIR/audit.key and DIR/sync.key (web-mode and CLI stations);
with fhirServer.auth 'bearer' the token comes from VITALBRIDGE_FHIR_TOKEN.

Exit status: 0 done (--once: nothing left due; stopped by a signal), 1 no server is set, the server
failed or refused (one line on stderr saying why) or the records cannot be opened, 2 bad arguments.
`,
  async run(args, ctx) {
    const { values, positionals } = parseVerbArgs(args, { once: { type: 'boolean' }, status: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (values.once && values.status) throw new UsageError('--once and --status do not go together');
    const settings = loadSettings(confSettingsStorage(ctx.dataDir), (line) => ctx.stderr(`sync: ${line}\n`));
    const db = await openRecordsDatabase({ dataDir: ctx.dataDir, keyProvider: new FileKeyProvider(ctx.dataDir) });
    try {
      if (values.status) {
        ctx.stdout(formatSyncStatus(syncStatus(new Outbox(db), settings.fhirServer.baseUrl)));
        return EXIT_OK;
      }
      return await send(db, settings, ctx, values.once === true);
    } finally {
      db.close();
    }
  },
};

async function send(db: RecordsDb, settings: StationSettings, ctx: VerbContext, once: boolean): Promise<number> {
  const sync = await openSync({
    db,
    dataDir: ctx.dataDir,
    keyProvider: new FileKeyProvider(ctx.dataDir),
    env: process.env,
    fhirServer: settings.fhirServer,
    patientIdentifierSystem: settings.records.patientIdentifierSystem,
    careSetting: settings.records.careSetting,
    locale: settings.display.locale,
    actor: 'cli',
  });
  if (sync === null) return fail(ctx, 'no FHIR server is set (settings fhirServer.baseUrl)');
  const { pusher, outbox, audit } = sync;
  const run = { pusher, outbox, signal: ctx.signal, now: Date.now };
  try {
    if (!once) {
      await pushUntilStopped({ ...run, idlePollMs: IDLE_POLL_MS, onReport: (report) => reportLine(ctx, report) });
      ctx.stdout('stopped\n');
      return EXIT_OK;
    }
    const round = await pushUntilNothingDue(run);
    const { waiting, parked } = outbox.counts();
    ctx.stdout(`sent ${round.sent} items; ${waiting} waiting, ${parked} parked\n`);
    if (round.failure !== null) return fail(ctx, `${failureReason(round.failure)}; ${waiting} items wait for a retry`);
    if (round.parked > 0) return fail(ctx, `the server refused ${round.parked} items (parked); see sync --status`);
    return EXIT_OK;
  } finally {
    audit.checkpoint();
  }
}

function reportLine(ctx: VerbContext, report: PushReport): void {
  if (report.answer === null) return;
  const answer = typeof report.answer === 'number' ? `HTTP ${report.answer}` : report.answer;
  ctx.stdout(`${new Date().toISOString()} sent ${report.sent}, retrying ${report.retrying}, parked ${report.parked} (${answer})\n`);
}

function fail(ctx: VerbContext, reason: string): number {
  ctx.stderr(`sync: ${reason}\n`);
  return EXIT_FAILURE;
}
