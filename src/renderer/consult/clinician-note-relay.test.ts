import { describe, expect, it } from 'vitest';
import type { StationApi } from '../../shared/contract';
import type { VisitNotesView } from '../../shared/contract-visit-notes';
import type { ConsultNoteItem } from '../../shared/consult/vitals-protocol';
import { EMPTY_NOTE_SECTIONS, type VisitNote } from '../../shared/visit-notes';
import { ClinicianNoteRelay } from './clinician-note-relay';

const note = (revision: number): VisitNote => ({
  id: 'n1',
  patientId: 'p1',
  visitId: 'v1',
  author: { id: 'remote-clinician:c1', name: 'Remote clinician (video visit)', role: 'physician' },
  state: 'draft',
  revision,
  createdAt: 1,
  updatedAt: 1,
  signedAt: null,
  kind: 'note',
  sections: { ...EMPTY_NOTE_SECTIONS, reason: `r${revision}` },
});

/** A core whose calls the test answers one by one, in order. */
function fakeCore() {
  const calls: { method: string; input: Record<string, unknown>; resolve: (view: VisitNotesView) => void; reject: (error: Error) => void }[] = [];
  const api = {
    invoke: (method: string, input: Record<string, unknown>) => new Promise<VisitNotesView>((resolve, reject) => calls.push({ method, input, resolve, reject })),
  } as unknown as StationApi;
  const published: { note: VisitNote | null; inReplyTo: ConsultNoteItem['inReplyTo']; problem: string | null }[] = [];
  const changes = { count: 0 };
  const relay = new ClinicianNoteRelay(api, { publishNote: (n, _addenda, inReplyTo, problem = null) => published.push({ note: n, inReplyTo, problem }) }, 'c1', () => false, () => changes.count++);
  const view = (mine: VisitNote | null): VisitNotesView => ({ visitId: 'v1', mine, signed: [] });
  const turn = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { calls, published, relay, view, turn, changes };
}

describe('the station screen’s relay of the clinician’s note', () => {
  it('passes drafts on one call at a time, a waiting draft replaced by a newer one, each answered with the revision it saved', async () => {
    const core = fakeCore();
    core.relay.handle({ kind: 'note-draft', revision: 1, sections: { ...EMPTY_NOTE_SECTIONS, reason: 'r1' } });
    await core.turn();
    for (const revision of [2, 4, 3]) core.relay.handle({ kind: 'note-draft', revision, sections: { ...EMPTY_NOTE_SECTIONS, reason: `r${revision}` } });
    expect(core.calls.map((call) => [call.method, call.input.revision])).toEqual([['saveVisitNoteDraft', 1]]);
    expect(core.calls[0]!.input.forRemoteClinician).toEqual({ visitId: 'c1' });
    core.calls[0]!.resolve(core.view(note(1)));
    await core.turn();
    expect(core.calls.map((call) => call.input.revision)).toEqual([1, 4]);
    core.calls[1]!.resolve(core.view(note(4)));
    await core.turn();
    expect(core.published).toEqual([
      { note: note(1), inReplyTo: { kind: 'draft', revision: 1 }, problem: null },
      { note: note(4), inReplyTo: { kind: 'draft', revision: 4 }, problem: null },
    ]);
    // A draft is the clinician's alone: the station's Notes screen has nothing new to show.
    expect(core.changes.count).toBe(0);
  });

  it('tells the station’s Notes screen when a signature or an addendum was kept, not when it was refused', async () => {
    const core = fakeCore();
    core.relay.handle({ kind: 'note-sign', requestId: 'q1', noteId: 'n1', revision: 1 });
    await core.turn();
    core.calls[0]!.resolve(core.view({ ...note(1), state: 'signed', signedAt: 5 }));
    await core.turn();
    expect(core.changes.count).toBe(1);
    core.relay.handle({ kind: 'note-addendum', requestId: 'q2', noteId: 'n1', text: 'later' });
    await core.turn();
    core.calls[1]!.reject(new Error('refused'));
    await core.turn();
    core.calls[2]!.resolve(core.view(note(1)));
    await core.turn();
    expect(core.changes.count).toBe(1);
  });

  it('answers a refused request with the core’s reason and the note as kept', async () => {
    const core = fakeCore();
    core.relay.handle({ kind: 'note-sign', requestId: 'q1', noteId: 'n1', revision: 1 });
    await core.turn();
    core.calls[0]!.reject(new Error('The note changed since it was shown; review it and sign again'));
    await core.turn();
    expect(core.calls[1]!.method).toBe('getVisitNotes');
    core.calls[1]!.resolve(core.view(note(2)));
    await core.turn();
    expect(core.published).toEqual([{ note: note(2), inReplyTo: { kind: 'request', requestId: 'q1' }, problem: 'The note changed since it was shown; review it and sign again' }]);
  });

  it('asks the core for the note once however often the page asks meanwhile, and answers requests past the limit busy', async () => {
    const core = fakeCore();
    for (let i = 0; i < 5; i++) core.relay.handle({ kind: 'note-open' });
    for (let i = 0; i < 20; i++) core.relay.handle({ kind: 'note-addendum', requestId: `q${i}`, noteId: 'n1', text: 'x' });
    expect(core.published.map((item) => item.problem)).toEqual(Array(4).fill('The station is busy with earlier requests; try again'));
    await core.turn();
    expect(core.calls.map((call) => call.method)).toEqual(['getVisitNotes']);
  });
});
