import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/clinical/actor';
import { EMPTY_NOTE_SECTIONS, MAX_NOTE_SECTION_CHARS, type NoteSections } from '../../shared/visit-notes';
import { openTestStation, removeTrackedTempDirs, trackedTempDir } from './test-support';
import { VisitNoteError, VisitNotes } from './visit-notes';

const PATIENT = { givenName: 'Imogen', familyName: 'Fairweather', birthDate: '1950-07-21', gender: 'female', identifier: null } as const;
const physician: Actor = { id: 'u-physician', name: 'Dr Ada Okafor', role: 'physician' };
const nurse: Actor = { id: 'u-nurse', name: 'Sam Reyes', role: 'nurse' };
const sections = (reason: string): NoteSections => ({ ...EMPTY_NOTE_SECTIONS, reason, plan: 'Review in a week' });

afterEach(removeTrackedTempDirs);

async function setUp() {
  const station = await openTestStation(trackedTempDir());
  const patient = station.store.createPatient(PATIENT);
  const visit = station.store.startVisit(patient.id, nurse.id);
  const notes = new VisitNotes(station.db, station.audit, station.clock.now);
  const trail = () => station.audit.entries().map(({ actor, role, action, object }) => ({ actor, role, action, object }));
  return { ...station, patient, visit, notes, trail };
}

describe('visit notes: drafts', () => {
  it('keeps one draft per author and visit, each save with a newer revision replacing the last', async () => {
    const s = await setUp();
    const first = s.notes.saveDraft(s.visit.id, physician, sections('Short of breath'), 1);
    s.clock.advance(2_000);
    const second = s.notes.saveDraft(s.visit.id, physician, sections('Short of breath on stairs'), 2);
    expect(second).toMatchObject({ stale: false, note: { id: first.note.id, revision: 2, state: 'draft', signedAt: null, kind: 'note' } });
    expect(second.note.kind === 'note' && second.note.sections.reason).toBe('Short of breath on stairs');
    expect(second.note.updatedAt - second.note.createdAt).toBe(2_000);
    expect(second.note.author).toEqual({ id: physician.id, name: physician.name, role: 'physician' });
    expect(s.notes.visitNotes(s.visit.id)).toHaveLength(1);
  });

  it('ignores a replayed or late revision: the newer text stays and nothing is audited', async () => {
    const s = await setUp();
    s.notes.saveDraft(s.visit.id, physician, sections('v1'), 1);
    s.notes.saveDraft(s.visit.id, physician, sections('v3'), 3);
    const before = s.trail().length;
    for (const revision of [2, 3]) {
      const late = s.notes.saveDraft(s.visit.id, physician, sections(`late ${revision}`), revision);
      expect(late.stale).toBe(true);
      expect(late.note.kind === 'note' && late.note.sections.reason).toBe('v3');
    }
    expect(s.trail()).toHaveLength(before);
  });

  it('keeps the nurse’s and the physician’s notes apart', async () => {
    const s = await setUp();
    s.notes.saveDraft(s.visit.id, physician, sections('physician'), 1);
    s.notes.saveDraft(s.visit.id, nurse, sections('nurse'), 1);
    expect(s.notes.authorNote(s.visit.id, nurse.id)).toMatchObject({ author: { role: 'nurse' }, sections: { reason: 'nurse' } });
    expect(s.notes.authorNote(s.visit.id, physician.id)).toMatchObject({ author: { role: 'physician' }, sections: { reason: 'physician' } });
    expect(s.notes.visitNotes(s.visit.id)).toHaveLength(2);
  });

  it('refuses the kiosk’s patient and an administrator, an unknown visit, an oversize section and a bad revision, writing nothing', async () => {
    const s = await setUp();
    for (const role of ['kiosk', 'administrator'] as const) {
      expect(() => s.notes.saveDraft(s.visit.id, { id: `u-${role}`, name: role, role }, sections('x'), 1)).toThrow(new VisitNoteError(`A ${role} session may not write visit notes`));
    }
    expect(() => s.notes.saveDraft('no-such-visit', physician, sections('x'), 1)).toThrow('No such visit');
    expect(() => s.notes.saveDraft(s.visit.id, physician, { ...EMPTY_NOTE_SECTIONS, findings: 'x'.repeat(MAX_NOTE_SECTION_CHARS + 1) }, 1)).toThrow(
      `Invalid note: a note section holds at most ${MAX_NOTE_SECTION_CHARS} characters`,
    );
    expect(() => s.notes.saveDraft(s.visit.id, physician, { ...EMPTY_NOTE_SECTIONS, extra: 'x' } as NoteSections, 1)).toThrow(VisitNoteError);
    for (const revision of [0, 1.5, -1]) expect(() => s.notes.saveDraft(s.visit.id, physician, sections('x'), revision)).toThrow('Invalid note revision');
    expect(s.notes.visitNotes(s.visit.id)).toEqual([]);
    expect(s.trail().filter((entry) => entry.action.startsWith('note.'))).toEqual([]);
  });
});

