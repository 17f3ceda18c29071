import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/clinical/actor';
import { MeasurementRequests, visitMeasurementRequests } from './measurement-requests';
import { openTestStation, removeTrackedTempDirs, trackedTempDir } from './test-support';

const PATIENT = { givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: null } as const;
const nurse: Actor = { id: 'u-nurse', name: 'Sam Reyes', role: 'nurse' };
const CUFF = { id: 'simulated:cuff', name: 'Omron HEM-790IT' };
const cuffReading = (metric: 'systolic' | 'diastolic', value: number, receivedAt: number, measurementId: string) =>
  ({ deviceId: CUFF.id, metric, value, unit: 'mm[Hg]', deviceTime: null, receivedAt, source: 'blood-pressure-cuff', measurementId }) as const;

afterEach(removeTrackedTempDirs);

async function setUp() {
  const station = await openTestStation(trackedTempDir());
  const patient = station.store.createPatient(PATIENT);
  const visit = station.store.startVisit(patient.id, nurse.id);
  const clinician: Actor = { id: `remote-clinician:${visit.id}`, name: 'Remote clinician (video visit)', role: 'physician' };
  const requests = new MeasurementRequests(station.db, station.audit, station.clock.now);
  const listed = () => visitMeasurementRequests(station.db, patient.id, visit.id);
  const trail = () => station.audit.entries().filter((entry) => entry.action === 'measurement.request').map(({ actor, role, object }) => ({ actor, role, object }));
  return { ...station, patient, visit, clinician, requests, listed, trail };
}

describe('measurement requests in the records', () => {
  it('keeps who asked for which device when, who started it when, and the measurement that answered it; each change audited', async () => {
    const s = await setUp();
    const askedAt = s.clock.now();
    s.requests.requested(s.visit.id, 'req-1', CUFF, s.clinician);
    s.clock.advance(20_000);
    const startedAt = s.clock.now();
    s.requests.settled(s.visit.id, 'req-1', 'started', nurse);
    // A reading of another device, and one of the cuff from before the start, answer nothing.
    s.store.recordReading(s.patient.id, s.visit.id, { deviceId: 'ox', metric: 'spo2', value: 97, unit: '%', deviceTime: null, receivedAt: startedAt + 1_000, source: 'pulse-oximeter', measurementId: null });
    s.store.recordReading(s.patient.id, s.visit.id, cuffReading('systolic', 150, startedAt - 60_000, 'earlier'));
    s.store.recordReading(s.patient.id, s.visit.id, cuffReading('systolic', 128, startedAt + 40_000, 'm-1'));
    s.store.recordReading(s.patient.id, s.visit.id, cuffReading('diastolic', 82, startedAt + 40_000, 'm-1'));
    const [request] = s.listed();
    expect(request).toMatchObject({ requestId: 'req-1', deviceId: CUFF.id, deviceName: CUFF.name, requestedBy: s.clinician.id, requestedAt: askedAt, state: 'started', settledBy: nurse.id, settledAt: startedAt, reason: null });
    expect(request!.answer.map((reading) => [reading.metric, reading.value, reading.receivedAt])).toEqual([
      ['systolic', 128, startedAt + 40_000],
      ['diastolic', 82, startedAt + 40_000],
    ]);
    expect(s.trail()).toEqual([
      { actor: s.clinician.id, role: 'physician', object: 'req-1' },
      { actor: nurse.id, role: 'nurse', object: 'req-1' },
    ]);
  });

  it('keeps a declined request and a failed one with its reason, unanswered; a failed one may be started later, a settled one stays', async () => {
    const s = await setUp();
    s.requests.requested(s.visit.id, 'declined', CUFF, s.clinician);
    s.requests.settled(s.visit.id, 'declined', 'declined', nurse, 'Declined at the station');
    s.requests.requested(s.visit.id, 'failed', { id: 'gone', name: null }, s.clinician);
    s.requests.settled(s.visit.id, 'failed', 'failed', nurse, 'That device is not connected to the station');
    // A late "started" for the declined one (a double click) changes nothing and is not audited.
    s.requests.settled(s.visit.id, 'declined', 'started', nurse);
    s.store.recordReading(s.patient.id, s.visit.id, cuffReading('systolic', 128, s.clock.now() + 1_000, 'm-1'));
    expect(s.listed().map(({ requestId, state, reason, answer }) => ({ requestId, state, reason, answered: answer.length > 0 }))).toEqual([
      { requestId: 'declined', state: 'declined', reason: 'Declined at the station', answered: false },
      { requestId: 'failed', state: 'failed', reason: 'That device is not connected to the station', answered: false },
    ]);
    s.requests.settled(s.visit.id, 'failed', 'started', nurse);
    expect(s.listed()[1]).toMatchObject({ state: 'started', reason: null });
    expect(s.trail()).toHaveLength(5);
  });

  it('answers a request only with readings before the same device was asked again', async () => {
    const s = await setUp();
    s.requests.requested(s.visit.id, 'first', CUFF, s.clinician);
    s.requests.settled(s.visit.id, 'first', 'started', nurse);
    s.clock.advance(60_000);
    s.requests.requested(s.visit.id, 'second', CUFF, s.clinician);
    s.requests.settled(s.visit.id, 'second', 'started', nurse);
    s.store.recordReading(s.patient.id, s.visit.id, cuffReading('systolic', 131, s.clock.now() + 5_000, 'm-2'));
    expect(s.listed().map((request) => request.answer.map((reading) => reading.value))).toEqual([[], [131]]);
  });

  it('keeps a replayed request once, and refuses requests for a visit not open or a request it never had', async () => {
    const s = await setUp();
    s.requests.requested(s.visit.id, 'req-1', CUFF, s.clinician);
    s.clock.advance(5_000);
    s.requests.requested(s.visit.id, 'req-1', CUFF, s.clinician);
    expect(s.listed()).toHaveLength(1);
    expect(s.trail()).toHaveLength(1);
    expect(() => s.requests.settled(s.visit.id, 'never', 'started', nurse)).toThrow(/no such measurement request/);
    expect(() => s.requests.requested(s.visit.id, '', CUFF, s.clinician)).toThrow(/Invalid measurement request id/);
    s.store.endVisit(s.visit.id);
    expect(() => s.requests.requested(s.visit.id, 'req-2', CUFF, s.clinician)).toThrow(/no such open visit/);
    expect(s.trail()).toHaveLength(1);
  });
});
