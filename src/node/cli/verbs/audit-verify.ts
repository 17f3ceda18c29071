/**
 * `audit-verify [--data-dir DIR]`: checks the keyed hash chain of the station's audit log against
 * its anchor. Exit 0 when intact, 1 naming the first bad entry when it was altered, cut or
 * reordered (or cannot be read).
 */
import { inspectAuditLog } from '../../audit/audit-log';
import { openRecordsDatabase } from '../../records/database';
import { FileKeyProvider } from '../../records/key-provider';
import { EXIT_FAILURE, EXIT_OK, UsageError, parseVerbArgs, type Verb } from '../verb';

export const auditVerifyVerb: Verb = {
  name: 'audit-verify',
  summary: "verify the keyed hash chain of the station's audit log",
  help: `Usage: npm run -s cli -- audit-verify [--data-dir DIR]

Checks every entry of the audit log in the encrypted records database of DIR: its sequence number,
its link to the previous entry and its HMAC-SHA256 under the audit key (plain SHA-256 for entries
written before the chain was keyed), that the log ends where it last ended, and that it agrees with
every signed checkpoint in DIR/audit.anchor and reaches the newest. The keys are read from
DIR/data.key and DIR/audit.key (web-mode and CLI stations); nothing is ever changed.

Output: one line, "audit log intact: N entries", or "audit log tampered: first bad entry seq S (reason)".
Exit status: 0 intact, 1 tampered or unreadable (wrong or missing key, no records), 2 bad input.
`,
  async run(args, ctx) {
    const { positionals } = parseVerbArgs(args, {});
    if (positionals.length > 0) throw new UsageError('takes no arguments besides --data-dir');
    const db = await openRecordsDatabase({ dataDir: ctx.dataDir, keyProvider: new FileKeyProvider(ctx.dataDir), mode: 'inspect' });
    try {
      const result = (await inspectAuditLog(db, { dataDir: ctx.dataDir, keyProvider: new FileKeyProvider(ctx.dataDir).auditKeyProvider() })).verify();
      if (result.ok) {
        ctx.stdout(`audit log intact: ${result.entries} entries\n`);
        return EXIT_OK;
      }
      ctx.stdout(`audit log tampered: first bad entry seq ${result.firstBadSeq} (${result.reason})\n`);
      return EXIT_FAILURE;
    } finally {
      db.close();
    }
  },
};
