import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { WaveformBatch } from '../contract';
import { ClinicianVitalsLink, type WelcomeInfo } from './clinician-vitals-link';
import { StationVitalsLink, type ClinicianAction } from './station-vitals-link';
import { device, FakeChannel, reading } from './test-fixtures';
import type { ItemBody } from './vitals-protocol';
import { EMPTY_NOTE_SECTIONS, type NoteSections, type VisitNote } from '../visit-notes';

/** A station and a clinician joined by two fake one-way channels; the test decides what arrives. */
function pair(options: { logCapacity?: number; epoch?: string } = {}) {
  const toClinician = new FakeChannel();
  const toStation = new FakeChannel();
  let clock = 1_700_000_000_000;
  let ids = 0;
  const actions: ClinicianAction[] = [];
  const problems: string[] = [];
  const stationSent: { seq: number; body: ItemBody }[] = [];
  const makeStation = (epoch: string) =>
    new StationVitalsLink({
      channel: toClinician,
      now: () => clock,
      epoch,
      logCapacity: options.logCapacity,
      onAction: (action) => actions.push(action),
      onProblem: (message) => problems.push(message),
      onItemSent: (seq, body) => stationSent.push({ seq, body }),
    });
  const received: { seq: number; body: ItemBody }[] = [];
  const waveforms: WaveformBatch[] = [];
  const welcomes: WelcomeInfo[] = [];
  const clinicianProblems: string[] = [];
  const makeClinician = () =>
    new ClinicianVitalsLink({
      channel: toStation,
      now: () => clock,
      newId: () => `id-${++ids}`,
      onWelcome: (welcome) => welcomes.push(welcome),
      onItem: (seq, body) => received.push({ seq, body }),
      onWaveform: (batch) => waveforms.push(batch),
      onProblem: (message) => clinicianProblems.push(message),
    });
  const harness = {
    station: makeStation(options.epoch ?? 'epoch-a'),
    clinician: makeClinician(),
    toClinician,
    toStation,
    actions,
    problems,
    stationSent,
    received,
    waveforms,
    welcomes,
    clinicianProblems,
    tick: (ms: number) => (clock += ms),
    /** Delivers in both directions until nothing is in flight. */
    settle() {
      while (toClinician.deliver((text) => harness.clinician.receive(text)) + toStation.deliver((text) => harness.station.receive(text)) > 0);
    },
    connect() {
      toClinician.open = true;
      toStation.open = true;
      harness.station.channelOpened();
      harness.clinician.channelOpened();
      harness.settle();
    },
    /** The connection dies: whatever was in flight in either direction is gone. */
    drop() {
      toClinician.lose();
      toStation.lose();
      toClinician.open = false;
      toStation.open = false;
      harness.station.channelClosed();
      harness.clinician.channelClosed();
    },
    reloadStation(epoch: string) {
      harness.station = makeStation(epoch);
    },
    /** The clinician's page reloads: a new link that knows nothing, on the same channel. */
    reloadClinician() {
      harness.clinician = makeClinician();
    },
    readingSeqsReceived: () => received.flatMap(({ body }) => (body.kind === 'readings' ? body.readings.map((r) => r.seq) : [])),
  };
  return harness;
}

