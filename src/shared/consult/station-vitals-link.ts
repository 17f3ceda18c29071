/**
 * The station's end of the live-vitals protocol (vitals-protocol.ts), free of timers and I/O: the
 * screen's publisher feeds it station events and data-channel text, it writes to the channel.
 * Sequenced items go to a bounded replay log first and onto the channel only while a clinician
 * has said hello on the current connection; waveform chunks go out only while the channel's
 * buffer is below a threshold, and are dropped (counted) otherwise.
 */
import type { DeviceInfo, StationReading, WaveformBatch } from '../contract';
import type { News2StatePayload } from '../contract-clinical';
import type { CurrentPatient } from '../contract-records';
import { logError, logText } from '../log-text';
import { ReplayLog } from './replay-log';
import { encodeSamples } from './waveform-codec';
import type { NoteSections, VisitNote } from '../visit-notes';
import {
  MAX_NEWS2_TREND_SENT,
  MAX_NOTE_ADDENDA_SENT,
  MAX_READINGS_PER_ITEM,
  MAX_VITALS_MESSAGE_CHARS,
  MAX_WAVEFORM_SAMPLES,
  negotiateVersion,
  parseClinicianMessage,
  VITALS_PROTOCOL_VERSIONS,
  type ClinicianMessage,
  type ConsultAlarms,
  type ConsultNoteItem,
  type ItemBody,
  type MeasurementRequestStatus,
  type SnapshotChunk,
  type StationMessage,
} from './vitals-protocol';

/** The part of the call's data channel the link needs. */
export interface VitalsChannel {
  /** False when the channel cannot take the message now (closed). */
  send(text: string): boolean;
  bufferedAmount(): number;
}

/** What the clinician asked for, once per id however often it was resent. */
export type ClinicianAction =
  | { kind: 'request-measurement'; requestId: string; deviceId: string }
  | { kind: 'chat'; id: string; text: string }
  /** The station core decides (role matrix, alarm exists); answer with publishAlarmAcknowledgement. */
  | { kind: 'acknowledge-alarm'; requestId: string; alarmId: string }
  /** Passed on as it comes; the station core assembles and checks the PNG (saveVisitSnapshot). */
  | { kind: 'snapshot-chunk'; chunk: SnapshotChunk }
  /**
   * The clinician's visit note; the station core decides (records, role, relay check). Answer each
   * with publishNote. Drafts are not de-duplicated here: the records keep a revision only if newer.
   */
  | { kind: 'note-open' }
  | { kind: 'note-draft'; revision: number; sections: NoteSections }
  | { kind: 'note-sign'; requestId: string; noteId: string; revision: number }
  | { kind: 'note-addendum'; requestId: string; noteId: string; text: string };

export interface StationVitalsLinkOptions {
  channel: VitalsChannel;
  /** Station wall clock (ms since epoch). */
  now: () => number;
  /** Identifies this publisher's numbering (a random id per screen load). */
  epoch: string;
  onAction: (action: ClinicianAction) => void;
  /** Rejected clinician messages and sends that failed; never thrown. */
  onProblem?: (message: string) => void;
  /** Fires for every item the channel accepted, first send or replay (tests and benchmarks trace it). */
  onItemSent?: (seq: number, body: ItemBody) => void;
  /** Unacked items kept for a reconnect. */
  logCapacity?: number;
  /** Channel buffer above which waveform chunks are dropped. */
  waveformBufferLimit?: number;
}

export interface StationVitalsStats {
  lastSeq: number;
  ackedSeq: number;
  itemsSent: number;
  itemsReplayed: number;
  /** Unacked items the capacity pushed out (sent or not; a resume across them reports them lost). */
  evictedUnacked: number;
  waveformChunksSent: number;
  /** Dropped because the channel's buffer was over the limit (backpressure). */
  waveformChunksDropped: number;
  /** Not sent because no clinician was listening (before the hello, or between connections). */
  waveformChunksUnheard: number;
  rejectedMessages: number;
  /** Whether a clinician has said hello on the current connection. */
  clinicianPresent: boolean;
}

