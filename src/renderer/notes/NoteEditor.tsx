/**
 * The structured visit note (issue 14), one editor for the station's Notes screen and the
 * clinician page: reason for visit, findings (with "Insert current vitals"), assessment, plan,
 * follow-up. Every edit counts the revision up and is saved after a pause in typing (autosave);
 * the status says "Saved hh:mm" once the records confirm that revision. Signing asks first, then the
 * note is read-only and takes addenda, each signed as it is added. Where the note is kept (the
 * station's records, directly or over the data channel) is the caller's: it passes what is kept
 * and the three actions.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { EMPTY_NOTE_SECTIONS, MAX_ADDENDUM_CHARS, MAX_NOTE_SECTION_CHARS, NOTE_SECTION_LABELS, NOTE_SECTIONS, type NoteSection, type NoteSections, type VisitNote } from '../../shared/visit-notes';
import { formatClockMinutes, formatDateTime } from '../format/display-format';
import './notes.css';

/** Pause in typing after which a draft is saved. */
export const AUTOSAVE_DELAY_MS = 800;

export interface NoteEditorProps {
  /** False until the kept note is known: nothing can be typed over a draft not yet loaded. */
  loaded: boolean;
  /** The author's own note as kept, null before its first save. */
  note: VisitNote | null;
  /** Addenda to it, in signing order. */
  addenda: readonly VisitNote[];
  /** The last refusal or failure, in the station's words. */
  problem: string | null;
  onSave(sections: NoteSections, revision: number): void;
  onSign(noteId: string, revision: number): void;
  onAddendum(noteId: string, text: string): void;
  /** The current vitals and NEWS2 as a table, or null when nothing current is shown. */
  currentVitals(): string | null;
  /** Asks again for the kept note after the station could not give it (shown with `problem` while not loaded). */
  onRetryLoad?: () => void;
}

export function NoteEditor(props: NoteEditorProps) {
  const { loaded, note, addenda, problem } = props;
  if (!loaded) {
    return (
      <section className="note-editor" data-role="visit-note" data-note-state="loading" aria-label="Visit note">
        <p className="note-status">{problem ? 'The note could not be loaded.' : 'Loading the note…'}</p>
        {problem ? (
          <>
            <p className="note-problem" data-role="note-problem" role="alert">
              {problem}
            </p>
            {props.onRetryLoad ? (
              <div className="note-actions">
                <button type="button" className="note-secondary" data-action="reload-note" onClick={props.onRetryLoad}>
                  Try again
                </button>
              </div>
            ) : null}
          </>
        ) : null}
      </section>
    );
  }
  if (note?.state === 'signed' && note.kind === 'note') return <SignedNote note={note} addenda={addenda} problem={problem} onAddendum={props.onAddendum} mine />;
  return <DraftEditor {...props} />;
}

