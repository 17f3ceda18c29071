/**
 * The station screen's relay of the remote clinician's visit note (issue 14): what the clinician
 * page sends over the data channel goes on to the station core (the visit-notes contract methods,
 * `forRemoteClinician`), which checks that this screen may act for the clinician and keeps the note
 * in the encrypted records as theirs; the core's answer goes back as a `note` item.
 *
 * One call at a time, in arrival order. A draft waiting for its turn is replaced by a newer one (the
 * records would keep only the newest anyway), and so is a repeated request for the note, so a page
 * typing fast, or sending without pause, queues at most one of each; sign and addendum requests
 * beyond MAX_WAITING are answered busy at once.
 */
import type { StationApi } from '../../shared/contract';
import type { VisitNotesView } from '../../shared/contract-visit-notes';
import type { ClinicianAction, StationVitalsLink } from '../../shared/consult/station-vitals-link';
import type { ConsultNoteItem } from '../../shared/consult/vitals-protocol';
import { visitNotesChanges } from '../notes/visit-notes-changes';

type NoteAction = Extract<ClinicianAction, { kind: 'note-open' | 'note-draft' | 'note-sign' | 'note-addendum' }>;

/** Sign and addendum requests waiting at most; each is a person's click, so more means a page gone wrong. */
const MAX_WAITING = 16;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class ClinicianNoteRelay {
  private queue: Promise<void> = Promise.resolve();
  private waiting = 0;
  private draft: Extract<NoteAction, { kind: 'note-draft' }> | null = null;
  private openQueued = false;

  constructor(
    private readonly api: StationApi,
    private readonly link: Pick<StationVitalsLink, 'publishNote'>,
    /** The consultation's visit id: the core checks this screen hosts it and has the clinician admitted. */
    private readonly visitId: string,
    private readonly stopped: () => boolean,
    /** The visit's signed notes changed (the station's Notes screen reloads them). */
    private readonly changed: () => void = () => visitNotesChanges.notify(),
  ) {}

  handle(action: NoteAction): void {
    const forRemoteClinician = { visitId: this.visitId };
    switch (action.kind) {
      case 'note-open':
        if (this.openQueued) return;
        this.openQueued = true;
        this.enqueue(() => {
          this.openQueued = false;
          return { inReplyTo: { kind: 'open' }, call: this.api.invoke('getVisitNotes', { forRemoteClinician }) };
        });
        return;
      case 'note-draft': {
        const queued = this.draft !== null;
        if (this.draft === null || action.revision > this.draft.revision) this.draft = action;
        if (queued) return;
        this.enqueue(() => {
          const { revision, sections } = this.draft!;
          this.draft = null;
          return { inReplyTo: { kind: 'draft', revision }, call: this.api.invoke('saveVisitNoteDraft', { sections, revision, forRemoteClinician }) };
        });
        return;
      }
      case 'note-sign':
      case 'note-addendum': {
        const inReplyTo = { kind: 'request', requestId: action.requestId } as const;
        if (this.waiting >= MAX_WAITING) {
          this.link.publishNote(null, [], inReplyTo, 'The station is busy with earlier requests; try again');
          return;
        }
        this.waiting++;
        this.enqueue(() => {
          this.waiting--;
          const call =
            action.kind === 'note-sign'
              ? this.api.invoke('signVisitNote', { noteId: action.noteId, revision: action.revision, forRemoteClinician })
              : this.api.invoke('addVisitNoteAddendum', { noteId: action.noteId, text: action.text, forRemoteClinician });
          return { inReplyTo, call };
        });
        return;
      }
    }
  }

  /** Starts the call when its turn comes and answers the clinician with the note as the records then keep it. */
  private enqueue(start: () => { inReplyTo: ConsultNoteItem['inReplyTo']; call: Promise<VisitNotesView> }): void {
    this.queue = this.queue.then(async () => {
      if (this.stopped()) return;
      const { inReplyTo, call } = start();
      try {
        this.answer(await call, inReplyTo, null);
        // A signature or addendum is news for the station's own Notes screen; a draft is the clinician's alone.
        if (inReplyTo.kind === 'request') this.changed();
      } catch (error) {
        // Refused (a signed note, a relay not allowed): the clinician hears why, with the note as kept, if it can be read.
        const kept = await this.api.invoke('getVisitNotes', { forRemoteClinician: { visitId: this.visitId } }).catch(() => null);
        this.answer(kept, inReplyTo, errorText(error));
      }
    });
  }

  private answer(view: VisitNotesView | null, inReplyTo: ConsultNoteItem['inReplyTo'], problem: string | null): void {
    if (this.stopped()) return;
    const mine = view?.mine ?? null;
    const addenda = view?.signed.filter((entry) => entry.kind === 'addendum' && entry.addendumTo === mine?.id) ?? [];
    this.link.publishNote(mine, addenda, inReplyTo, problem);
  }
}
