import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StationRole } from '../../../shared/roles';
import { ClinicalRecords } from '../../records/clinical-records';
import { auditHead, openAccessBench, type AccessBench } from '../access/access-test-support';
import type { ScreenAccess } from '../access/station-access';
import { invokeContract, type ContractHandlers } from '../contract-session';
import { standInHandlers } from '../stand-in-handlers';
import { ANONYMOUS_PATIENT } from '../../records/anonymous-patient';
import { createPatientViewAudit } from './patient-views';

let bench: AccessBench;
let handlers: ContractHandlers;

beforeEach(async () => {
  bench = await openAccessBench();
  const { store, audit, auth, clock } = bench.station;
  bench.patient.id = store.createPatient(ANONYMOUS_PATIENT).id;
  const views = createPatientViewAudit({ clinical: new ClinicalRecords(store, auth, audit, clock.now), currentPatientId: () => bench.patient.id });
  // The station's getSnapshot, reduced to what this test looks at.
  handlers = standInHandlers({
    getSnapshot: (_input, { screen }) => {
      views.viewed(screen);
      return { devices: [], latest: [], now: clock.now() };
    },
  });
});
afterEach(() => bench.close());

async function signIn(screen: ScreenAccess, role: StationRole): Promise<void> {
  const outcome = await screen.signIn((await bench.account(role)).credentials());
  if (!outcome.ok) throw new Error(`sign-in as ${role} failed: ${outcome.reason}`);
}

const snapshot = (screen: ScreenAccess) => invokeContract(handlers, screen, 'getSnapshot', undefined);
const views = (from: number) => bench.auditSince(from).filter((entry) => entry.action === 'patient.view').map(({ actor, object }) => ({ actor, object }));

describe('auditing a screen’s view of the current patient', () => {
  it('records one patient.view per session and patient, however often the screen asks', async () => {
    const screen = bench.screen().access;
    await signIn(screen, 'nurse');
    const nurse = screen.state().user!.userId;
    const from = auditHead(bench);
    for (let i = 0; i < 3; i++) expect(await snapshot(screen)).toMatchObject({ ok: true });
    expect(views(from)).toEqual([{ actor: nurse, object: bench.patient.id }]);

    // The next patient sits down: a new view.
    const first = bench.patient.id;
    bench.patient.id = bench.station.store.createPatient(ANONYMOUS_PATIENT).id;
    await snapshot(screen);
    await snapshot(screen);
    expect(views(from)).toEqual([
      { actor: nurse, object: first },
      { actor: nurse, object: bench.patient.id },
    ]);
  });

  it('records a view again after a new sign-in, and one per screen', async () => {
    const physician = await bench.account('physician');
    const screen = bench.screen().access;
    expect(await screen.signIn(physician.credentials())).toMatchObject({ ok: true });
    await snapshot(screen);
    // Locking and unlocking keeps the session: no new view.
    screen.lock();
    bench.station.clock.advance(30_000);
    expect(await screen.unlock(physician.credentials())).toMatchObject({ ok: true });
    await snapshot(screen);
    screen.signOut();
    bench.station.clock.advance(30_000);
    expect(await screen.signIn(physician.credentials())).toMatchObject({ ok: true });
    await snapshot(screen);
    const other = bench.screen().access;
    await signIn(other, 'nurse');
    await snapshot(other);
    expect(views(0).map((view) => view.actor)).toEqual([physician.id, physician.id, other.state().user?.userId]);
  });

  it('records nothing for a screen that may not see the patient', async () => {
    const administrator = bench.screen().access;
    await signIn(administrator, 'administrator');
    expect(await snapshot(administrator)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await snapshot(bench.screen().access)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(views(0)).toEqual([]);
  });
});
