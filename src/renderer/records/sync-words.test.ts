import { describe, expect, it } from 'vitest';
import type { SyncSummary } from '../../shared/contract-sync';
import { syncStatusLine } from './sync-words';

const when = (epochMs: number) => `t${epochMs}`;
const running = (fields: Partial<SyncSummary>): SyncSummary => ({ state: 'running', lastSuccessAt: null, waiting: 0, parked: 0, problem: null, ...fields });

describe("the nurses' one-line sync status", () => {
  it.each([
    [{ state: 'not-configured', lastSuccessAt: null, waiting: 0, parked: 0, problem: null } as SyncSummary, 'FHIR sync: not set up; the records stay on this station.'],
    [{ state: 'not-running', lastSuccessAt: null, waiting: 0, parked: 0, problem: 'the sync key is missing' } as SyncSummary, 'FHIR sync: not running (the sync key is missing); tell an administrator.'],
    [running({}), 'FHIR sync: nothing to send yet.'],
    [running({ lastSuccessAt: 5 }), 'FHIR sync: everything sent, last sent t5.'],
    [running({ waiting: 1, lastSuccessAt: 5 }), 'FHIR sync: 1 item waiting to be sent, last sent t5.'],
    [running({ waiting: 1200, problem: 'the server could not be reached' }), 'FHIR sync: the server could not be reached; 1,200 items waiting, nothing sent yet.'],
    [running({ waiting: 3, parked: 2, problem: 'the server answered HTTP 503', lastSuccessAt: 5 }), 'FHIR sync: the server refused 2 items; tell an administrator. 3 items waiting, last sent t5.'],
  ])('%j reads %s', (summary, line) => {
    expect(syncStatusLine(summary, when)).toBe(line);
  });
});
