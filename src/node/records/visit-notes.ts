/**
 * The structured visit notes (issue 14) in the encrypted records: a nurse's or physician's note
 * per visit, saved as a draft while they write, then signed (read-only from then on; the table's
 * trigger refuses any change to a signed row whoever tries), and addenda, each a new signed entry
 * pointing at a signed note. Every write checks the author's role against the matrix (note.write)
 * and appends its audit entry in the same transaction: both happen, or neither.
 *
 * The author is an Actor: the person signed in at the screen, or the remote clinician of a video
 * visit (remoteClinicianActor), whom the station handlers vouch for before calling in here.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../../shared/clinical/actor';
import { can } from '../../shared/roles';
import {
  AddendumTextSchema,
  NOTE_AUTHOR_ROLES,
  NoteRevisionSchema,
  NoteSectionsSchema,
  type NoteAuthor,
  type NoteSections,
  type SignedVisitNote,
  type VisitNote,
} from '../../shared/visit-notes';
import type { AuditAction, AuditLog } from '../audit/audit-log';
import type { RecordsDb } from './database';
import { RecordInputError } from './store';

/** A note the author may not write, or a change a note's state does not allow; the message says which. */
export class VisitNoteError extends RecordInputError {
  override name = 'VisitNoteError';
}

/** The outcome of saving a draft: `stale` when a newer revision was kept already (nothing written). */
export interface DraftSaved {
  note: VisitNote;
  stale: boolean;
}

const AddendumContentSchema = z.strictObject({ text: z.string() });

function noteFromRow(row: Record<string, unknown>): VisitNote {
  const common = {
    id: row.id as string,
    patientId: row.patient_id as string,
    visitId: row.visit_id as string,
    author: { id: row.author_id as string, name: row.author_name as string, role: row.author_role as NoteAuthor['role'] },
    state: row.state as VisitNote['state'],
    revision: row.revision as number,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    signedAt: row.signed_at as number | null,
  };
  const content: unknown = JSON.parse(row.content as string);
  return row.kind === 'note'
    ? { ...common, kind: 'note', sections: NoteSectionsSchema.parse(content) }
    : { ...common, kind: 'addendum', addendumTo: row.addendum_to as string, text: AddendumContentSchema.parse(content).text };
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new VisitNoteError(`Invalid ${what}: ${result.error.issues.map((issue) => issue.message).join('; ')}`);
  return result.data;
}