export const DEFAULT_LOG_CAPACITY = 20_000;
export const DEFAULT_WAVEFORM_BUFFER_LIMIT = 64 * 1024;
/** Handled clinician ids remembered for de-duplication. */
const MAX_REMEMBERED_IDS = 2_000;
/** `{"type":"item","seq":<16 digits>,"body":…}` around the body. */
const ITEM_ENVELOPE_CHARS = 48;

export class StationVitalsLink {
  private readonly log: ReplayLog<ItemBody>;
  private readonly handledIds = new Set<string>();
  private readonly latestReadings = new Map<string, StationReading>();
  private devices: readonly DeviceInfo[] = [];
  private alarms: ConsultAlarms | null = null;
  private news2: News2StatePayload | null = null;
  /** Undefined until the station's screen has said anything about the patient. */
  private patient: CurrentPatient | null | undefined = undefined;
  private clinicianPresent = false;
  private unansweredHello: Extract<ClinicianMessage, { type: 'hello' }> | null = null;
  private ackedSeq = 0;
  private itemsSent = 0;
  private itemsReplayed = 0;
  private waveformChunksSent = 0;
  private waveformChunksDropped = 0;
  private waveformChunksUnheard = 0;
  private rejectedMessages = 0;

  constructor(private readonly options: StationVitalsLinkOptions) {
    this.log = new ReplayLog(options.logCapacity ?? DEFAULT_LOG_CAPACITY);
  }

  get stats(): StationVitalsStats {
    return {
      lastSeq: this.log.lastSeq,
      ackedSeq: this.ackedSeq,
      itemsSent: this.itemsSent,
      itemsReplayed: this.itemsReplayed,
      evictedUnacked: this.log.droppedUnacked,
      waveformChunksSent: this.waveformChunksSent,
      waveformChunksDropped: this.waveformChunksDropped,
      waveformChunksUnheard: this.waveformChunksUnheard,
      rejectedMessages: this.rejectedMessages,
      clinicianPresent: this.clinicianPresent,
    };
  }

  /**
   * A (new) connection opened: no item goes on it until the clinician's hello says where it stands.
   * That hello may already be here: data can arrive before this end reports the channel open.
   */
  channelOpened(): void {
    this.clinicianPresent = false;
    const early = this.unansweredHello;
    this.unansweredHello = null;
    if (early) this.greet(early);
  }

  channelClosed(): void {
    this.clinicianPresent = false;
    this.unansweredHello = null;
  }

  publishReadings(readings: readonly StationReading[]): void {
    for (const reading of readings) this.latestReadings.set(`${reading.deviceId}\u0000${reading.metric}`, reading);
    for (let start = 0; start < readings.length; start += MAX_READINGS_PER_ITEM) {
      this.publish({ kind: 'readings', readings: readings.slice(start, start + MAX_READINGS_PER_ITEM) });
    }
  }

  publishDevices(devices: readonly DeviceInfo[]): void {
    this.devices = devices;
    this.publish({ kind: 'devices', devices: [...devices] });
  }

  publishAlarms(alarms: ConsultAlarms): void {
    this.alarms = alarms;
    this.publish({ kind: 'alarms', alarms });
  }

  publishNews2(news2: News2StatePayload): void {
    const trimmed = { ...news2, trend: news2.trend.slice(-MAX_NEWS2_TREND_SENT) };
    this.news2 = trimmed;
    this.publish({ kind: 'news2', news2: trimmed });
  }

  /** Who the patient is, or null while the station's screen is asking (after a change of patient). */
  publishPatient(patient: CurrentPatient | null): void {
    this.patient = patient;
    this.publish({ kind: 'patient', patient });
  }

  /** A chat line typed at the station. */
  publishChat(id: string, text: string): void {
    this.publish({ kind: 'chat', id, from: 'station', text, at: this.options.now() });
  }

  publishMeasurementStatus(requestId: string, deviceId: string, status: MeasurementRequestStatus, detail: string | null = null): void {
    this.publish({ kind: 'measurement', requestId, deviceId, status, detail });
  }

  /** Settles a snapshot: its resent chunks are ignored from now on. */
  publishSnapshotSaved(snapshotId: string, ok: boolean, detail: string | null = null): void {
    this.firstTime(`snapshot:${snapshotId}`);
    this.publish({ kind: 'snapshot-saved', snapshotId, ok, detail });
  }

