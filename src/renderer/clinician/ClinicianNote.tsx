/**
 * The remote physician's visit note on the clinician page: the shared editor, each edit carried to
 * the station over the data channel (ClinicianSession), where it is kept in the encrypted records as
 * this visit's clinician's note. "Insert current vitals" takes the values as this page's tiles show
 * them (the station's tile rules: nothing stale or invalid as current) and the station's NEWS2.
 * The note opens over the video from a button in the side column.
 */
import { useCallback, useState, useSyncExternalStore } from 'react';
import { NoteEditor } from '../notes/NoteEditor';
import { vitalsTableText } from '../notes/vitals-table';
import type { ClinicianSession } from './clinician-session';

export function ClinicianNote({ session }: { session: ClinicianSession }) {
  const view = useSyncExternalStore(session.subscribe, session.getView);
  const { note } = view;
  const currentVitals = useCallback(() => {
    const store = session.store;
    return store ? vitalsTableText(store.getView().tiles, session.getView().news2, session.stationNow()) : null;
  }, [session]);
  const onSave = useCallback((sections: Parameters<ClinicianSession['saveNoteDraft']>[0], revision: number) => session.saveNoteDraft(sections, revision), [session]);
  const onSign = useCallback((noteId: string, revision: number) => session.signNote(noteId, revision), [session]);
  const onAddendum = useCallback((noteId: string, text: string) => session.addNoteAddendum(noteId, text), [session]);
  const onRetryLoad = useCallback(() => session.reloadNote(), [session]);
  // Over the video, as NEWS2 opens at laptop size: the vitals and alarms stay in view while writing.
  // Closed, the editor stays mounted (display: none), so nothing typed is lost by closing it.
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="note-secondary clinician-note-toggle" data-action="show-note" aria-expanded={open} aria-controls="clinician-note" onClick={() => setOpen(!open)}>
        {open ? 'Hide visit note' : 'Visit note'}
      </button>
      <div id="clinician-note" className="clinician-note" data-role="clinician-note" data-open={open ? 'true' : 'false'}>
        <button type="button" className="note-secondary clinician-note-close" data-action="close-note" onClick={() => setOpen(false)}>
          Close
        </button>
        <NoteEditor loaded={note.loaded} note={note.note} addenda={note.addenda} problem={note.problem} onSave={onSave} onSign={onSign} onAddendum={onAddendum} currentVitals={currentVitals} onRetryLoad={onRetryLoad} />
      </div>
    </>
  );
}
