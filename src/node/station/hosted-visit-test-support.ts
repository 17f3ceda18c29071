/**
 * Test helpers: an access bench with a patient and their open visit as the current encounter, and
 * the video visits this station hosts, whose clinician is connected until a test says otherwise
 * (`clinician.connected = false`); refused relays are collected in `refusals`.
 */
import { openAccessBench, type AccessBench } from './access/access-test-support';
import { HostedVisits, type RelayRefusal } from './hosted-visits';

export interface HostedVisitBench {
  bench: AccessBench;
  encounter: { patientId: string; visitId: string };
  hosted: HostedVisits;
  clinician: { connected: boolean };
  refusals: RelayRefusal[];
}

export async function openHostedVisitBench(): Promise<HostedVisitBench> {
  const bench = await openAccessBench();
  const patient = bench.station.store.createPatient({ givenName: 'Ada', familyName: 'Byron', birthDate: null, gender: 'female', identifier: null });
  bench.patient.id = patient.id;
  const encounter = { patientId: patient.id, visitId: bench.station.store.startVisit(patient.id, 'station').id };
  const clinician = { connected: true };
  const refusals: RelayRefusal[] = [];
  const hosted = new HostedVisits({ clinicianConnected: async () => clinician.connected, onRefused: (refusal) => refusals.push(refusal) });
  return { bench, encounter, hosted, clinician, refusals };
}
