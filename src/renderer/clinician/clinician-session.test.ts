import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseClinicianMessage, type ClinicianMessage, type StationMessage } from '../../shared/consult/vitals-protocol';
import { EMPTY_NOTE_SECTIONS, type VisitNote } from '../../shared/visit-notes';
import type { CallDataChannel } from '../consult/peer-data-channel';
import { ClinicianSession } from './clinician-session';

/** A data channel that keeps what the page sent and delivers what the test says the station sent. */
function fakeChannel() {
  const sent: ClinicianMessage[] = [];
  let onMessage: (text: string) => void = () => undefined;
  const channel: CallDataChannel = {
    isOpen: true,
    send(text) {
      const parsed = parseClinicianMessage(text);
      if (!parsed.ok) throw new Error(parsed.error);
      sent.push(parsed.message);
      return true;
    },
    bufferedAmount: () => 0,
    onMessage: (listener) => ((onMessage = listener), () => undefined),
    onOpen: () => () => undefined,
    onClose: () => () => undefined,
  };
  return { channel, sent, deliver: (message: StationMessage) => onMessage(JSON.stringify(message)) };
}

const draft: VisitNote = {
  id: 'n1',
  patientId: 'p1',
  visitId: 'v1',
  author: { id: 'remote-clinician:c1', name: 'Remote clinician (video visit)', role: 'physician' },
  state: 'draft',
  revision: 7,
  createdAt: 1,
  updatedAt: 2,
  signedAt: null,
  kind: 'note',
  sections: { ...EMPTY_NOTE_SECTIONS, reason: 'Kept at the station' },
};

beforeEach(() => vi.stubGlobal('window', {}));
afterEach(() => vi.unstubAllGlobals());

function linkedSession() {
  const link = fakeChannel();
  const session = new ClinicianSession(link.channel, { localNow: () => 1_000, setTimer: () => 0, clearTimer: () => undefined });
  session.start();
  link.deliver({ type: 'welcome', version: 1, now: 1_000, helloSentAt: 1_000, epoch: 'e1', resumeFrom: 0, lost: 0 });
  return { ...link, session };
}

describe('the clinician session’s visit note', () => {
  it('asks a fresh page’s note from the station and stays unloaded, with the reason, while the station cannot give it', () => {
    const { sent, deliver, session } = linkedSession();
    expect(sent.filter((message) => message.type === 'note-open')).toHaveLength(1);
    deliver({ type: 'item', seq: 1, body: { kind: 'note', note: null, addenda: [], inReplyTo: { kind: 'open' }, problem: 'Not relayed for the remote clinician: the clinician is not connected to the visit' } });
    expect(session.getView().note).toEqual({ loaded: false, note: null, addenda: [], problem: 'Not relayed for the remote clinician: the clinician is not connected to the visit' });
    session.reloadNote();
    expect(sent.filter((message) => message.type === 'note-open')).toHaveLength(2);
    deliver({ type: 'item', seq: 2, body: { kind: 'note', note: draft, addenda: [], inReplyTo: { kind: 'open' }, problem: null } });
    expect(session.getView().note).toEqual({ loaded: true, note: draft, addenda: [], problem: null });
  });

  it('keeps the note shown when a refusal could not read it back, and refuses a draft too long to send without sending it', () => {
    const { sent, deliver, session } = linkedSession();
    deliver({ type: 'item', seq: 1, body: { kind: 'note', note: draft, addenda: [], inReplyTo: { kind: 'open' }, problem: null } });
    deliver({ type: 'item', seq: 2, body: { kind: 'note', note: null, addenda: [], inReplyTo: { kind: 'draft', revision: 8 }, problem: 'The station is busy' } });
    expect(session.getView().note).toMatchObject({ loaded: true, note: draft, problem: 'The station is busy' });
    const before = sent.length;
    session.saveNoteDraft({ ...EMPTY_NOTE_SECTIONS, reason: '"'.repeat(8_000), findings: '"'.repeat(8_000), assessment: '"'.repeat(8_000), plan: '"'.repeat(8_000) }, 9);
    expect(sent.slice(before).filter((message) => message.type === 'note-draft')).toEqual([]);
    expect(session.getView().note.problem).toBe('The note is too long to send; shorten it');
    session.saveNoteDraft({ ...EMPTY_NOTE_SECTIONS, reason: 'shorter' }, 9);
    expect(sent.at(-1)).toMatchObject({ type: 'note-draft', revision: 9 });
    expect(session.getView().note.problem).toBeNull();
  });
});