export class VisitNotes {
  constructor(
    private readonly db: RecordsDb,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Keeps `sections` as the author's draft for the visit (creating it on the first save) if
   * `revision` is newer than the one kept; an older or equal revision (a replay) changes nothing.
   */
  saveDraft(visitId: string, author: Actor, sections: NoteSections, revision: number): DraftSaved {
    const writer = this.#noteAuthor(author);
    const content = JSON.stringify(parsed(NoteSectionsSchema, sections, 'note'));
    const newRevision = parsed(NoteRevisionSchema, revision, 'note revision');
    return this.#audited<DraftSaved>(() => {
      const patientId = this.#visitPatient(visitId);
      const existing = this.authorNote(visitId, writer.id);
      const time = this.now();
      if (existing === null) {
        const id = randomUUID();
        this.db
          .prepare(
            `INSERT INTO visit_notes (id, patient_id, visit_id, kind, author_id, author_name, author_role, content, state, revision, created_at, updated_at)
             VALUES (?, ?, ?, 'note', ?, ?, ?, ?, 'draft', ?, ?, ?)`,
          )
          .run(id, patientId, visitId, writer.id, writer.name, writer.role, content, newRevision, time, time);
        return { result: { note: this.#require(id), stale: false }, audit: { actor: writer, action: 'note.write', object: id } };
      }
      if (existing.state === 'signed') throw new VisitNoteError('This note is signed and read-only; add an addendum instead');
      if (newRevision <= existing.revision) return { result: { note: existing, stale: true }, audit: null };
      this.db.prepare('UPDATE visit_notes SET content = ?, revision = ?, updated_at = ? WHERE id = ?').run(content, newRevision, time, existing.id);
      return { result: { note: this.#require(existing.id), stale: false }, audit: { actor: writer, action: 'note.write', object: existing.id } };
    });
  }

  /**
   * The author signs their draft as it is at `revision` (what they saw); a draft saved meanwhile
   * under a newer revision is refused, so nobody signs text they have not read.
   */
  sign(noteId: string, author: Actor, revision: number): SignedVisitNote {
    const writer = this.#noteAuthor(author);
    return this.#audited(() => {
      const note = this.#require(noteId);
      if (note.author.id !== writer.id) throw new VisitNoteError('Only the author of a note may sign it');
      if (note.state === 'signed') throw new VisitNoteError('This note is signed already');
      if (note.revision !== revision) throw new VisitNoteError('The note changed since it was shown; review it and sign again');
      this.db.prepare("UPDATE visit_notes SET state = 'signed', signed_at = ? WHERE id = ?").run(this.now(), noteId);
      return { result: this.#require(noteId) as SignedVisitNote, audit: { actor: writer, action: 'note.sign', object: noteId } };
    });
  }

  /** An addendum to a signed note, written and signed in one act by any nurse or physician. */
  addAddendum(noteId: string, author: Actor, text: string): SignedVisitNote {
    const writer = this.#noteAuthor(author);
    const content = JSON.stringify({ text: parsed(AddendumTextSchema, text, 'addendum') });
    return this.#audited(() => {
      const note = this.#require(noteId);
      if (note.kind !== 'note') throw new VisitNoteError('An addendum refers to a note, not to another addendum');
      if (note.state !== 'signed') throw new VisitNoteError('Only a signed note takes an addendum; edit the draft instead');
      const id = randomUUID();
      const time = this.now();
      this.db
        .prepare(
          `INSERT INTO visit_notes (id, patient_id, visit_id, kind, addendum_to, author_id, author_name, author_role, content, state, revision, created_at, updated_at, signed_at)
           VALUES (?, ?, ?, 'addendum', ?, ?, ?, ?, ?, 'signed', 1, ?, ?, ?)`,
        )
        .run(id, note.patientId, note.visitId, noteId, writer.id, writer.name, writer.role, content, time, time, time);
      return { result: this.#require(id) as SignedVisitNote, audit: { actor: writer, action: 'note.addendum', object: id } };
    });
  }

  /** Every note and addendum of a visit, drafts included, in the order they were begun. */
  visitNotes(visitId: string): VisitNote[] {
    const rows = this.db.prepare('SELECT * FROM visit_notes WHERE visit_id = ? ORDER BY created_at, rowid').all(visitId) as Record<string, unknown>[];
    return rows.map(noteFromRow);
  }

  /**
   * The signed notes and addenda of a visit, in the order they were signed, each with its author's
   * name and role and its signing time: what a visit summary documents (drafts are not part of it).
   */
  signedNotes(visitId: string): SignedVisitNote[] {
    return signedVisitNotes(this.db, visitId);
  }

  /** The author's own note for the visit (draft or signed), or null before their first save. */
  authorNote(visitId: string, authorId: string): VisitNote | null {
    const row = this.db.prepare("SELECT * FROM visit_notes WHERE visit_id = ? AND author_id = ? AND kind = 'note'").get(visitId, authorId) as Record<string, unknown> | undefined;
    return row ? noteFromRow(row) : null;
  }

  /** The note or addendum `noteId`, or null. */
  note(noteId: string): VisitNote | null {
    const row = this.db.prepare('SELECT * FROM visit_notes WHERE id = ?').get(noteId) as Record<string, unknown> | undefined;
    return row ? noteFromRow(row) : null;
  }

  #require(noteId: string): VisitNote {
    const note = this.note(noteId);
    if (note === null) throw new VisitNoteError('No such note');
    return note;
  }

  #visitPatient(visitId: string): string {
    const patientId = this.db.prepare('SELECT patient_id FROM visits WHERE id = ?').pluck().get(visitId) as string | undefined;
    if (patientId === undefined) throw new VisitNoteError('No such visit');
    return patientId;
  }

  /** The actor as a note's author: only the roles granted note.write (never the kiosk's patient or an administrator). */
  #noteAuthor(actor: Actor): NoteAuthor {
    const role = NOTE_AUTHOR_ROLES.find((candidate) => candidate === actor.role);
    if (role === undefined || !can(role, 'note.write')) throw new VisitNoteError(`A ${actor.role} session may not write visit notes`);
    return { id: actor.id, name: actor.name, role };
  }

  /** Runs the change and appends its audit entry (if it wrote anything) in one IMMEDIATE transaction. */
  #audited<T>(change: () => { result: T; audit: { actor: NoteAuthor; action: AuditAction; object: string } | null }): T {
    return this.db
      .transaction(() => {
        const { result, audit } = change();
        if (audit !== null) this.audit.append({ actor: audit.actor.id, role: audit.actor.role, action: audit.action, object: audit.object });
        return result;
      })
      .immediate();
  }
}

/** VisitNotes.signedNotes for a reader that writes no notes (the sync worker building a visit's summary). */
export function signedVisitNotes(db: RecordsDb, visitId: string): SignedVisitNote[] {
  const rows = db.prepare("SELECT * FROM visit_notes WHERE visit_id = ? AND state = 'signed' ORDER BY signed_at, rowid").all(visitId) as Record<string, unknown>[];
  return rows.map(noteFromRow) as SignedVisitNote[];
}
