/**
 * The Notes panel's calls through invokeContract (the method gate included), from screens signed in
 * as each role, and relayed for the remote clinician of a hosted video visit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_NOTE_SECTIONS } from '../../shared/visit-notes';
import { VisitNotes } from '../records/visit-notes';
import { auditHead, type AccessBench } from './access/access-test-support';
import type { ScreenAccess } from './access/station-access';
import { invokeContract } from './contract-session';
import type { HostedVisits, RelayRefusal } from './hosted-visits';
import { openHostedVisitBench } from './hosted-visit-test-support';
import { standInHandlers } from './stand-in-handlers';
import { createVisitNotesHandlers } from './visit-notes-handlers';

let bench: AccessBench;
let encounter: { patientId: string; visitId: string };
let hosted: HostedVisits;
let clinician: { connected: boolean };
let refusals: RelayRefusal[];

beforeEach(async () => {
  ({ bench, encounter, hosted, clinician, refusals } = await openHostedVisitBench());
});
afterEach(() => bench.close());

const call = (screen: ScreenAccess, method: string, input: unknown) =>
  invokeContract(
    standInHandlers(createVisitNotesHandlers({ notes: new VisitNotes(bench.station.db, bench.station.audit, bench.station.clock.now), encounter: () => encounter, hosted })),
    screen,
    method,
    input,
  );
const sections = (reason: string) => ({ ...EMPTY_NOTE_SECTIONS, reason });

describe('visit notes at the station', () => {
  it.each(['nurse', 'physician'] as const)('a %s saves, signs and adds an addendum to their own note of the current visit, each audited', async (role) => {
    const { screen, account } = await bench.signedIn(role);
    const from = auditHead(bench);
    expect(await call(screen, 'getVisitNotes', {})).toEqual({ ok: true, output: { visitId: encounter.visitId, mine: null, signed: [] } });
    const saved = await call(screen, 'saveVisitNoteDraft', { sections: sections('Fall at home'), revision: 1 });
    expect(saved).toMatchObject({ ok: true, output: { visitId: encounter.visitId, mine: { state: 'draft', revision: 1, sections: { reason: 'Fall at home' }, author: { id: account.id, role } }, signed: [] } });
    const noteId = saved.ok && (saved.output as { mine: { id: string } }).mine.id;
    const signed = await call(screen, 'signVisitNote', { noteId, revision: 1 });
    expect(signed).toMatchObject({ ok: true, output: { mine: { state: 'signed' }, signed: [{ id: noteId, state: 'signed' }] } });
    expect(await call(screen, 'saveVisitNoteDraft', { sections: sections('changed'), revision: 2 })).toEqual({ ok: false, error: { code: 'failed', message: 'This note is signed and read-only; add an addendum instead' } });
    expect(await call(screen, 'addVisitNoteAddendum', { noteId, text: 'X-ray booked' })).toMatchObject({ ok: true, output: { signed: [{ id: noteId }, { kind: 'addendum', addendumTo: noteId, text: 'X-ray booked' }] } });
    expect(bench.auditSince(from).map(({ actor, action }) => [actor, action])).toEqual([
      [account.id, 'note.write'],
      [account.id, 'note.sign'],
      [account.id, 'note.addendum'],
    ]);
  });

  it.each(['kiosk', 'administrator'] as const)('a %s screen may not read or write visit notes of its own', async (role) => {
    const { screen } = await bench.signedIn(role);
    for (const [method, input] of [['getVisitNotes', {}], ['saveVisitNoteDraft', { sections: sections('x'), revision: 1 }]] as const) {
      expect(await call(screen, method, input)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(bench.station.db.prepare('SELECT count(*) FROM visit_notes').pluck().get()).toBe(0);
  });

  it('refuses oversize sections, unknown fields and a note of another visit with a clear error', async () => {
    const { screen } = await bench.signedIn('physician');
    expect(await call(screen, 'saveVisitNoteDraft', { sections: { ...sections('x'), plan: 'x'.repeat(8_001) }, revision: 1 })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringContaining('a note section holds at most 8000 characters') },
    });
    expect(await call(screen, 'saveVisitNoteDraft', { sections: sections('x'), revision: 1, author: 'someone else' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    // A note of an earlier visit is not reachable from the current visit's panel.
    const saved = await call(screen, 'saveVisitNoteDraft', { sections: sections('x'), revision: 1 });
    const noteId = saved.ok && (saved.output as { mine: { id: string } }).mine.id;
    encounter = { ...encounter, visitId: bench.station.store.startVisit(encounter.patientId, 'station').id };
    expect(await call(screen, 'signVisitNote', { noteId, revision: 1 })).toEqual({ ok: false, error: { code: 'failed', message: 'No such note in the current visit' } });
  });
});

describe('visit notes relayed for the remote clinician', () => {
  it('the kiosk screen hosting the visit relays the clinician’s note, written and audited as that visit’s clinician', async () => {
    const { screen } = await bench.signedIn('kiosk');
    hosted.started('consult-1', screen);
    hosted.admit('consult-1', screen);
    const forRemoteClinician = { visitId: 'consult-1' };
    const from = auditHead(bench);
    const saved = await call(screen, 'saveVisitNoteDraft', { sections: sections('Headache'), revision: 3, forRemoteClinician });
    expect(saved).toMatchObject({ ok: true, output: { mine: { revision: 3, author: { id: 'remote-clinician:consult-1', role: 'physician', name: 'Remote clinician (video visit)' } } } });
    // A replay of an older revision after a reconnect answers with the newer note, unchanged.
    expect(await call(screen, 'saveVisitNoteDraft', { sections: sections('older'), revision: 2, forRemoteClinician })).toMatchObject({ ok: true, output: { mine: { revision: 3, sections: { reason: 'Headache' } } } });
    // After a reload the page asks for its draft back.
    expect(await call(screen, 'getVisitNotes', { forRemoteClinician })).toMatchObject({ ok: true, output: { mine: { revision: 3, sections: { reason: 'Headache' } } } });
    const noteId = saved.ok && (saved.output as { mine: { id: string } }).mine.id;
    expect(await call(screen, 'signVisitNote', { noteId, revision: 3, forRemoteClinician })).toMatchObject({ ok: true, output: { mine: { state: 'signed' } } });
    expect(bench.auditSince(from).map(({ actor, role, action, object }) => [actor, role, action, object])).toEqual([
      ['remote-clinician:consult-1', 'physician', 'note.write', noteId],
      ['remote-clinician:consult-1', 'physician', 'note.sign', noteId],
    ]);
  });

  it('refuses a relay for a visit this screen does not host, before admission, or once the clinician left, writing nothing', async () => {
    const host = await bench.signedIn('nurse');
    const other = await bench.signedIn('nurse');
    hosted.started('consult-1', host.screen);
    const save = (screen: ScreenAccess, visitId: string) => call(screen, 'saveVisitNoteDraft', { sections: sections('x'), revision: 1, forRemoteClinician: { visitId } });
    expect(await save(host.screen, 'consult-1')).toEqual({ ok: false, error: { code: 'forbidden', message: 'Not relayed for the remote clinician: the clinician has not been admitted' } });
    hosted.admit('consult-1', host.screen);
    expect(await save(other.screen, 'consult-1')).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('another screen') } });
    expect(await save(host.screen, 'made-up')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    clinician.connected = false;
    expect(await save(host.screen, 'consult-1')).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('not connected') } });
    expect(refusals.map((refusal) => refusal.act)).toEqual(['note.write', 'note.write', 'note.write', 'note.write']);
    expect(bench.station.db.prepare('SELECT count(*) FROM visit_notes').pluck().get()).toBe(0);
  });
});
