import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload, MethodOutput, StationEventName } from '../../../shared/contract';
import type { StationRole } from '../../../shared/roles';
import { ClinicalRecords } from '../../records/clinical-records';
import { auditHead, openAccessBench, type AccessBench } from '../access/access-test-support';
import type { ScreenAccess } from '../access/station-access';
import { invokeContract, type ContractHandlers } from '../contract-session';
import { HostedVisits } from '../hosted-visits';
import { CurrentEncounter } from '../persistence/encounter';
import { standInHandlers } from '../stand-in-handlers';
import { ScreenBroadcast } from '../screen-broadcast';
import { createCurrentPatientHandler } from './current-patient';
import { createPatientViewAudit } from './patient-views';

const NAMED = { givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: 'MRN-1' } as const;

let bench: AccessBench;
let encounter: CurrentEncounter;
let hosted: HostedVisits;
let changes: ScreenBroadcast;
let signals: number;
let handlers: ContractHandlers;

beforeEach(async () => {
  bench = await openAccessBench();
  const { store, audit, auth, clock } = bench.station;
  encounter = CurrentEncounter.start(store, audit);
  bench.patient.id = encounter.patientId;
  changes = new ScreenBroadcast((error) => {
    throw error;
  });
  signals = 0;
  changes.subscribe({
    send<E extends StationEventName>(event: E, payload: EventPayload<E>) {
      expect([event, payload]).toEqual(['patientChanged', {}]);
      signals++;
    },
  });
  encounter.onChange(() => changes.send('patientChanged', {}));
  hosted = new HostedVisits({ clinicianConnected: async () => false, onRefused: () => undefined, onChange: () => changes.send('patientChanged', {}) });
  const clinical = new ClinicalRecords(store, auth, audit, clock.now);
  handlers = standInHandlers(
    createCurrentPatientHandler({
      store,
      encounter: () => encounter,
      videoVisit: () => hosted.hosting(),
      views: createPatientViewAudit({ clinical, currentPatientId: () => encounter.patientId }),
    }),
    clock.now,
  );
});
afterEach(() => bench.close());

/** A kiosk screen is bound to the station's current patient (bench.patient follows the encounter), as a kiosk visit opens it. */
const signedIn = async (role: StationRole): Promise<ScreenAccess> => (await bench.signedIn(role)).screen;

async function currentPatient(screen: ScreenAccess): Promise<MethodOutput<'getCurrentPatient'>> {
  const result = await invokeContract(handlers, screen, 'getCurrentPatient', undefined);
  if (!result.ok) throw new Error(`getCurrentPatient: ${result.error.code}: ${result.error.message}`);
  return result.output as MethodOutput<'getCurrentPatient'>;
}

const encounterStart = () => bench.station.store.visitsByIds([encounter.visitId])[0]!.startedAt;

describe('getCurrentPatient', () => {
  it('answers an anonymous patient with no details, the encounter start and no video visit', async () => {
    expect(await currentPatient(await signedIn('nurse'))).toEqual({
      givenName: null,
      familyName: null,
      identifier: null,
      birthDate: null,
      gender: null,
      encounterStartedAt: encounterStart(),
      videoVisit: false,
    });
  });

  it.each(['nurse', 'physician'] as const)('gives a %s every detail of the named patient', async (role) => {
    const screen = await signedIn(role);
    encounter.namePatient(NAMED, { id: 'nurse-1', role: 'nurse' });
    expect(await currentPatient(screen)).toEqual({ ...NAMED, encounterStartedAt: encounterStart(), videoVisit: false });
  });

  it('gives a kiosk session the given name only: no family name, identifier, birth date or sex', async () => {
    encounter.namePatient(NAMED, { id: 'nurse-1', role: 'nurse' });
    const answer = await currentPatient(await signedIn('kiosk'));
    expect(answer).toEqual({ givenName: 'Imogen', familyName: null, identifier: null, birthDate: null, gender: null, encounterStartedAt: encounterStart(), videoVisit: false });
  });

  it('refuses an administrator (no patient.view) and a screen nobody signed in at, without an audit entry', async () => {
    const from = auditHead(bench);
    for (const screen of [await signedIn('administrator'), bench.screen().access]) {
      expect(await invokeContract(handlers, screen, 'getCurrentPatient', undefined)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(bench.auditSince(from).filter((entry) => entry.action === 'patient.view')).toEqual([]);
  });

  it('is audited as one patient.view per session and patient, under the person who asked', async () => {
    const nurse = await signedIn('nurse');
    const from = auditHead(bench);
    await currentPatient(nurse);
    await currentPatient(nurse);
    const views = bench.auditSince(from).filter((entry) => entry.action === 'patient.view');
    expect(views.map(({ actor, role, object }) => ({ actor, role, object }))).toEqual([{ actor: nurse.state().user?.userId, role: 'nurse', object: encounter.patientId }]);
  });

  it('says whether a video visit is running, and signals every screen when one starts or ends', async () => {
    const screen = await signedIn('nurse');
    hosted.started('visit-1', screen);
    expect(signals).toBe(1);
    expect((await currentPatient(screen)).videoVisit).toBe(true);
    expect(hosted.ended('visit-1')).toBe(true);
    expect(signals).toBe(2);
    expect((await currentPatient(screen)).videoVisit).toBe(false);
    // Ending a visit this station does not host changes nothing, so nobody is told.
    expect(hosted.ended('visit-1')).toBe(false);
    expect(signals).toBe(2);
  });

  it('signals a change when the patient is named and when the next encounter begins, and then answers the new patient', async () => {
    const screen = await signedIn('nurse');
    encounter.namePatient(NAMED, { id: 'nurse-1', role: 'nurse' });
    expect(signals).toBe(1);
    expect((await currentPatient(screen)).givenName).toBe('Imogen');
    bench.station.clock.advance(60_000);
    encounter.startNext();
    expect(signals).toBe(2);
    const next = await currentPatient(screen);
    expect(next.givenName).toBeNull();
    expect(next.encounterStartedAt).toBe(bench.station.clock.now());
  });
});
