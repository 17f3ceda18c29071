import { describe, expect, it } from 'vitest';
import type { Hl7OutputStatus } from '../../hl7/hl7-output';
import { createHl7Handlers, type StationHl7 } from './hl7-handlers';

const admin = { actor: { id: 'u-admin', role: 'administrator' as const } } as never;

function handlers(hl7: StationHl7) {
  const audited: unknown[] = [];
  return { audited, ...createHl7Handlers({ hl7: () => hl7, audit: { append: (event: unknown) => void audited.push(event) } as never }) };
}

const status: Hl7OutputStatus = {
  engine: 'engine.example.org:2575',
  waiting: 2,
  inFlight: 1,
  parked: 1,
  oldestWaitingAt: 5,
  lastSentAt: 100,
  parkedItems: [{ seq: 7, kind: 'reading', recordId: 'readings 11-20', attempts: 1, outcome: 'AE: Unknown patient', parkedAt: 90 }],
  problem: null,
};

describe('HL7 status handlers', () => {
  it('show the running output: engine, batches waiting and in flight together, refused batches with the engine\'s reason', async () => {
    const { getHl7Status } = handlers({ state: 'running', output: { status: () => status, retryParked: () => 0 } });
    expect(await getHl7Status(undefined, admin)).toEqual({
      state: 'running',
      engine: 'engine.example.org:2575',
      lastSentAt: 100,
      waiting: 3,
      parked: 1,
      parkedBatches: [{ seq: 7, recordId: 'readings 11-20', attempts: 1, parkedAt: 90, reason: 'AE: Unknown patient' }],
      problem: null,
    });
  });

  it('say when there is no engine or it did not start, and refuse Retry with the reason', async () => {
    const none = handlers({ state: 'not-configured' });
    expect(await none.getHl7Status(undefined, admin)).toEqual({ state: 'not-configured' });
    expect(() => none.retryParkedHl7(undefined, admin)).toThrow('no HL7 interface engine is configured (settings hl7Output.host)');
    const broken = handlers({ state: 'not-running', engine: 'e:1', problem: 'the CA file cannot be read' });
    expect(() => broken.retryParkedHl7(undefined, admin)).toThrow('the HL7 output is not running: the CA file cannot be read');
    expect([...none.audited, ...broken.audited]).toEqual([]);
  });

  it('retry the refused batches, audited under who pressed it with the count only', async () => {
    const running = handlers({ state: 'running', output: { status: () => status, retryParked: () => 1 } });
    expect(await running.retryParkedHl7(undefined, admin)).toEqual({ requeued: 1 });
    expect(running.audited).toEqual([{ actor: 'u-admin', role: 'administrator', action: 'sync.manage', object: 'hl7-retry:1' }]);
  });
});
