import { describe, expect, it } from 'vitest';
import { openTestStation, type TestStation } from '../records/test-support';


async function stationWithLog(entries: number): Promise<TestStation> {
  const station = await openTestStation();
  station.db.transaction(() => {
    for (let i = 0; i < entries; i++) station.audit.append({ actor: 'user-1', role: 'nurse', action: 'patient.view', object: `object-${i}` });
  })();
  return station;
}

const TAMPERING: Record<string, string> = {
  'nothing changed': '',
  'an altered entry': `UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5`,
  'a deleted entry': 'DELETE FROM audit_log WHERE seq = 4',
  'a deleted entry, later ones renumbered': 'DELETE FROM audit_log WHERE seq = 4; UPDATE audit_log SET seq = -(seq - 1) WHERE seq > 4; UPDATE audit_log SET seq = -seq WHERE seq < 0;',
  'a removed tail': 'DELETE FROM audit_log WHERE seq >= 9',
  'two entries swapped': 'UPDATE audit_log SET seq = -1 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 6; UPDATE audit_log SET seq = 6 WHERE seq = -1;',
  'an entry moved before the first': 'UPDATE audit_log SET seq = 0 WHERE seq = 7',
  'an entry added after the head': `INSERT INTO audit_log SELECT seq + 1, time, actor, role, action, object, station, hash, hash FROM audit_log WHERE seq = 10`,
  'the head removed': 'DELETE FROM audit_head',
};

describe('the audit check in slices', () => {
  it.each(Object.entries(TAMPERING))('answers exactly as the one-pass check for %s, whatever the slice size', async (_label, tamper) => {
    const station = await stationWithLog(10);
    station.db.exec('DROP TRIGGER audit_log_is_append_only_update; DROP TRIGGER audit_log_is_append_only_delete;');
    station.db.exec(tamper);
    const expected = station.audit.verify();
    expect(expected.ok).toBe(tamper === '');
    for (const slice of [1, 3, 10, 11, 500]) expect(await station.audit.verifyInSlices(slice)).toEqual(expected);
  });

  it('lets the event loop run between slices, and walks entries appended meanwhile', async () => {
    const station = await stationWithLog(2_000);
    let turns = 0;
    let appended = 0;
    const turn = () => {
      turns++;
      if (appended < 5) {
        station.audit.append({ actor: 'user-2', role: 'physician', action: 'patient.view', object: null });
        appended++;
      }
    };
    const ticking = setInterval(turn, 0);
    const result = await station.audit.verifyInSlices(100);
    clearInterval(ticking);
    expect(turns).toBeGreaterThan(0);
    expect(result).toEqual({ ok: true, entries: 2_000 + appended });
  });
});
