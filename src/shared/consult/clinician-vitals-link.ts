/**
 * The clinician's end of the live-vitals protocol (vitals-protocol.ts), free of timers and I/O.
 * It says hello on every (re)opened channel with the epoch and highest contiguous seq it holds,
 * applies items exactly once and in order, acks each, and keeps its own requests (chat lines,
 * measurement requests, snapshot chunks) until the station's item confirming them arrives,
 * resending them after a reconnect.
 */
import type { WaveformBatch } from '../contract';
import { logError, logText } from '../log-text';
import { bytesToBase64, decodeSamples } from './waveform-codec';
import {
  MAX_CHAT_CHARS,
  MAX_SNAPSHOT_BYTES,
  MAX_SNAPSHOT_CHUNKS,
  MAX_VITALS_MESSAGE_CHARS,
  parseStationMessage,
  SNAPSHOT_CHUNK_CHARS,
  VITALS_PROTOCOL_VERSIONS,
  type ClinicianMessage,
  type ItemBody,
  type StationMessage,
} from './vitals-protocol';
import type { VitalsChannel } from './station-vitals-link';
import type { NoteSections } from '../visit-notes';

/** The pending-request key of the clinician's newest note draft (one at a time: a newer one replaces it). */
const NOTE_DRAFT_KEY = 'note-draft';
/**
 * A note message may take most of a message, leaving room for the station's answer to carry the
 * same note with its envelope (vitals-protocol's MAX_VITALS_MESSAGE_CHARS).
 */
export const MAX_NOTE_MESSAGE_CHARS = MAX_VITALS_MESSAGE_CHARS - 4_096;

export interface WelcomeInfo {
  version: number;
  /** Station clock minus this clock, from the hello/welcome round trip. */
  clockOffsetMs: number;
  roundTripMs: number;
  /** Items that will never arrive (the station's log no longer held them). */
  lost: number;
  /** The station restarted its numbering (its screen reloaded) or this page is fresh. */
  newEpoch: boolean;
}

export interface ClinicianVitalsLinkOptions {
  channel: VitalsChannel;
  /** This machine's wall clock (ms since epoch). */
  now: () => number;
  /** A new unique id for a request, chat line or snapshot. */
  newId: () => string;
  onWelcome: (welcome: WelcomeInfo) => void;
  onItem: (seq: number, body: ItemBody) => void;
  /** Waveform samples with startedAt on the station's clock. */
  onWaveform: (batch: WaveformBatch) => void;
  /** The station does not speak any version this page does. */
  onIncompatible?: (supported: readonly number[]) => void;
  onProblem?: (message: string) => void;
}

export interface ClinicianVitalsStats {
  epoch: string | null;
  contiguousSeq: number;
  itemsApplied: number;
  duplicatesIgnored: number;
  gapsDetected: number;
  lost: number;
  waveformChunks: number;
  rejectedMessages: number;
  pendingRequests: number;
}

export class ClinicianVitalsLink {
  private epoch: string | null = null;
  private contiguous = 0;
  private welcomed = false;
  private readonly pending = new Map<string, ClinicianMessage[]>();
  private stats_ = { itemsApplied: 0, duplicatesIgnored: 0, gapsDetected: 0, lost: 0, waveformChunks: 0, rejectedMessages: 0 };

  constructor(private readonly options: ClinicianVitalsLinkOptions) {}

  get stats(): ClinicianVitalsStats {
    return { epoch: this.epoch, contiguousSeq: this.contiguous, pendingRequests: this.pending.size, ...this.stats_ };
  }

  get isWelcomed(): boolean {
    return this.welcomed;
  }

  /** A (new) connection opened: tell the station where this page stands. */
  channelOpened(): void {
    this.welcomed = false;
    this.sayHello();
  }

  channelClosed(): void {
    this.welcomed = false;
  }

