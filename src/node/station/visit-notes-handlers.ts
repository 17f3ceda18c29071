/**
 * The Notes panel's calls (contract-visit-notes.ts): the current visit's notes, written by the
 * nurse or physician signed in at this screen, or by the remote clinician of the video visit this
 * screen hosts, whose page sends each edit over the data channel for the screen to relay. A relay
 * is accepted only as HostedVisits allows (this screen's visit, clinician admitted and connected
 * now); the note is then written and audited as that visit's clinician (remoteClinicianActor), the
 * identity the station gives them for alarm acknowledgements too.
 */
import type { Actor } from '../../shared/clinical/actor';
import type { MethodInput } from '../../shared/contract';
import type { VisitNotesView } from '../../shared/contract-visit-notes';
import { MAX_NOTES_PER_VISIT } from '../../shared/visit-notes';
import { VisitNoteError, type VisitNotes } from '../records/visit-notes';
import { remoteClinicianActor } from './clinical/clinical-station';
import type { InvocationContext, StationHandlers } from './contract-session';
import type { HostedVisits } from './hosted-visits';
import type { Encounter } from './persistence/encounter';

export type VisitNotesHandlers = Pick<StationHandlers, 'getVisitNotes' | 'saveVisitNoteDraft' | 'signVisitNote' | 'addVisitNoteAddendum'>;

export interface VisitNotesHandlerOptions {
  notes: VisitNotes;
  /** The current encounter: its visit is the one the notes belong to. */
  encounter: () => Encounter;
  hosted: HostedVisits;
}

export function createVisitNotesHandlers({ notes, encounter, hosted }: VisitNotesHandlerOptions): VisitNotesHandlers {
  /** Who writes: the screen's own user, or the remote clinician once the relay is vouched for. */
  const authorOf = async (forRemoteClinician: MethodInput<'getVisitNotes'>['forRemoteClinician'], { actor, screen }: InvocationContext): Promise<Actor> => {
    if (!forRemoteClinician) return actor;
    await hosted.relayFor(forRemoteClinician.visitId, screen, actor, 'note.write');
    return remoteClinicianActor(forRemoteClinician.visitId);
  };
  const view = (author: Actor): VisitNotesView => {
    const { visitId } = encounter();
    return { visitId, mine: notes.authorNote(visitId, author.id), signed: notes.signedNotes(visitId).slice(-MAX_NOTES_PER_VISIT) };
  };
  /** A note named by id must be of the current visit: the panel never reaches into another one. */
  const currentVisitNote = (noteId: string) => {
    const note = notes.note(noteId);
    if (note === null || note.visitId !== encounter().visitId) throw new VisitNoteError('No such note in the current visit');
    return note;
  };
  return {
    async getVisitNotes({ forRemoteClinician }, context) {
      return view(await authorOf(forRemoteClinician, context));
    },
    async saveVisitNoteDraft({ sections, revision, forRemoteClinician }, context) {
      const author = await authorOf(forRemoteClinician, context);
      notes.saveDraft(encounter().visitId, author, sections, revision);
      return view(author);
    },
    async signVisitNote({ noteId, revision, forRemoteClinician }, context) {
      const author = await authorOf(forRemoteClinician, context);
      notes.sign(currentVisitNote(noteId).id, author, revision);
      return view(author);
    },
    async addVisitNoteAddendum({ noteId, text, forRemoteClinician }, context) {
      const author = await authorOf(forRemoteClinician, context);
      notes.addAddendum(currentVisitNote(noteId).id, author, text);
      return view(author);
    },
  };
}