describe('visit notes: signing', () => {
  it('signs the author’s draft at the revision they saw, with the time, and keeps it read-only', async () => {
    const s = await setUp();
    const { note } = s.notes.saveDraft(s.visit.id, physician, sections('Chest pain'), 4);
    s.clock.advance(60_000);
    const signed = s.notes.sign(note.id, physician, 4);
    expect(signed).toMatchObject({ id: note.id, state: 'signed', signedAt: s.clock.time, revision: 4 });
    expect(() => s.notes.saveDraft(s.visit.id, physician, sections('changed after signing'), 5)).toThrow('This note is signed and read-only; add an addendum instead');
    expect(() => s.notes.sign(note.id, physician, 4)).toThrow('This note is signed already');
    expect(s.notes.note(note.id)).toEqual(signed);
  });

  it('a signed row cannot change even by SQL that bypasses the store', async () => {
    const s = await setUp();
    const { note } = s.notes.saveDraft(s.visit.id, nurse, sections('Dizzy'), 1);
    s.notes.sign(note.id, nurse, 1);
    expect(() => s.db.prepare("UPDATE visit_notes SET content = '{}' WHERE id = ?").run(note.id)).toThrow('a signed note is read-only');
    expect(() => s.db.prepare("UPDATE visit_notes SET state = 'draft', signed_at = NULL WHERE id = ?").run(note.id)).toThrow('a signed note is read-only');
    expect(s.notes.note(note.id)).toMatchObject({ state: 'signed', sections: { reason: 'Dizzy' } });
  });

  it('refuses signing someone else’s note, and a draft changed since the author looked', async () => {
    const s = await setUp();
    const { note } = s.notes.saveDraft(s.visit.id, physician, sections('first'), 1);
    expect(() => s.notes.sign(note.id, nurse, 1)).toThrow('Only the author of a note may sign it');
    s.notes.saveDraft(s.visit.id, physician, sections('second'), 2);
    expect(() => s.notes.sign(note.id, physician, 1)).toThrow('The note changed since it was shown; review it and sign again');
    expect(() => s.notes.sign('no-such-note', physician, 1)).toThrow('No such note');
    expect(s.notes.note(note.id)?.state).toBe('draft');
  });
});