  /** Returns the request id; the station answers with `measurement` items carrying it. */
  requestMeasurement(deviceId: string): string {
    const requestId = this.options.newId();
    this.enqueue(requestId, [{ type: 'request-measurement', requestId, deviceId }]);
    return requestId;
  }

  /** Returns the request id; the station core's answer comes as an `alarm-acknowledged` item carrying it. */
  acknowledgeAlarm(alarmId: string): string {
    const requestId = this.options.newId();
    this.enqueue(requestId, [{ type: 'acknowledge-alarm', requestId, alarmId }]);
    return requestId;
  }

  /** Returns the line's id; it shows as sent once the station echoes it as a `chat` item. */
  sendChat(text: string): string {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_CHAT_CHARS) throw new RangeError(`a chat line holds 1 to ${MAX_CHAT_CHARS} characters`);
    const id = this.options.newId();
    this.enqueue(id, [{ type: 'chat', id, text: trimmed }]);
    return id;
  }

  /**
   * Saves `sections` as revision `revision` of this clinician's visit note at the station. Only the
   * newest draft waits for its confirmation (a `note` item answering that revision or a later one);
   * it is sent again after a reconnect. Throws RangeError for a draft too long for one message.
   */
  saveNoteDraft(sections: NoteSections, revision: number): void {
    const message: ClinicianMessage = { type: 'note-draft', revision, sections };
    if (JSON.stringify(message).length > MAX_NOTE_MESSAGE_CHARS) throw new RangeError('The note is too long to send; shorten it');
    this.enqueue(NOTE_DRAFT_KEY, [message]);
  }

  /** Asks for this clinician's note as the station keeps it (after the page loads); answered by a `note` item. */
  openNote(): void {
    this.send({ type: 'note-open' });
  }

  /** Signs the note at `revision`; returns the request id its `note` item answers. */
  signNote(noteId: string, revision: number): string {
    const requestId = this.options.newId();
    this.enqueue(requestId, [{ type: 'note-sign', requestId, noteId, revision }]);
    return requestId;
  }

  /** Adds an addendum to the signed note; returns the request id its `note` item answers. */
  addNoteAddendum(noteId: string, text: string): string {
    const requestId = this.options.newId();
    const message: ClinicianMessage = { type: 'note-addendum', requestId, noteId, text };
    if (JSON.stringify(message).length > MAX_NOTE_MESSAGE_CHARS) throw new RangeError('The addendum is too long to send; shorten it');
    this.enqueue(requestId, [message]);
    return requestId;
  }

  /** Sends a PNG still in chunks; returns its id, confirmed by a `snapshot-saved` item. */
  sendSnapshot(png: Uint8Array, takenAt: number): string {
    const chunkBytes = (SNAPSHOT_CHUNK_CHARS / 4) * 3;
    const count = Math.ceil(png.length / chunkBytes);
    if (png.length === 0 || png.length > MAX_SNAPSHOT_BYTES || count > MAX_SNAPSHOT_CHUNKS) throw new RangeError(`a snapshot holds 1 to ${MAX_SNAPSHOT_BYTES} bytes`);
    const snapshotId = this.options.newId();
    const chunks: ClinicianMessage[] = [];
    for (let index = 0; index < count; index++) {
      chunks.push({ type: 'snapshot-chunk', snapshotId, takenAt, index, count, data: bytesToBase64(png.subarray(index * chunkBytes, (index + 1) * chunkBytes)) });
    }
    this.enqueue(snapshotId, chunks);
    return snapshotId;
  }

  receive(text: unknown): void {
    const parsed = parseStationMessage(text);
    if (!parsed.ok) {
      this.stats_.rejectedMessages++;
      this.options.onProblem?.(`station message rejected: ${logText(parsed.error)}`);
      return;
    }
    this.handle(parsed.message);
  }

  private handle(message: StationMessage): void {
    switch (message.type) {
      case 'welcome': {
        const arrivedAt = this.options.now();
        const newEpoch = message.epoch !== this.epoch;
        // Items after resumeFrom follow; on a new epoch or a gap the station sends its current state anew.
        this.epoch = message.epoch;
        this.contiguous = message.resumeFrom;
        this.stats_.lost += message.lost;
        this.welcomed = true;
        this.options.onWelcome({
          version: message.version,
          clockOffsetMs: message.now - (message.helloSentAt + arrivedAt) / 2,
          roundTripMs: arrivedAt - message.helloSentAt,
          lost: message.lost,
          newEpoch,
        });
        for (const messages of this.pending.values()) for (const pending of messages) this.send(pending);
        return;
      }
      case 'item':
        this.applyItem(message.seq, message.body);
        return;
      case 'waveform': {
        let samples: number[];
        try {
          samples = decodeSamples(message);
        } catch (error) {
          this.stats_.rejectedMessages++;
          this.options.onProblem?.(`waveform rejected: ${logError(error)}`);
          return;
        }
        this.stats_.waveformChunks++;
        this.options.onWaveform({ deviceId: message.deviceId, metric: message.metric, rateHz: message.rateHz, startedAt: message.startedAt, samples });
        return;
      }
      case 'incompatible':
        this.options.onIncompatible?.(message.supported);
        return;
      case 'error':
        this.options.onProblem?.(`the station rejected a message: ${logText(message.message)}`);
        return;
    }
  }

  private applyItem(seq: number, body: ItemBody): void {
    if (!this.welcomed || seq <= this.contiguous) {
      // Before the welcome an item belongs to a numbering this page has not synchronised with.
      this.stats_.duplicatesIgnored++;
      return;
    }
    if (seq > this.contiguous + 1) {
      // An ordered channel never skips; ask the station to replay from where this page stands.
      this.stats_.gapsDetected++;
      this.welcomed = false;
      this.sayHello();
      return;
    }
    this.contiguous = seq;
    this.stats_.itemsApplied++;
    this.settle(body);
    this.options.onItem(seq, body);
    this.send({ type: 'ack', seq });
  }

  /** Drops a request of this page the item confirms. */
  private settle(body: ItemBody): void {
    if (body.kind === 'chat' && body.from === 'clinician') this.pending.delete(body.id);
    else if (body.kind === 'measurement') this.pending.delete(body.requestId);
    else if (body.kind === 'snapshot-saved') this.pending.delete(body.snapshotId);
    else if (body.kind === 'alarm-acknowledged') this.pending.delete(body.requestId);
    else if (body.kind === 'note') this.settleNote(body.inReplyTo);
  }

  /** A draft is settled by the answer to its revision or a later one; sign and addendum by their request id. */
  private settleNote(inReplyTo: Extract<ItemBody, { kind: 'note' }>['inReplyTo']): void {
    if (inReplyTo.kind === 'request') this.pending.delete(inReplyTo.requestId);
    if (inReplyTo.kind !== 'draft') return;
    const [draft] = this.pending.get(NOTE_DRAFT_KEY) ?? [];
    if (draft?.type === 'note-draft' && draft.revision <= inReplyTo.revision) this.pending.delete(NOTE_DRAFT_KEY);
  }

  private sayHello(): void {
    this.send({
      type: 'hello',
      versions: [...VITALS_PROTOCOL_VERSIONS],
      resume: this.epoch === null ? null : { epoch: this.epoch, lastSeq: this.contiguous },
      sentAt: this.options.now(),
    });
  }

  private enqueue(id: string, messages: ClinicianMessage[]): void {
    this.pending.set(id, messages);
    if (this.welcomed) for (const message of messages) this.send(message);
  }

  private send(message: ClinicianMessage): void {
    const text = JSON.stringify(message);
    if (text.length > MAX_VITALS_MESSAGE_CHARS) {
      this.options.onProblem?.(`a ${message.type} message of ${text.length} characters was not sent`);
      return;
    }
    try {
      this.options.channel.send(text);
    } catch (error) {
      this.options.onProblem?.(`sending failed: ${logError(error)}`);
    }
  }
}
