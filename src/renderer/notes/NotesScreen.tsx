/**
 * The station's Notes screen for the current visit (nurses and physicians): the signed-in person's
 * own note in the shared editor, saved straight to the station core, and beside it every signed
 * note of the visit (the remote clinician's included), read-only, each taking addenda.
 */
import { useCallback, useEffect, useState } from 'react';
import type { StationApi } from '../../shared/contract';
import type { VisitNotesView } from '../../shared/contract-visit-notes';
import type { NoteSections, VisitNote } from '../../shared/visit-notes';
import { failureText } from '../access/failure-text';
import { NoteEditor, SignedNote } from './NoteEditor';
import { visitNotesChanges } from './visit-notes-changes';

export interface NotesScreenProps {
  api: StationApi;
  /** The current vitals and NEWS2 as the monitor shows them, as a table; null when nothing is current. */
  currentVitals(): string | null;
}

/** Addenda to `noteId`, in signing order. */
export const addendaOf = (signed: readonly VisitNote[], noteId: string | undefined): VisitNote[] =>
  signed.filter((entry) => entry.kind === 'addendum' && entry.addendumTo === noteId);

export function NotesScreen({ api, currentVitals }: NotesScreenProps) {
  const [view, setView] = useState<VisitNotesView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  /** Keeps the newest answer: a late answer to an older autosave never shows an older revision. */
  const accept = useCallback((next: VisitNotesView) => {
    setView((current) => (current?.mine && next.mine && current.mine.id === next.mine.id && current.mine.state === next.mine.state && next.mine.revision < current.mine.revision ? { ...next, mine: current.mine } : next));
    setProblem(null);
  }, []);
  const call = useCallback(
    (request: () => Promise<VisitNotesView>) =>
      request().then(accept, (failure: unknown) => setProblem(failureText(failure))),
    [accept],
  );

  const load = useCallback(() => void call(() => api.invoke('getVisitNotes', {})), [api, call]);
  useEffect(load, [load]);
  // The remote clinician signed or added to a note through this screen's visit: show it now.
  useEffect(() => visitNotesChanges.subscribe(load), [load]);

  const onSave = useCallback((sections: NoteSections, revision: number) => void call(() => api.invoke('saveVisitNoteDraft', { sections, revision })), [api, call]);
  const onSign = useCallback((noteId: string, revision: number) => void call(() => api.invoke('signVisitNote', { noteId, revision })), [api, call]);
  const onAddendum = useCallback((noteId: string, text: string) => void call(() => api.invoke('addVisitNoteAddendum', { noteId, text })), [api, call]);

  const mine = view?.mine ?? null;
  const others = (view?.signed ?? []).filter((entry): entry is Extract<VisitNote, { kind: 'note' }> => entry.kind === 'note' && entry.id !== mine?.id);
  return (
    <div className="notes-screen" data-role="visit-notes">
      <div className="notes-column">
        <NoteEditor
          loaded={view !== null}
          note={mine}
          addenda={addendaOf(view?.signed ?? [], mine?.id)}
          problem={problem}
          onSave={onSave}
          onSign={onSign}
          onAddendum={onAddendum}
          currentVitals={currentVitals}
          onRetryLoad={load}
        />
      </div>
      <div className="notes-column" data-role="visit-signed-notes" aria-label="Signed notes of this visit">
        <h2 className="panel-heading">Signed notes of this visit</h2>
        {others.length === 0 ? <p className="note-status">No other signed notes yet.</p> : null}
        {others.map((note) => (
          <SignedNote key={note.id} note={note} addenda={addendaOf(view?.signed ?? [], note.id)} problem={null} onAddendum={onAddendum} />
        ))}
      </div>
    </div>
  );
}