  publishAlarmAcknowledgement(requestId: string, alarmId: string, ok: boolean, detail: string | null = null): void {
    this.publish({ kind: 'alarm-acknowledged', requestId, alarmId, ok, detail: detail?.slice(0, 500) ?? null });
  }

  /**
   * The clinician's note as the records keep it, answering `inReplyTo`. The newest addenda that fit
   * in one message go with it (a long note leaves less room); the note itself always goes.
   */
  publishNote(note: VisitNote | null, addenda: readonly VisitNote[], inReplyTo: ConsultNoteItem['inReplyTo'], problem: string | null = null): void {
    const sent = addenda.slice(-MAX_NOTE_ADDENDA_SENT);
    const item = (): ConsultNoteItem => ({ kind: 'note', note, addenda: sent, inReplyTo, problem: problem?.slice(0, 500) ?? null });
    while (sent.length > 0 && JSON.stringify(item()).length + ITEM_ENVELOPE_CHARS > MAX_VITALS_MESSAGE_CHARS) sent.shift();
    this.publish(item());
  }

  /** Unsequenced: sent only while a clinician listens and the channel is not backed up. */
  publishWaveform(batch: WaveformBatch): void {
    for (let start = 0; start < batch.samples.length; start += MAX_WAVEFORM_SAMPLES) {
      const samples = batch.samples.slice(start, start + MAX_WAVEFORM_SAMPLES);
      if (!this.clinicianPresent) {
        this.waveformChunksUnheard++;
        continue;
      }
      if (this.options.channel.bufferedAmount() > (this.options.waveformBufferLimit ?? DEFAULT_WAVEFORM_BUFFER_LIMIT)) {
        this.waveformChunksDropped++;
        continue;
      }
      const startedAt = batch.startedAt + (start * 1000) / batch.rateHz;
      const message: StationMessage = { type: 'waveform', deviceId: batch.deviceId, metric: batch.metric, rateHz: batch.rateHz, startedAt, ...encodeSamples(samples) };
      if (this.send(message)) this.waveformChunksSent++;
      else this.waveformChunksDropped++;
    }
  }

  /** Text from the data channel. */
  receive(text: unknown): void {
    const parsed = parseClinicianMessage(text);
    if (!parsed.ok) {
      this.reject(parsed.error);
      return;
    }
    this.handle(parsed.message);
  }

  private handle(message: ClinicianMessage): void {
    switch (message.type) {
      case 'hello':
        this.greet(message);
        return;
      case 'ack':
        if (!this.log.ack(message.seq)) this.reject(`ack of seq ${message.seq}, beyond the last one sent (${this.log.lastSeq})`);
        else this.ackedSeq = Math.max(this.ackedSeq, message.seq);
        return;
      case 'request-measurement':
        if (this.firstTime(`measure:${message.requestId}`)) this.options.onAction({ kind: 'request-measurement', requestId: message.requestId, deviceId: message.deviceId });
        return;
      case 'chat':
        if (!this.firstTime(`chat:${message.id}`)) return;
        // The echo is the clinician's confirmation and the station's record of the line, in order.
        this.publish({ kind: 'chat', id: message.id, from: 'clinician', text: message.text, at: this.options.now() });
        this.options.onAction({ kind: 'chat', id: message.id, text: message.text });
        return;
      case 'acknowledge-alarm':
        if (this.firstTime(`acknowledge:${message.requestId}`)) this.options.onAction({ kind: 'acknowledge-alarm', requestId: message.requestId, alarmId: message.alarmId });
        return;
      case 'snapshot-chunk': {
        // Chunks resent after a reconnect for a snapshot already settled are not stored twice.
        if (this.handledIds.has(`snapshot:${message.snapshotId}`)) return;
        const { type: _type, ...chunk } = message;
        this.options.onAction({ kind: 'snapshot-chunk', chunk });
        return;
      }
      case 'note-open':
        this.options.onAction({ kind: 'note-open' });
        return;
      case 'note-draft':
        this.options.onAction({ kind: 'note-draft', revision: message.revision, sections: message.sections });
        return;
      case 'note-sign':
        if (this.firstTime(`note:${message.requestId}`)) this.options.onAction({ kind: 'note-sign', requestId: message.requestId, noteId: message.noteId, revision: message.revision });
        return;
      case 'note-addendum':
        if (this.firstTime(`note:${message.requestId}`)) this.options.onAction({ kind: 'note-addendum', requestId: message.requestId, noteId: message.noteId, text: message.text });
        return;
    }
  }

