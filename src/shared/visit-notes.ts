/**
 * The structured visit note (issue 14): what a nurse or physician writes about one visit, as the
 * records keep it, the station's screen edits it and the clinician page sends it over the data
 * channel. One schema for all three, so a section too long or a field too many is refused the same
 * way wherever it comes from.
 */
import { z } from 'zod';

/** The sections of a note, in the order the editor and the summary show them. */
export const NOTE_SECTIONS = ['reason', 'findings', 'assessment', 'plan', 'followUp'] as const;
export type NoteSection = (typeof NOTE_SECTIONS)[number];

export const NOTE_SECTION_LABELS: Readonly<Record<NoteSection, string>> = {
  reason: 'Reason for visit',
  findings: 'Findings',
  assessment: 'Assessment',
  plan: 'Plan',
  followUp: 'Follow-up',
};

/**
 * A section holds a few pages of text (a vitals table inserted into the findings is about 1,000
 * characters); the bound keeps one note, and so one data-channel message, well under 64 KiB.
 */
export const MAX_NOTE_SECTION_CHARS = 8_000;
/** An addendum is one free-text entry. */
export const MAX_ADDENDUM_CHARS = 8_000;

const sectionText = z.string().max(MAX_NOTE_SECTION_CHARS, `a note section holds at most ${MAX_NOTE_SECTION_CHARS} characters`);

export const NoteSectionsSchema = z.strictObject({
  reason: sectionText,
  findings: sectionText,
  assessment: sectionText,
  plan: sectionText,
  followUp: sectionText,
});
export type NoteSections = z.infer<typeof NoteSectionsSchema>;

export const EMPTY_NOTE_SECTIONS: NoteSections = { reason: '', findings: '', assessment: '', plan: '', followUp: '' };

export const AddendumTextSchema = z
  .string()
  .max(MAX_ADDENDUM_CHARS, `an addendum holds at most ${MAX_ADDENDUM_CHARS} characters`)
  .refine((text) => text.trim().length > 0, 'an addendum needs some text');

/**
 * Each saved version of a draft carries a revision its editor counts up; the records keep a
 * version only if its revision is newer than the one they have, so an edit replayed after a
 * reconnect, or arriving late, never overwrites a newer one.
 */
export const NoteRevisionSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Who may write a note: the roles granted note.write (roles.ts). */
export const NOTE_AUTHOR_ROLES = ['nurse', 'physician'] as const;
export type NoteAuthorRole = (typeof NOTE_AUTHOR_ROLES)[number];

export interface NoteAuthor {
  id: string;
  name: string;
  role: NoteAuthorRole;
}

export const NOTE_STATES = ['draft', 'signed'] as const;
export type NoteState = (typeof NOTE_STATES)[number];

interface VisitNoteCommon {
  id: string;
  patientId: string;
  visitId: string;
  author: NoteAuthor;
  state: NoteState;
  revision: number;
  createdAt: number;
  updatedAt: number;
  /** When the author signed it; null while a draft. The signer is always the author. */
  signedAt: number | null;
}

/** A note, or an addendum to a signed note (always signed: it is written and signed in one act). */
export type VisitNote = VisitNoteCommon & ({ kind: 'note'; sections: NoteSections } | { kind: 'addendum'; addendumTo: string; text: string });
export type SignedVisitNote = VisitNote & { state: 'signed'; signedAt: number };

const noteId = z.string().min(1).max(100);

export const NoteAuthorSchema = z.object({ id: z.string().min(1).max(200), name: z.string().max(200), role: z.enum(NOTE_AUTHOR_ROLES) });

const VisitNoteCommonSchema = z.object({
  id: noteId,
  patientId: noteId,
  visitId: noteId,
  author: NoteAuthorSchema,
  state: z.enum(NOTE_STATES),
  revision: z.number().int().positive(),
  createdAt: z.number(),
  updatedAt: z.number(),
  signedAt: z.number().nullable(),
});

/** A note or addendum as the contract and the data channel carry it (one schema with the records' type). */
export const VisitNoteSchema = z.discriminatedUnion('kind', [
  VisitNoteCommonSchema.extend({ kind: z.literal('note'), sections: NoteSectionsSchema }),
  VisitNoteCommonSchema.extend({ kind: z.literal('addendum'), addendumTo: noteId, text: z.string().max(MAX_ADDENDUM_CHARS) }),
]);

/** A visit keeps at most a few notes (each author's one) and their addenda; more is refused as an answer. */
export const MAX_NOTES_PER_VISIT = 100;
