import { describe, expect, it } from 'vitest';
import { openTestStation } from '../records/test-support';
import { RefusalAudit, repeatedRefusals } from './refusal-audit';

describe('refused relays for a remote clinician in the audit trail', () => {
  it('keeps one entry a minute per person and visit, with the repeats counted and the visit named', async () => {
    const station = await openTestStation();
    const refusals = new RefusalAudit(station.audit, station.clock.now);
    for (let retry = 0; retry < 500; retry++) refusals.refused('n1', 'nurse', 'visit.relay-refused', 'v-1');
    refusals.refused('n1', 'nurse', 'visit.relay-refused', null);
    refusals.refused('n1', 'nurse');
    station.clock.advance(60_000);
    refusals.closeDueWindows();
    refusals.close();
    expect(station.audit.entries().map(({ actor, action, object }) => [actor, action, object])).toEqual([
      ['n1', 'visit.relay-refused', 'v-1'],
      ['n1', 'visit.relay-refused', null],
      ['n1', 'session.sign-in-refused', null],
      ['n1', 'visit.relay-refused', repeatedRefusals(499, 'v-1')],
    ]);
    station.db.close();
  });
});
