/**
 * How the records queue continuous readings for the sync (./minute-summaries.ts): one summary row
 * per minute, due once it has closed; a late reading on its own; which readings an alarm or a
 * NEWS2 score sends on their own.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../sync/outbox';
import { MINUTE_MS, summaryDueAt, SUMMARY_GRACE_MS } from './minute-summaries';
import type { ReadingInput } from './store';
import { openTestStation } from './test-support';

async function monitored() {
  const s = await openTestStation();
  const patient = s.store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: null, gender: 'female', identifier: null });
  const visit = s.store.startVisit(patient.id, 'nurse-1');
  const start = s.clock.time;
  const record = (fields: Partial<ReadingInput> & { at: number }) =>
    s.store.recordReading(patient.id, visit.id, { deviceId: 'ox-1', metric: 'spo2', value: 95, unit: '%', deviceTime: null, receivedAt: fields.at, source: 'pulse-oximeter', ...fields });
  const rows = (kind: string) => s.db.prepare(`SELECT record_id, next_attempt_at, state FROM outbox WHERE kind = ? ORDER BY seq`).all(kind) as { record_id: string; next_attempt_at: number; state: string }[];
  return { ...s, patient, visit, start, record, rows, outbox: new Outbox(s.db, s.clock.now) };
}

describe('queueing continuous readings', () => {
  it("writes one summary row per device, metric and minute, due after the minute's end plus the grace, and no row per reading", async () => {
    const s = await monitored();
    for (let second = 0; second < 120; second += 1) {
      s.record({ at: s.start + second * 1_000 });
      s.record({ at: s.start + second * 1_000, metric: 'pulseRate', unit: '/min', value: 70 });
    }
    // A cuff's pulse is a spot measurement: a row of its own, due now.
    s.record({ at: s.start, deviceId: 'cuff-1', metric: 'pulseRate', unit: '/min', value: 72, source: 'blood-pressure-cuff' });
    expect(s.rows('reading-summary')).toHaveLength(4);
    expect(s.rows('reading-summary').map((row) => row.next_attempt_at)).toEqual([s.start, s.start, s.start + MINUTE_MS, s.start + MINUTE_MS].map(summaryDueAt));
    expect(s.rows('reading')).toHaveLength(1);
    expect(s.rows('reading')[0]!.next_attempt_at).toBe(0);
    // Not claimable before the minute has closed and the grace passed.
    s.clock.time = s.start + MINUTE_MS + SUMMARY_GRACE_MS - 1;
    expect(s.outbox.claim(100, 1_000).filter((item) => item.kind === 'reading-summary')).toHaveLength(0);
    s.clock.time += 1;
    expect(s.outbox.claim(100, 1_000).filter((item) => item.kind === 'reading-summary')).toHaveLength(2);
  });

  it('queues a reading on its own when its minute summary has already been taken for sending, so it is not left out', async () => {
    const s = await monitored();
    const first = s.record({ at: s.start + 5_000 });
    s.clock.time = summaryDueAt(s.start);
    const [summary] = s.outbox.claim(100, 60_000).filter((item) => item.kind === 'reading-summary');
    expect(summary).toBeDefined();
    const late = s.record({ at: s.start + 59_000 });
    expect(s.rows('reading').map((row) => row.record_id)).toEqual([String(late.id)]);
    expect(s.rows('reading').map((row) => row.record_id)).not.toContain(String(first.id));
    // While the summary still waits, a reading of its minute joins it.
    s.outbox.release([summary!]);
    s.record({ at: s.start + 58_000 });
    expect(s.rows('reading')).toHaveLength(1);
  });

  it('queues each reading on its own at most once, however often asked', async () => {
    const s = await monitored();
    const reading = s.record({ at: s.start });
    s.store.queueOnTheirOwn([reading]);
    s.store.queueOnTheirOwn([reading, reading]);
    expect(s.rows('reading')).toHaveLength(1);
  });

  it('a NEWS2 score sends the continuous readings it used on their own, so the Observations it names exist', async () => {
    const s = await monitored();
    const used = s.record({ at: s.start + 10_000, value: 93 });
    s.record({ at: s.start + 11_000, value: 94 });
    s.store.recordNews2Score(s.patient.id, s.visit.id, {
      id: randomUUID(),
      scoredAt: s.start + 10_500,
      total: 2,
      risk: 'low',
      scores: { spo2: 2 },
      chartedInputs: [],
      deviceInputs: [{ deviceId: 'ox-1', metric: 'spo2', receivedAt: used.receivedAt }],
    });
    expect(s.rows('reading').map((row) => row.record_id)).toEqual([String(used.id)]);
  });
});

describe('readings during an alarm', () => {
  it('are those of the patient from the raise of a physiological alarm to its end, or on while it lasts', async () => {
    const s = await monitored();
    const minute = Array.from({ length: 60 }, (_, second) => s.record({ at: s.start + second * 1_000 }));
    const ended = s.store.raiseAlarm(s.patient.id, s.visit.id, { kind: 'physiological', priority: 'medium', condition: 'SpO₂ low' }, s.start + 10_000);
    s.store.setAlarmEnd(ended.id, s.start + 12_000);
    s.store.raiseAlarm(s.patient.id, s.visit.id, { kind: 'physiological', priority: 'high', condition: 'Pulse high' }, s.start + 55_000);
    // A technical alarm says nothing about the patient.
    s.store.raiseAlarm(s.patient.id, s.visit.id, { kind: 'technical', priority: 'low', condition: 'cuff disconnected' }, s.start + 30_000);
    const seconds = (readings: { receivedAt: number }[]) => readings.map((reading) => (reading.receivedAt - s.start) / 1_000);
    expect(seconds(s.store.readingsDuringAlarms(minute))).toEqual([10, 11, 12, 55, 56, 57, 58, 59]);
  });

  it("are not another patient's, and an alarm that came back counts as on again", async () => {
    const s = await monitored();
    const other = s.store.createPatient({ givenName: 'Bea', familyName: 'Cole', birthDate: null, gender: 'female', identifier: null });
    const minute = Array.from({ length: 10 }, (_, second) => s.record({ at: s.start + second * 1_000 }));
    s.store.raiseAlarm(other.id, null, { kind: 'physiological', priority: 'high', condition: 'SpO₂ low' }, s.start);
    expect(s.store.readingsDuringAlarms(minute)).toEqual([]);
    const alarm = s.store.raiseAlarm(s.patient.id, s.visit.id, { kind: 'physiological', priority: 'high', condition: 'SpO₂ low' }, s.start + 8_000);
    s.store.setAlarmEnd(alarm.id, s.start + 8_000);
    expect(s.store.readingsDuringAlarms(minute)).toHaveLength(1);
    s.store.setAlarmEnd(alarm.id, null);
    expect(s.store.readingsDuringAlarms(minute)).toHaveLength(2);
  });

  it('an alarm a previous launch left open ends at the next launch instead of lasting for ever', async () => {
    const s = await monitored();
    const alarm = s.store.raiseAlarm(s.patient.id, s.visit.id, { kind: 'physiological', priority: 'high', condition: 'SpO₂ low' }, s.start);
    const stillOpen = s.store.raiseAlarm(s.patient.id, s.visit.id, { kind: 'technical', priority: 'low', condition: 'probe off' }, s.start);
    s.store.setAlarmEnd(stillOpen.id, s.start + 1_000);
    expect(s.store.endOpenAlarms(s.start + 3_600_000)).toBe(1);
    const endOf = (id: string) => s.db.prepare('SELECT ended_at FROM alarms WHERE id = ?').pluck().get(id);
    expect(endOf(alarm.id)).toBe(s.start + 3_600_000);
    expect(endOf(stillOpen.id)).toBe(s.start + 1_000);
    const later = s.record({ at: s.start + 3_700_000 });
    expect(s.store.readingsDuringAlarms([later])).toEqual([]);
  });
});
