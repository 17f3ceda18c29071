/**
 * Test helpers: a known visit in a fresh records database (a named patient, a nurse, the remote
 * physician, oximetry at 1 Hz, a cuff measurement the physician asked for, a request that failed,
 * an alarm acknowledged and ended, a NEWS2 score, the video consent and a snapshot), and a real PNG
 * to be its snapshot.
 */
import { deflateSync, crc32 } from 'node:zlib';
import { MeasurementRequests } from '../records/measurement-requests';
import type { TestStation } from '../records/test-support';
import { VisitNotes } from '../records/visit-notes';
import type { SummarySources } from './visit-summary';

/** A width × height RGB PNG of a diagonal gradient: decodable, as a clinician's still is. */
export function gradientPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set([(x * 255) / width, (y * 255) / height, 160], y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

export interface KnownVisit {
  patientId: string;
  visitId: string;
  nurseId: string;
}

export const REMOTE_CLINICIAN = 'remote-clinician:consult-visit-1';

/** Where a test's summary is gathered from: the test station's records as a station named station-0001. */
export function summarySources(station: TestStation, careSetting: SummarySources['careSetting'] = 'station'): SummarySources {
  return { store: station.store, users: station.users, notes: new VisitNotes(station.db, station.audit, station.clock.now), stationId: 'station-0001', careSetting };
}

/**
 * The visit starts at the station clock (09:00:00 UTC on 15 Jan 2025) and lasts `minutes`; the
 * oximeter gives SpO2 and pulse every second from its start, SpO2 dipping to 88 % in minute 2.
 */
export async function recordKnownVisit(station: TestStation, minutes = 3): Promise<KnownVisit> {
  const { store, users, clock } = station;
  const { user: nurse } = await users.create({ username: 'nurse.okafor', role: 'nurse', password: 'correct horse battery' });
  const patient = store.createPatient({ givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' });
  const visit = store.startVisit(patient.id, nurse.id);
  const start = clock.time;
  store.recordConsent(patient.id, visit.id, { scope: 'video-visit/2026-01', granted: true }, nurse.id);
  store.db.transaction(() => {
    for (let second = 0; second < minutes * 60; second++) {
      const at = start + second * 1000;
      const spo2 = second >= 60 && second < 90 ? 88 : 97 + (second % 3 === 0 ? -1 : 0);
      store.recordReading(patient.id, visit.id, { deviceId: 'oximeter-1', metric: 'spo2', value: spo2, unit: '%', deviceTime: null, receivedAt: at, source: 'pulse-oximeter' });
      store.recordReading(patient.id, visit.id, { deviceId: 'oximeter-1', metric: 'pulseRate', value: 72 + (second % 5), unit: '/min', deviceTime: null, receivedAt: at, source: 'pulse-oximeter' });
    }
  })();
  // The physician asks for the cuff, the nurse starts it, and its measurement answers; the scale they ask for is not connected.
  const requests = new MeasurementRequests(station.db, station.audit, clock.now);
  const physicianActor = { id: REMOTE_CLINICIAN, name: 'Remote clinician (video visit)', role: 'physician' } as const;
  const nurseActor = { id: nurse.id, name: nurse.username, role: 'nurse' } as const;
  clock.time = start + 90_000;
  requests.requested(visit.id, 'request-cuff', { id: 'cuff-1', name: 'Omron HEM-790IT' }, physicianActor);
  clock.time = start + 95_000;
  requests.settled(visit.id, 'request-cuff', 'started', nurseActor);
  clock.time = start + 96_000;
  requests.requested(visit.id, 'request-scale', { id: 'scale-1', name: null }, physicianActor);
  requests.settled(visit.id, 'request-scale', 'failed', nurseActor, 'That device is not connected to the station');
  clock.time = start;
  const cuffAt = start + 100_000;
  for (const [metric, value] of [['systolic', 128], ['diastolic', 82]] as const) {
    store.recordReading(patient.id, visit.id, { deviceId: 'cuff-1', metric, value, unit: 'mm[Hg]', deviceTime: '2025-01-15T09:01:38', receivedAt: cuffAt, source: 'blood-pressure-cuff', measurementId: 'm-1' });
  }
  const alarm = store.raiseAlarm(patient.id, visit.id, { kind: 'physiological', priority: 'medium', condition: 'SpO₂ low' }, start + 62_000);
  clock.time = start + 70_000;
  store.acknowledgeAlarm(alarm.id, REMOTE_CLINICIAN);
  store.setAlarmEnd(alarm.id, start + 91_000);
  store.recordNews2Charted(patient.id, visit.id, { id: '00000000-0000-4000-8000-000000000001', kind: 'respiratoryRate', value: 18, enteredBy: nurse.id, enteredRole: 'nurse', enteredAt: start + 110_000 });
  store.recordNews2Score(patient.id, visit.id, {
    id: '00000000-0000-4000-8000-000000000002',
    scoredAt: start + 120_000,
    total: 3,
    risk: 'low',
    scores: { respiratoryRate: 0, spo2: 1, airOrOxygen: 0, systolic: 0, pulse: 0, consciousness: 0, temperature: 2 },
    chartedInputs: ['00000000-0000-4000-8000-000000000001'],
    deviceInputs: [],
  });
  clock.time = start + 130_000;
  store.addAttachment(patient.id, visit.id, { kind: 'visit-snapshot', mediaType: 'image/png', content: gradientPng(320, 240) }, nurse.id);
  // The remote physician's note, signed, with the nurse's addendum; the nurse's own draft stays out of the summary.
  const notes = new VisitNotes(station.db, station.audit, clock.now);
  const physician = { id: REMOTE_CLINICIAN, name: 'Dr Amara Osei', role: 'physician' } as const;
  const draft = notes.saveDraft(visit.id, physician, { reason: 'Breathless on exertion', findings: 'SpO₂ dipped to 88 % for 30 s at rest', assessment: '', plan: 'Repeat oximetry tomorrow', followUp: '' }, 1);
  clock.time = start + 150_000;
  const signed = notes.sign(draft.note.id, physician, 1);
  clock.time = start + 160_000;
  notes.addAddendum(signed.id, nurseActor, 'Patient given the oximeter to take home.');
  notes.saveDraft(visit.id, nurseActor, { reason: 'unsigned draft text', findings: '', assessment: '', plan: '', followUp: '' }, 1);
  clock.time = start + minutes * 60_000;
  store.endVisit(visit.id);
  return { patientId: patient.id, visitId: visit.id, nurseId: nurse.id };
}
