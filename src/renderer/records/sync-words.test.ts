import { describe, expect, it } from 'vitest';
import type { SyncSummary } from '../../shared/contract-sync';
import { plethResultLine, plethVisitLine, syncStatusLine } from './sync-words';

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

describe("the words of a visit's pleth", () => {
  it.each([
    [{ segments: 0, queued: 0 }, 'No pleth recorded'],
    [{ segments: 1, queued: 0 }, '1 segment of up to 10 s, none queued'],
    [{ segments: 1200, queued: 3 }, '1,200 segments of up to 10 s, 3 queued'],
    [{ segments: 4, queued: 4 }, '4 segments of up to 10 s, all queued'],
  ])('%j reads %s', (visit, line) => {
    expect(plethVisitLine(visit)).toBe(line);
  });

  it.each([
    [{ queued: 3, alreadyQueued: 0, unscaled: 0 }, '3 segments queued for the FHIR server.'],
    [{ queued: 0, alreadyQueued: 1, unscaled: 0 }, 'Nothing new to queue. 1 segment had been queued before and is not sent twice.'],
    [{ queued: 1, alreadyQueued: 2, unscaled: 1 }, "1 segment queued for the FHIR server. 2 segments had been queued before and are not sent twice. 1 segment recorded before the device's scale was kept cannot be sent."],
    [{ queued: 0, alreadyQueued: 0, unscaled: 0 }, 'Nothing new to queue.'],
  ])('a request that did %j reads %s', (result, line) => {
    expect(plethResultLine(result)).toBe(line);
  });
});