describe('station ↔ clinician vitals link', () => {
  it('gives a fresh clinician the current state, then live items, each acked', () => {
    const link = pair();
    link.station.publishDevices([device()]);
    link.station.publishReadings([reading(1), reading(2, 'pulseRate', 70)]);
    link.station.publishReadings([reading(3)]);
    link.connect();
    expect(link.welcomes).toEqual([expect.objectContaining({ lost: 0, newEpoch: true })]);
    // The history before the hello is not replayed to a fresh page; what is current is.
    expect(link.received.map(({ body }) => body.kind)).toEqual(['devices', 'readings']);
    expect(link.readingSeqsReceived().sort()).toEqual([2, 3]);
    link.station.publishReadings([reading(4)]);
    link.settle();
    expect(link.readingSeqsReceived()).toContain(4);
    expect(link.station.stats.ackedSeq).toBe(link.station.stats.lastSeq);
    expect(link.clinician.stats.contiguousSeq).toBe(link.station.stats.lastSeq);
  });

  it('tells a fresh clinician who the patient is before anything else, and every change after', () => {
    const link = pair();
    const patient = { givenName: 'Ada', familyName: 'Lovelace', identifier: 'MRN-1', birthDate: '1950-12-10', gender: 'female', encounterStartedAt: 1_700_000_000_000, videoVisit: true } as const;
    link.station.publishPatient(patient);
    link.station.publishDevices([device()]);
    link.connect();
    expect(link.received.map(({ body }) => body)).toEqual([{ kind: 'patient', patient }, expect.objectContaining({ kind: 'devices' })]);
    // A change of patient at the station: unknown at once, then the next one.
    link.station.publishPatient(null);
    link.station.publishPatient({ ...patient, givenName: null, familyName: null, identifier: null });
    link.settle();
    expect(link.received.slice(2).map(({ body }) => body)).toEqual([
      { kind: 'patient', patient: null },
      { kind: 'patient', patient: expect.objectContaining({ givenName: null, identifier: null }) },
    ]);
  });

  it('says nothing of the patient to a clinician while the station has not', () => {
    const link = pair();
    link.station.publishDevices([device()]);
    link.connect();
    expect(link.received.map(({ body }) => body.kind)).toEqual(['devices']);
  });

  it('replays exactly what a dropped connection lost, including items published while it was down', () => {
    const link = pair();
    link.connect();
    for (let seq = 1; seq <= 5; seq++) link.station.publishReadings([reading(seq)]);
    link.settle();
    for (let seq = 6; seq <= 8; seq++) link.station.publishReadings([reading(seq)]);
    link.drop(); // 6..8 were in flight
    for (let seq = 9; seq <= 12; seq++) link.station.publishReadings([reading(seq)]);
    link.connect();
    expect(link.readingSeqsReceived()).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(link.welcomes.at(-1)).toMatchObject({ lost: 0, newEpoch: false });
    expect(link.station.stats.itemsReplayed).toBe(7);
  });

  it('ignores duplicates when the same items arrive twice', () => {
    const link = pair();
    link.connect();
    link.station.publishReadings([reading(1)]);
    const copy = [...link.toClinician.queue];
    link.settle();
    for (const text of copy) link.clinician.receive(text);
    expect(link.readingSeqsReceived()).toEqual([1]);
    expect(link.clinician.stats.duplicatesIgnored).toBe(1);
  });

  it('says how many items the bounded log lost and sends the current state in their place', () => {
    const link = pair({ logCapacity: 4 });
    link.connect();
    link.station.publishDevices([device()]);
    link.settle();
    link.drop();
    for (let seq = 1; seq <= 10; seq++) link.station.publishReadings([reading(seq)]);
    const before = link.received.length;
    link.connect();
    expect(link.welcomes.at(-1)).toMatchObject({ lost: 6 });
    expect(link.clinician.stats.lost).toBe(6);
    // The state items sent right after the welcome were in flight, unacked, when the small log overflowed again.
    expect(link.station.stats.evictedUnacked).toBe(8);
    const kinds = link.received.slice(before).map(({ body }) => body.kind);
    expect(kinds).toEqual(['devices', 'readings']);
    expect(link.readingSeqsReceived()).toEqual([10]);
  });

  it('starts over when the station screen reloaded (a new epoch)', () => {
    const link = pair();
    link.connect();
    for (let seq = 1; seq <= 3; seq++) link.station.publishReadings([reading(seq)]);
    link.settle();
    link.drop();
    link.reloadStation('epoch-b');
    link.station.publishReadings([reading(4)]);
    link.connect();
    expect(link.welcomes.at(-1)).toMatchObject({ newEpoch: true });
    expect(link.readingSeqsReceived()).toEqual([1, 2, 3, 4]);
    expect(link.clinician.stats).toMatchObject({ epoch: 'epoch-b' });
  });

  it('drops waveform chunks while the channel is backed up or nobody listens, never numerics', () => {
    const link = pair();
    const pleth: WaveformBatch = { deviceId: 'sim-oximeter', metric: 'pleth', rateHz: 60, startedAt: 1_000, samples: [50, 52, 55, 53] };
    link.station.publishWaveform(pleth);
    link.connect();
    link.station.publishWaveform(pleth);
    link.toClinician.buffered = 1_000_000;
    link.station.publishWaveform(pleth);
    link.station.publishReadings([reading(1)]);
    link.settle();
    expect(link.waveforms).toEqual([pleth]);
    expect(link.station.stats).toMatchObject({ waveformChunksSent: 1, waveformChunksDropped: 1, waveformChunksUnheard: 1 });
    expect(link.readingSeqsReceived()).toEqual([1]);
  });

  it('splits long waveform batches with each chunk starting at its own sample time', () => {
    const link = pair();
    link.connect();
    const samples = Array.from({ length: 5_000 }, (_, i) => i % 100);
    link.station.publishWaveform({ deviceId: 'ecg', metric: 'ecg', rateHz: 500, startedAt: 0, samples });
    link.settle();
    expect(link.waveforms.map((batch) => [batch.startedAt, batch.samples.length])).toEqual([
      [0, 4_096],
      [(4_096 * 1000) / 500, 904],
    ]);
    expect(link.waveforms.flatMap((batch) => batch.samples)).toEqual(samples);
  });

  it('delivers a clinician chat line and measurement request once, resending them after a drop until confirmed', () => {
    const link = pair();
    link.connect();
    link.clinician.sendChat('Please sit still');
    link.clinician.requestMeasurement('sim-cuff');
    link.toStation.deliver((text) => link.station.receive(text));
    // The station saw both, but its confirmations are lost with the connection.
    link.drop();
    expect(link.clinician.stats.pendingRequests).toBe(2);
    link.connect();
    expect(link.actions).toEqual([
      { kind: 'chat', id: 'id-1', text: 'Please sit still' },
      { kind: 'request-measurement', requestId: 'id-2', deviceId: 'sim-cuff' },
    ]);
    // The chat echo (replayed) settled the line; the request waits for the station's status item.
    expect(link.clinician.stats.pendingRequests).toBe(1);
    link.station.publishMeasurementStatus('id-2', 'sim-cuff', 'awaiting-confirmation');
    link.settle();
    expect(link.clinician.stats.pendingRequests).toBe(0);
    expect(link.received.filter(({ body }) => body.kind === 'chat')).toHaveLength(1);
  });

  it('forwards snapshot chunks until the snapshot is settled, then ignores resent ones', () => {
    const link = pair();
    link.connect();
    const png = new Uint8Array(80_000).map((_, i) => i % 251);
    const id = link.clinician.sendSnapshot(png, 123);
    link.settle();
    const chunks = link.actions.filter((action) => action.kind === 'snapshot-chunk');
    expect(chunks.map((action) => action.kind === 'snapshot-chunk' && action.chunk.index)).toEqual([0, 1, 2]);
    link.drop();
    link.connect(); // resent: not yet settled
    expect(link.actions.filter((action) => action.kind === 'snapshot-chunk')).toHaveLength(6);
    link.station.publishSnapshotSaved(id, true);
    link.drop();
    link.connect();
    expect(link.actions.filter((action) => action.kind === 'snapshot-chunk')).toHaveLength(6);
    expect(link.clinician.stats.pendingRequests).toBe(0);
  });

  it('answers hostile messages with an error and keeps working', () => {
    const link = pair();
    link.connect();
    link.station.receive('{"type":"ack","seq":999}');
    link.station.receive('not json');
    link.station.receive({ toString: () => 'hostile' });
    link.settle();
    expect(link.station.stats.rejectedMessages).toBe(3);
    expect(link.clinicianProblems.filter((problem) => problem.startsWith('the station rejected'))).toHaveLength(3);
    link.station.publishReadings([reading(1)]);
    link.settle();
    expect(link.readingSeqsReceived()).toEqual([1]);
  });

  it('asks for a replay when an item arrives out of order', () => {
    const link = pair();
    link.connect();
    link.station.publishReadings([reading(1)]);
    link.station.publishReadings([reading(2)]);
    link.toClinician.queue.shift();
    link.settle();
    expect(link.clinician.stats.gapsDetected).toBe(1);
    expect(link.readingSeqsReceived()).toEqual([1, 2]);
  });

  it('answers a hello that arrived before the station saw the channel open', () => {
    const link = pair();
    link.clinician.channelOpened();
    // The station's side is not open yet: its welcome cannot go out.
    link.toClinician.open = false;
    link.toStation.deliver((text) => link.station.receive(text));
    expect(link.clinician.isWelcomed).toBe(false);
    link.toClinician.open = true;
    link.station.publishReadings([reading(1)]);
    link.station.channelOpened();
    link.settle();
    expect(link.clinician.isWelcomed).toBe(true);
    expect(link.readingSeqsReceived()).toEqual([1]);
  });

  it('refuses a clinician that speaks no common version', () => {
    const link = pair();
    link.station.channelOpened();
    link.station.receive(JSON.stringify({ type: 'hello', versions: [99], resume: null, sentAt: 0 }));
    expect(JSON.parse(link.toClinician.queue[0]!)).toEqual({ type: 'incompatible', supported: [1] });
    link.station.publishReadings([reading(1)]);
    expect(link.toClinician.queue).toHaveLength(1);
  });

  it('estimates the station clock from the hello round trip', () => {
    const link = pair();
    link.station.channelOpened();
    link.clinician.channelOpened();
    link.tick(40);
    link.toStation.deliver((text) => link.station.receive(text));
    link.tick(60);
    link.toClinician.deliver((text) => link.clinician.receive(text));
    // Same clock on both sides: the offset estimate is off by the path asymmetry (40 vs 60 ms) / 2.
    expect(link.welcomes[0]).toMatchObject({ roundTripMs: 100, clockOffsetMs: -10 });
  });

  it('never loses or repeats a numeric across random drops and reconnects', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('publish'), fc.constant('deliver-some'), fc.constant('drop'), fc.constant('connect')), { maxLength: 80 }), (steps) => {
        const link = pair();
        link.connect();
        let next = 1;
        let connected = true;
        for (const step of steps) {
          if (step === 'publish') link.station.publishReadings([reading(next++)]);
          else if (step === 'deliver-some' && connected) {
            const text = link.toClinician.queue.shift();
            if (text !== undefined) link.clinician.receive(text);
            link.toStation.deliver((reply) => link.station.receive(reply));
          } else if (step === 'drop' && connected) {
            link.drop();
            connected = false;
          } else if (step === 'connect' && !connected) {
            link.connect();
            connected = true;
          }
        }
        if (!connected) link.connect();
        link.settle();
        expect(link.readingSeqsReceived()).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * A stand-in for the station core's records behind the Notes relay: it keeps a draft only if its
 * revision is newer (as VisitNotes does) and answers every note action on the link.
 */
function noteRecords(link: ReturnType<typeof pair>) {
  let note: VisitNote | null = null;
  const addenda: VisitNote[] = [];
  const handled: ClinicianAction['kind'][] = [];
  const base = { patientId: 'p1', visitId: 'v1', author: { id: 'remote-clinician:c1', name: 'Remote clinician (video visit)', role: 'physician' as const }, createdAt: 1, updatedAt: 1 };
  return {
    handled,
    current: () => note,
    /** Answers what the clinician sent, as the station screen's publisher does after asking the core. */
    answer() {
      for (const action of link.actions.splice(0)) {
        handled.push(action.kind);
        if (action.kind === 'note-open') link.station.publishNote(note, addenda, { kind: 'open' });
        else if (action.kind === 'note-draft') {
          if (note?.state === 'signed') link.station.publishNote(note, addenda, { kind: 'draft', revision: action.revision }, 'This note is signed and read-only; add an addendum instead');
          else {
            if (note === null || action.revision > note.revision) note = { ...base, id: 'n1', kind: 'note', sections: action.sections, state: 'draft', revision: action.revision, signedAt: null };
            link.station.publishNote(note, addenda, { kind: 'draft', revision: action.revision });
          }
        } else if (action.kind === 'note-sign' && note !== null) {
          note = { ...note, state: 'signed', signedAt: 5 };
          link.station.publishNote(note, addenda, { kind: 'request', requestId: action.requestId });
        } else if (action.kind === 'note-addendum') {
          addenda.push({ ...base, id: `a${addenda.length + 1}`, kind: 'addendum', addendumTo: action.noteId, text: action.text, state: 'signed', revision: 1, signedAt: 6 });
          link.station.publishNote(note, addenda, { kind: 'request', requestId: action.requestId });
        }
      }
      link.settle();
    },
  };
}

const noteSections = (reason: string): NoteSections => ({ ...EMPTY_NOTE_SECTIONS, reason });
const noteItems = (link: ReturnType<typeof pair>) => link.received.flatMap(({ body }) => (body.kind === 'note' ? [body] : []));

describe('the clinician’s visit note over the link', () => {
  it('keeps only the newest draft waiting, sends it after a drop, and settles it on the station’s answer', () => {
    const link = pair();
    const records = noteRecords(link);
    link.connect();
    link.clinician.saveNoteDraft(noteSections('a'), 1);
    link.settle();
    records.answer();
    expect(link.clinician.stats.pendingRequests).toBe(0);
    // Typed while the connection is down: revisions 2 and 3; only 3 is waiting, and it is lost in flight once more.
    link.drop();
    link.clinician.saveNoteDraft(noteSections('ab'), 2);
    link.clinician.saveNoteDraft(noteSections('abc'), 3);
    expect(link.clinician.stats.pendingRequests).toBe(1);
    link.connect();
    link.drop();
    expect(records.current()?.revision).toBe(1);
    link.connect();
    records.answer();
    expect(records.current()).toMatchObject({ revision: 3, sections: { reason: 'abc' } });
    expect(link.clinician.stats.pendingRequests).toBe(0);
    expect(noteItems(link).at(-1)).toMatchObject({ inReplyTo: { kind: 'draft', revision: 3 }, note: { revision: 3 }, problem: null });
  });

  it('an answer to an older revision does not settle a newer draft', () => {
    const link = pair();
    const records = noteRecords(link);
    link.connect();
    link.clinician.saveNoteDraft(noteSections('a'), 1);
    link.clinician.saveNoteDraft(noteSections('ab'), 2);
    // Revision 1 is answered before revision 2 reaches the station.
    link.station.receive(link.toStation.queue.shift());
    records.answer();
    expect(noteItems(link).map((item) => item.inReplyTo)).toContainEqual({ kind: 'draft', revision: 1 });
    expect(records.current()?.revision).toBe(1);
    expect(link.clinician.stats.pendingRequests).toBe(1);
    link.settle();
    records.answer();
    expect(records.current()?.revision).toBe(2);
    expect(link.clinician.stats.pendingRequests).toBe(0);
  });

  it('gives a reloaded page its draft back, then signs once however often the sign is resent', () => {
    const link = pair();
    const records = noteRecords(link);
    link.connect();
    link.clinician.saveNoteDraft(noteSections('Chest pain since noon'), 4);
    link.settle();
    records.answer();
    link.drop();
    link.reloadClinician();
    link.connect();
    link.clinician.openNote();
    link.settle();
    records.answer();
    expect(noteItems(link).at(-1)).toMatchObject({ inReplyTo: { kind: 'open' }, note: { id: 'n1', revision: 4, state: 'draft', sections: { reason: 'Chest pain since noon' } } });
    const requestId = link.clinician.signNote('n1', 4);
    link.settle();
    // The answer is lost with the connection: the page sends the sign again; the station acts once.
    link.drop();
    link.connect();
    records.answer();
    expect(records.handled.filter((kind) => kind === 'note-sign')).toHaveLength(1);
    expect(noteItems(link).some((item) => item.inReplyTo.kind === 'request' && item.inReplyTo.requestId === requestId && item.note?.state === 'signed')).toBe(true);
    expect(link.clinician.stats.pendingRequests).toBe(0);
  });

  it('settles a draft the station refused, with the station’s reason', () => {
    const link = pair();
    const records = noteRecords(link);
    link.connect();
    link.clinician.saveNoteDraft(noteSections('x'), 1);
    link.settle();
    records.answer();
    link.clinician.signNote('n1', 1);
    link.settle();
    records.answer();
    link.clinician.saveNoteDraft(noteSections('after signing'), 2);
    link.settle();
    records.answer();
    expect(noteItems(link).at(-1)).toMatchObject({ inReplyTo: { kind: 'draft', revision: 2 }, problem: 'This note is signed and read-only; add an addendum instead', note: { state: 'signed' } });
    expect(link.clinician.stats.pendingRequests).toBe(0);
  });

  it('refuses an oversize or invalid note message with an error and keeps the call: the next message goes through', () => {
    const link = pair();
    const records = noteRecords(link);
    link.connect();
    expect(() => link.clinician.saveNoteDraft({ ...EMPTY_NOTE_SECTIONS, findings: '"'.repeat(8_000), plan: '"'.repeat(8_000), assessment: '"'.repeat(8_000), reason: '"'.repeat(8_000) }, 1)).toThrow(
      'The note is too long to send; shorten it',
    );
    for (const hostile of [
      { type: 'note-draft', revision: 1, sections: { ...EMPTY_NOTE_SECTIONS, plan: 'x'.repeat(8_001) } },
      { type: 'note-draft', revision: 0, sections: EMPTY_NOTE_SECTIONS },
      { type: 'note-draft', revision: 1, sections: { reason: 'no other sections' } },
      { type: 'note-addendum', requestId: 'r1', noteId: 'n1', text: '   ' },
    ]) {
      link.station.receive(JSON.stringify(hostile));
    }
    link.station.receive('x'.repeat(70_000));
    expect(link.station.stats.rejectedMessages).toBe(5);
    expect(link.actions).toEqual([]);
    link.settle();
    expect(link.clinicianProblems.filter((problem) => problem.startsWith('the station rejected a message'))).toHaveLength(5);
    expect(link.station.stats.clinicianPresent).toBe(true);
    link.clinician.saveNoteDraft(noteSections('fine'), 1);
    link.settle();
    records.answer();
    expect(records.current()?.revision).toBe(1);
  });

  it('sends the note with as many of its newest addenda as fit in one message', () => {
    const link = pair();
    const records = noteRecords(link);
    link.connect();
    link.clinician.saveNoteDraft({ reason: 'r'.repeat(8_000), findings: 'f'.repeat(8_000), assessment: 'a'.repeat(8_000), plan: 'p'.repeat(8_000), followUp: 'u'.repeat(8_000) }, 1);
    link.settle();
    records.answer();
    link.clinician.signNote('n1', 1);
    // Quotes take two characters each in JSON: one such addendum fits beside the note, not two.
    for (let i = 0; i < 3; i++) link.clinician.addNoteAddendum('n1', '"'.repeat(8_000));
    link.settle();
    records.answer();
    const last = noteItems(link).at(-1)!;
    expect(last.addenda.map((addendum) => addendum.id)).toEqual(['a3']);
    expect(link.problems).toEqual([]);
  });
});
