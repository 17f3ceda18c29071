/**
 * How a visit's pleth is queued for the sync on staff's request (RecordStore.queueVisitPleth):
 * one row per stored segment of that visit, never twice, never on its own.
 */
import { describe, expect, it } from 'vitest';
import { Outbox } from '../sync/outbox';
import type { WaveformInput } from './store';
import { openTestStation } from './test-support';

const SCALE = { min: 0, max: 127 };

async function withPleth() {
  const s = await openTestStation();
  const patient = s.store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: null, gender: 'female', identifier: null });
  const visit = s.store.startVisit(patient.id, 'nurse-1');
  const segment = (startedAt: number, fields: Partial<WaveformInput> = {}): WaveformInput => ({ deviceId: 'ox-1', metric: 'pleth', rateHz: 60, startedAt, samples: Array.from({ length: 600 }, (_, i) => i % 128), scale: SCALE, ...fields });
  const plethRows = () => s.db.prepare(`SELECT record_id, patient_id, state, next_attempt_at FROM outbox WHERE kind = 'pleth-segment' ORDER BY seq`).all() as { record_id: string; patient_id: string; state: string; next_attempt_at: number }[];
  return { ...s, patient, visit, segment, plethRows, outbox: new Outbox(s.db, s.clock.now) };
}

describe("queueing a visit's pleth for the FHIR server", () => {
  it('queues nothing pleth when segments are recorded: only the request does', async () => {
    const s = await withPleth();
    s.store.recordWaveform(s.patient.id, s.visit.id, s.segment(s.clock.time));
    expect(s.plethRows()).toEqual([]);
  });

  it("queues one row per pleth segment of that visit only, due now, and a second request queues none of them again", async () => {
    const s = await withPleth();
    const t = s.clock.time;
    const first = s.store.recordWaveform(s.patient.id, s.visit.id, s.segment(t));
    const second = s.store.recordWaveform(s.patient.id, s.visit.id, s.segment(t + 10_000));
    s.store.recordWaveform(s.patient.id, s.visit.id, s.segment(t, { metric: 'ecg', rateHz: 250, deviceId: 'ecg-1' }));
    s.store.endVisit(s.visit.id);
    const other = s.store.startVisit(s.patient.id, 'nurse-1');
    const later = s.store.recordWaveform(s.patient.id, other.id, s.segment(t + 60_000));

    expect(s.store.queueVisitPleth(s.visit.id)).toEqual({ queued: 2, alreadyQueued: 0, unscaled: 0 });
    expect(s.plethRows()).toEqual([
      { record_id: String(first), patient_id: s.patient.id, state: 'waiting', next_attempt_at: 0 },
      { record_id: String(second), patient_id: s.patient.id, state: 'waiting', next_attempt_at: 0 },
    ]);
    expect(s.store.queueVisitPleth(s.visit.id)).toEqual({ queued: 0, alreadyQueued: 2, unscaled: 0 });
    // Sent ones are not queued again either.
    s.outbox.markSent(s.outbox.claim(100, 60_000));
    expect(s.store.queueVisitPleth(s.visit.id)).toEqual({ queued: 0, alreadyQueued: 2, unscaled: 0 });
    expect(s.plethRows().map((row) => row.record_id)).toEqual([String(first), String(second)]);

    expect(s.store.queueVisitPleth(other.id)).toEqual({ queued: 1, alreadyQueued: 0, unscaled: 0 });
    expect(s.plethRows().map((row) => row.record_id)).toEqual([String(first), String(second), String(later)]);
  });

  it('counts but does not queue a segment without a raw scale (recorded before the scale was kept)', async () => {
    const s = await withPleth();
    s.store.recordWaveform(s.patient.id, s.visit.id, s.segment(s.clock.time, { scale: null }));
    const scaled = s.store.recordWaveform(s.patient.id, s.visit.id, s.segment(s.clock.time + 10_000));
    expect(s.store.queueVisitPleth(s.visit.id)).toEqual({ queued: 1, alreadyQueued: 0, unscaled: 1 });
    expect(s.plethRows().map((row) => row.record_id)).toEqual([String(scaled)]);
  });

  it('keeps the scale with the segment', async () => {
    const s = await withPleth();
    const id = s.store.recordWaveform(s.patient.id, s.visit.id, s.segment(s.clock.time, { scale: { min: -5, max: 250 } }));
    expect(s.store.waveformsByIds([id]).map((segment) => [segment.scale, segment.visitId])).toEqual([[{ min: -5, max: 250 }, s.visit.id]]);
    expect(s.store.waveforms(s.patient.id).map((segment) => segment.scale)).toEqual([{ min: -5, max: 250 }]);
  });
});
