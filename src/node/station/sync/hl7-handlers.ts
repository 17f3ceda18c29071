/**
 * The contract handlers of the HL7 output's status line and its Retry (administrators, like the
 * Sync panel), over the station's output (src/node/hl7/hl7-output.ts). Retry is audited under the
 * person who pressed it with the count only: action `sync.manage`, object `hl7-retry:<n>`.
 */
import type { AuditLog } from '../../audit/audit-log';
import type { Hl7Output } from '../../hl7/hl7-output';
import { MAX_PARKED_HL7_LISTED, type Hl7Status } from '../../../shared/contract-hl7';
import type { StationHandlers } from '../contract-session';
import { SyncNotRunningError } from './sync-handlers';

export type Hl7Handlers = Pick<StationHandlers, 'getHl7Status' | 'retryParkedHl7'>;

/** The station's output as the status line sees it. */
export type StationHl7 = { state: 'not-configured' } | { state: 'not-running'; engine: string; problem: string } | { state: 'running'; output: Pick<Hl7Output, 'status' | 'retryParked'> };

export function createHl7Handlers({ hl7, audit }: { hl7: () => StationHl7; audit: Pick<AuditLog, 'append'> }): Hl7Handlers {
  return {
    getHl7Status: (): Hl7Status => {
      const current = hl7();
      if (current.state !== 'running') return current;
      const { engine, lastSentAt, waiting, inFlight, parked, parkedItems, problem } = current.output.status();
      const parkedBatches = parkedItems.slice(0, MAX_PARKED_HL7_LISTED).map(({ seq, recordId, attempts, parkedAt, outcome }) => ({ seq, recordId, attempts, parkedAt, reason: outcome }));
      return { state: 'running', engine, lastSentAt, waiting: waiting + inFlight, parked, parkedBatches, problem };
    },
    retryParkedHl7: (_input, { actor }) => {
      const current = hl7();
      if (current.state === 'not-configured') throw new SyncNotRunningError('no HL7 interface engine is configured (settings hl7Output.host)');
      if (current.state === 'not-running') throw new SyncNotRunningError(`the HL7 output is not running: ${current.problem}`);
      const requeued = current.output.retryParked();
      audit.append({ actor: actor.id, role: actor.role, action: 'sync.manage', object: `hl7-retry:${requeued}` });
      return { requeued };
    },
  };
}
