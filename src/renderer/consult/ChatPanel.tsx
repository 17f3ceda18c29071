import { useEffect, useRef, useState } from 'react';
import { MAX_CHAT_CHARS } from '../../shared/consult/vitals-protocol';
import { formatClock } from '../format/display-format';

export interface ChatPanelLine {
  id: string;
  /** Who wrote it, as the reader of this screen sees it: `me`, `them`, or a notice from the system. */
  author: 'me' | 'them' | 'notice';
  text: string;
  at: number;
  /** Not confirmed by the other side yet. */
  pending?: boolean;
}

/** The visit's text chat, the same at both ends. */
export function ChatPanel({ lines, otherName, onSend, disabled }: { lines: readonly ChatPanelLine[]; otherName: string; onSend(text: string): void; disabled?: boolean }) {
  const [draft, setDraft] = useState('');
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [lines.length]);
  return (
    <section className="chat" data-role="chat" aria-labelledby="chat-heading">
      <h2 id="chat-heading" className="panel-heading">
        Chat
      </h2>
      <ol className="chat-lines" ref={listRef} aria-live="polite" aria-label="Messages" tabIndex={0}>
        {lines.map((line) => (
          <li key={line.id} className={`chat-line chat-${line.author}`} data-chat-author={line.author} data-pending={line.pending ? 'true' : undefined}>
            <span className="chat-meta">
              {line.author === 'me' ? 'You' : line.author === 'them' ? otherName : 'Note'} · {formatClock(line.at)}
              {line.pending ? ' · sending…' : ''}
            </span>
            <span className="chat-text" data-role="chat-text">
              {line.text}
            </span>
          </li>
        ))}
      </ol>
      <form
        className="chat-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (draft.trim().length === 0) return;
          onSend(draft);
          setDraft('');
        }}
      >
        <label className="visually-hidden" htmlFor="chat-input">
          Message to the {otherName.toLowerCase()}
        </label>
        <input
          id="chat-input"
          className="chat-input"
          data-role="chat-input"
          value={draft}
          maxLength={MAX_CHAT_CHARS}
          disabled={disabled}
          placeholder={`Message to the ${otherName.toLowerCase()}`}
          autoComplete="off"
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="action-button" data-action="send-chat" disabled={disabled || draft.trim().length === 0}>
          Send
        </button>
      </form>
    </section>
  );
}
