/**
 * The visit-notes part of the station contract (issue 14): the Notes panel of the current visit at
 * the station, and the same calls relayed for the remote clinician of a video visit (the station's
 * screen passes on what the clinician page sent over the data channel; `forRemoteClinician` names
 * the hosted visit, and the core writes as that visit's clinician after checking the screen may
 * relay for them). contract.ts spreads visitNotesMethods into stationMethods; method-access.ts says
 * which right each needs.
 */
import { z } from 'zod';
import { AddendumTextSchema, MAX_NOTES_PER_VISIT, NoteRevisionSchema, NoteSectionsSchema, VisitNoteSchema } from './visit-notes';

const ForRemoteClinicianSchema = z.strictObject({ visitId: z.string().min(1).max(100) }).optional();
const noteId = z.string().min(1).max(100);

/** The current visit's notes as the caller sees them: their own note (draft or signed) and every signed entry. */
export const VisitNotesViewSchema = z.object({
  /** The records' visit the notes belong to (the current encounter's). */
  visitId: z.string().max(100),
  /** The caller's own note, or null before their first save. */
  mine: VisitNoteSchema.nullable(),
  /** Signed notes and addenda of the visit, in signing order (others' drafts are theirs alone). */
  signed: z.array(VisitNoteSchema).max(MAX_NOTES_PER_VISIT),
});
export type VisitNotesView = z.infer<typeof VisitNotesViewSchema>;

export const visitNotesMethods = {
  getVisitNotes: { input: z.strictObject({ forRemoteClinician: ForRemoteClinicianSchema }), output: VisitNotesViewSchema },
  /** Autosave: kept only if `revision` is newer than the one kept (a replay changes nothing). */
  saveVisitNoteDraft: {
    input: z.strictObject({ sections: NoteSectionsSchema, revision: NoteRevisionSchema, forRemoteClinician: ForRemoteClinicianSchema }),
    output: VisitNotesViewSchema,
  },
  /** Signs the caller's own note as it is at `revision`; read-only from then on. */
  signVisitNote: { input: z.strictObject({ noteId, revision: NoteRevisionSchema, forRemoteClinician: ForRemoteClinicianSchema }), output: VisitNotesViewSchema },
  addVisitNoteAddendum: { input: z.strictObject({ noteId, text: AddendumTextSchema, forRemoteClinician: ForRemoteClinicianSchema }), output: VisitNotesViewSchema },
} as const;