  private greet(hello: Extract<ClinicianMessage, { type: 'hello' }>): void {
    const version = negotiateVersion(hello.versions);
    if (version === null) {
      this.send({ type: 'incompatible', supported: [...VITALS_PROTOCOL_VERSIONS] });
      return;
    }
    const resume = hello.resume?.epoch === this.options.epoch ? hello.resume.lastSeq : null;
    const plan = resume === null ? null : this.log.after(resume);
    const base = { type: 'welcome', version, epoch: this.options.epoch, now: this.options.now(), helloSentAt: hello.sentAt } as const;
    if (plan?.kind === 'replay') {
      if (!this.send({ ...base, resumeFrom: resume!, lost: 0 })) {
        this.unansweredHello = hello;
        return;
      }
      this.clinicianPresent = true;
      for (const item of plan.items) {
        if (!this.send({ type: 'item', seq: item.seq, body: item.body })) {
          this.clinicianPresent = false;
          return;
        }
        this.itemsReplayed++;
        this.options.onItemSent?.(item.seq, item.body);
      }
      return;
    }
    // A fresh page, another epoch or a gap the log cannot fill: what is current replaces the history.
    if (!this.send({ ...base, resumeFrom: this.log.lastSeq, lost: plan?.kind === 'gap' ? plan.lost : 0 })) {
      this.unansweredHello = hello;
      return;
    }
    this.clinicianPresent = true;
    if (this.patient !== undefined) this.publishPatient(this.patient);
    this.publishDevices(this.devices);
    if (this.latestReadings.size > 0) this.publishReadings([...this.latestReadings.values()]);
    if (this.alarms) this.publishAlarms(this.alarms);
    if (this.news2) this.publishNews2(this.news2);
  }

  private publish(body: ItemBody): void {
    // An item too large to ever send must not enter the log, or every replay would stall on it.
    const size = JSON.stringify(body).length + ITEM_ENVELOPE_CHARS;
    if (size > MAX_VITALS_MESSAGE_CHARS) {
      this.options.onProblem?.(`a ${body.kind} item of ${size} characters was not published (limit ${MAX_VITALS_MESSAGE_CHARS})`);
      return;
    }
    const item = this.log.append(body);
    if (!this.clinicianPresent) return;
    if (this.send({ type: 'item', seq: item.seq, body })) {
      this.itemsSent++;
      this.options.onItemSent?.(item.seq, body);
    } else {
      // The log keeps it; the clinician's next hello gets it replayed.
      this.clinicianPresent = false;
    }
  }

  private send(message: StationMessage): boolean {
    const text = JSON.stringify(message);
    if (text.length > MAX_VITALS_MESSAGE_CHARS) {
      this.options.onProblem?.(`a ${message.type} message of ${text.length} characters was not sent (limit ${MAX_VITALS_MESSAGE_CHARS})`);
      return false;
    }
    try {
      return this.options.channel.send(text);
    } catch (error) {
      this.options.onProblem?.(`sending failed: ${logError(error)}`);
      return false;
    }
  }

  private reject(reason: string): void {
    this.rejectedMessages++;
    this.options.onProblem?.(`clinician message rejected: ${logText(reason)}`);
    if (this.clinicianPresent) this.send({ type: 'error', message: reason.slice(0, 500) });
  }

  /** True the first time an id is seen; remembers a bounded number of them. */
  private firstTime(key: string): boolean {
    if (this.handledIds.has(key)) return false;
    this.handledIds.add(key);
    if (this.handledIds.size > MAX_REMEMBERED_IDS) this.handledIds.delete(this.handledIds.values().next().value!);
    return true;
  }
}