describe('visit notes: addenda', () => {
  it('adds a signed addendum pointing at the signed note, by another author too; a draft or an addendum takes none', async () => {
    const s = await setUp();
    const { note } = s.notes.saveDraft(s.visit.id, physician, sections('Cough'), 1);
    expect(() => s.notes.addAddendum(note.id, nurse, 'too early')).toThrow('Only a signed note takes an addendum; edit the draft instead');
    s.notes.sign(note.id, physician, 1);
    s.clock.advance(5_000);
    const addendum = s.notes.addAddendum(note.id, nurse, 'Sputum sample sent');
    expect(addendum).toMatchObject({ kind: 'addendum', addendumTo: note.id, text: 'Sputum sample sent', state: 'signed', signedAt: s.clock.time, author: { id: nurse.id, role: 'nurse' } });
    expect(() => s.notes.addAddendum(addendum.id, physician, 'on an addendum')).toThrow('An addendum refers to a note, not to another addendum');
    expect(() => s.notes.addAddendum(note.id, physician, '   ')).toThrow('Invalid addendum: an addendum needs some text');
    expect(() => s.db.prepare("UPDATE visit_notes SET content = '{\"text\":\"x\"}' WHERE id = ?").run(addendum.id)).toThrow('a signed note is read-only');
  });

  it('lists the signed notes and addenda of a visit in signing order, drafts left out', async () => {
    const s = await setUp();
    const physicianNote = s.notes.saveDraft(s.visit.id, physician, sections('physician'), 1).note;
    const nurseNote = s.notes.saveDraft(s.visit.id, nurse, sections('nurse'), 1).note;
    s.clock.advance(1_000);
    s.notes.sign(nurseNote.id, nurse, 1);
    s.clock.advance(1_000);
    const addendum = s.notes.addAddendum(nurseNote.id, physician, 'seen');
    expect(s.notes.signedNotes(s.visit.id).map((note) => [note.id, note.author.name, note.signedAt])).toEqual([
      [nurseNote.id, nurse.name, s.clock.time - 1_000],
      [addendum.id, physician.name, s.clock.time],
    ]);
    s.clock.advance(1_000);
    s.notes.sign(physicianNote.id, physician, 1);
    expect(s.notes.signedNotes(s.visit.id).map((note) => note.id)).toEqual([nurseNote.id, addendum.id, physicianNote.id]);
    const other = s.store.startVisit(s.patient.id, nurse.id);
    expect(s.notes.signedNotes(other.id)).toEqual([]);
  });
});

describe('visit notes: audit and erasure', () => {
  it('audits every saved draft, signature and addendum under its author, with ids only', async () => {
    const s = await setUp();
    const { note } = s.notes.saveDraft(s.visit.id, physician, sections('Palpitations, Imogen says'), 1);
    s.notes.saveDraft(s.visit.id, physician, sections('Palpitations since Monday'), 2);
    s.notes.sign(note.id, physician, 2);
    const addendum = s.notes.addAddendum(note.id, nurse, 'ECG booked');
    expect(s.trail().filter((entry) => entry.action.startsWith('note.'))).toEqual([
      { actor: physician.id, role: 'physician', action: 'note.write', object: note.id },
      { actor: physician.id, role: 'physician', action: 'note.write', object: note.id },
      { actor: physician.id, role: 'physician', action: 'note.sign', object: note.id },
      { actor: nurse.id, role: 'nurse', action: 'note.addendum', object: addendum.id },
    ]);
    expect(JSON.stringify(s.audit.entries())).not.toMatch(/Palpitations|ECG|Imogen/);
  });

  it('an audit entry that cannot be written leaves no note behind', async () => {
    const s = await setUp();
    s.audit.append = () => {
      throw new Error('audit log unavailable');
    };
    expect(() => s.notes.saveDraft(s.visit.id, physician, sections('x'), 1)).toThrow('audit log unavailable');
    expect(s.notes.visitNotes(s.visit.id)).toEqual([]);
  });

  it('erasing the patient removes their signed notes and addenda too', async () => {
    const s = await setUp();
    const { note } = s.notes.saveDraft(s.visit.id, physician, sections('x'), 1);
    s.notes.sign(note.id, physician, 1);
    s.notes.addAddendum(note.id, nurse, 'y');
    expect(s.store.patientRowCounts(s.patient.id).visit_notes).toBe(2);
    s.store.erasePatient(s.patient.id);
    expect(s.store.patientRowCounts(s.patient.id).visit_notes).toBe(0);
    expect(s.notes.visitNotes(s.visit.id)).toEqual([]);
  });

  it('keeps the older unstructured notes working', async () => {
    const s = await setUp();
    const id = s.store.addNote(s.patient.id, s.visit.id, nurse.id, 'free text');
    expect(s.db.prepare('SELECT text FROM notes WHERE id = ?').pluck().get(id)).toBe('free text');
  });
});
