import { describe, expect, it } from 'vitest';
import { FileKeyProvider } from '../../records/key-provider';
import { openTestStation } from '../../records/test-support';
import { openStationRecords } from './station-records';

describe('station records at start', () => {
  it('end the alarms the last launch left open (a crash), so their window does not last for ever', async () => {
    const { dataDir, db, store, clock } = await openTestStation();
    const patient = store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: null, gender: 'female', identifier: null });
    const open = store.raiseAlarm(patient.id, null, { kind: 'physiological', priority: 'high', condition: 'SpO₂ low' }, clock.time);
    db.close();
    const before = Date.now();
    const records = await openStationRecords({ dataDir, keyProvider: new FileKeyProvider(dataDir), log: () => {} });
    try {
      const endedAt = records.db.prepare('SELECT ended_at FROM alarms WHERE id = ?').pluck().get(open.id) as number;
      expect(endedAt).toBeGreaterThanOrEqual(before);
      expect(endedAt).toBeLessThanOrEqual(Date.now());
    } finally {
      await records.close();
    }
  });
});