function DraftEditor({ note, problem, onSave, onSign, currentVitals }: NoteEditorProps) {
  const kept = note?.kind === 'note' ? note : null;
  const [draft, setDraft] = useState<{ sections: NoteSections; revision: number }>(() => ({ sections: kept?.sections ?? EMPTY_NOTE_SECTIONS, revision: kept?.revision ?? 0 }));
  const [confirming, setConfirming] = useState(false);
  const [vitalsMissing, setVitalsMissing] = useState(false);
  const keptRevision = kept?.revision ?? 0;
  // A newer revision kept elsewhere (this author's other window) replaces what is shown here.
  const { sections, revision } = kept && kept.revision > draft.revision ? { sections: kept.sections, revision: kept.revision } : draft;

  useEffect(() => {
    if (draft.revision <= keptRevision) return;
    const timer = setTimeout(() => onSave(draft.sections, draft.revision), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, keptRevision, onSave]);

  // What was typed in the last pause is saved at once when the editor goes (another screen, the
  // note closed) or the page does (a reload): the pause must not lose it.
  const unsaved = useRef<typeof draft | null>(null);
  useEffect(() => {
    unsaved.current = draft.revision > keptRevision ? draft : null;
  }, [draft, keptRevision]);
  useEffect(() => {
    const flush = () => {
      if (unsaved.current) onSave(unsaved.current.sections, unsaved.current.revision);
      unsaved.current = null;
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [onSave]);

  const edit = (section: NoteSection, text: string) => {
    setDraft({ sections: { ...sections, [section]: text.slice(0, MAX_NOTE_SECTION_CHARS) }, revision: revision + 1 });
    setConfirming(false);
  };
  const insertVitals = () => {
    const table = currentVitals();
    setVitalsMissing(table === null);
    if (table === null) return;
    const findings = sections.findings.trimEnd();
    edit('findings', `${findings}${findings ? '\n\n' : ''}${table}\n`);
  };
  const saved = kept !== null && keptRevision === revision;
  const status = revision === 0 ? 'Not saved yet: start typing' : saved ? `Saved ${formatClockMinutes(kept.updatedAt)}` : 'Saving…';

  return (
    <section className="note-editor" data-role="visit-note" data-note-state="draft" aria-label="Visit note">
      <header className="note-header">
        <h2 className="note-title">Visit note</h2>
        <p className="note-status" data-role="note-save-status" data-saved={saved ? 'true' : 'false'} role="status">
          {status}
        </p>
      </header>
      {NOTE_SECTIONS.map((section) => (
        <NoteField key={section} section={section} value={sections[section]} onChange={(text) => edit(section, text)}>
          {section === 'findings' ? (
            <>
              <button type="button" className="note-secondary" data-action="insert-vitals" onClick={insertVitals}>
                Insert current vitals
              </button>
              {vitalsMissing ? <span className="note-hint">No current vitals to insert.</span> : null}
            </>
          ) : null}
        </NoteField>
      ))}
      {problem ? (
        <p className="note-problem" data-role="note-problem" role="alert">
          {problem}
        </p>
      ) : null}
      <footer className="note-actions">
        {confirming && kept ? (
          <div className="note-confirm" role="group" aria-label="Confirm signing">
            <p>Sign this note as it is now? A signed note cannot be changed; later additions become addenda.</p>
            <button type="button" className="primary-action" data-action="confirm-sign" onClick={() => onSign(kept.id, revision)}>
              Sign
            </button>
            <button type="button" className="note-secondary" data-action="cancel-sign" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" className="primary-action" data-action="sign-note" disabled={!saved} onClick={() => setConfirming(true)}>
            Sign note…
          </button>
        )}
      </footer>
    </section>
  );
}

function NoteField({ section, value, onChange, children }: { section: NoteSection; value: string; onChange(text: string): void; children?: ReactNode }) {
  const id = useId();
  return (
    <div className="note-field">
      <div className="note-field-head">
        <label htmlFor={id}>{NOTE_SECTION_LABELS[section]}</label>
        {children}
      </div>
      <textarea
        id={id}
        data-role="note-field"
        data-field={section}
        value={value}
        maxLength={MAX_NOTE_SECTION_CHARS}
        rows={section === 'findings' ? 8 : 3}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

/** A signed note, read-only, with its addenda and (for nurses and physicians) a way to add one. */
export function SignedNote({
  note,
  addenda,
  problem,
  onAddendum,
  mine = false,
}: {
  note: Extract<VisitNote, { kind: 'note' }>;
  addenda: readonly VisitNote[];
  problem: string | null;
  onAddendum?: (noteId: string, text: string) => void;
  mine?: boolean;
}) {
  const [adding, setAdding] = useState(false);
  const [text, setText] = useState('');
  const textId = useId();
  return (
    <section className="note-editor note-signed" data-role="visit-note" data-note-state="signed" data-note-id={note.id} aria-label={mine ? 'Visit note' : `Note by ${note.author.name}`}>
      <header className="note-header">
        <h2 className="note-title">{mine ? 'Visit note' : `Note by ${note.author.name}`}</h2>
        <p className="note-status" data-role="note-signed">
          Signed by {note.author.name} ({note.author.role}) {note.signedAt === null ? '' : formatDateTime(note.signedAt)}. Read-only.
        </p>
      </header>
      <dl className="note-sections">
        {NOTE_SECTIONS.filter((section) => note.sections[section].trim() !== '').map((section) => (
          <div key={section} className="note-section" data-field={section}>
            <dt>{NOTE_SECTION_LABELS[section]}</dt>
            <dd>{note.sections[section]}</dd>
          </div>
        ))}
      </dl>
      {addenda.length > 0 ? (
        <ol className="note-addenda" data-role="note-addenda" aria-label="Addenda">
          {addenda.map((addendum) => (
            <li key={addendum.id} data-role="note-addendum">
              <p className="note-addendum-text">{addendum.kind === 'addendum' ? addendum.text : ''}</p>
              <p className="note-status">
                Addendum signed by {addendum.author.name} ({addendum.author.role}) {addendum.signedAt === null ? '' : formatDateTime(addendum.signedAt)}
              </p>
            </li>
          ))}
        </ol>
      ) : null}
      {problem ? (
        <p className="note-problem" data-role="note-problem" role="alert">
          {problem}
        </p>
      ) : null}
      {onAddendum ? (
        adding ? (
          <div className="note-field">
            <label htmlFor={textId}>Addendum</label>
            <textarea id={textId} data-role="addendum-text" value={text} maxLength={MAX_ADDENDUM_CHARS} rows={3} onChange={(event) => setText(event.target.value)} />
            <div className="note-actions">
              <button
                type="button"
                className="primary-action"
                data-action="sign-addendum"
                disabled={text.trim() === ''}
                onClick={() => {
                  onAddendum(note.id, text);
                  setText('');
                  setAdding(false);
                }}
              >
                Sign addendum
              </button>
              <button type="button" className="note-secondary" data-action="cancel-addendum" onClick={() => setAdding(false)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <div className="note-actions">
            <button type="button" className="note-secondary" data-action="add-addendum" onClick={() => setAdding(true)}>
              Add addendum
            </button>
          </div>
        )
      ) : null}
    </section>
  );
}
