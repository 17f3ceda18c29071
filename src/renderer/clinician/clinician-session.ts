/**
 * The clinician page's view of the patient's station during a visit, fed by the call's data channel
 * through a ClinicianVitalsLink. Numerics, device states and waveforms reach a StationStore through
 * a StationApi made from the link (RemoteStationApi), so the page shows them with the station's own
 * tile rules: a value that is old, from a disconnected device or invalid never shows as current.
 * Who the patient is, chat, measurement-request progress, alarms and NEWS2 are kept here for the panel; acknowledging an
 * alarm goes to the station core, which judges it as the remote physician's (and may refuse).
 */
import {
  StationCallError,
  type DeviceInfo,
  type EventPayload,
  type FrameBatch,
  type MethodInput,
  type MethodOutput,
  type StationApi,
  type StationEventName,
  type StationMethodName,
} from '../../shared/contract';
import type { News2StatePayload } from '../../shared/contract-clinical';
import type { CurrentPatient } from '../../shared/contract-records';
import { ClinicianVitalsLink, type ClinicianVitalsStats } from '../../shared/consult/clinician-vitals-link';
import type { ConsultAlarms, ItemBody, MeasurementRequestStatus } from '../../shared/consult/vitals-protocol';
import type { CallDataChannel } from '../consult/peer-data-channel';
import type { ChatPanelLine } from '../consult/ChatPanel';
import type { NoteSections, VisitNote } from '../../shared/visit-notes';
import { browserEnvironment, StationStore, type StoreEnvironment } from '../station/station-store';

export interface RequestView {
  requestId: string;
  status: MeasurementRequestStatus | 'sending';
  detail: string | null;
}

export interface ClinicianSessionView {
  /** The station answered this connection's hello. */
  linked: boolean;
  /** The station answered a hello at least once: not linked now means the link was lost. */
  everLinked: boolean;
  incompatible: boolean;
  /** The station's patient banner, null until the station says (or while it asks after a change of patient). */
  patient: CurrentPatient | null;
  /** Items the station could no longer send (its log overflowed while this page was away). */
  lost: number;
  chat: readonly ChatPanelLine[];
  /** The newest request per device. */
  requests: ReadonlyMap<string, RequestView>;
  alarms: ConsultAlarms | null;
  /** The station's refusal of this page's last acknowledgement, in its words. */
  acknowledgeError: string | null;
  news2: News2StatePayload | null;
  snapshot: { state: 'idle' | 'sending' | 'saved' | 'failed'; detail: string | null };
  /** This clinician's visit note as the station keeps it. */
  note: ClinicianNoteView;
  stats: ClinicianVitalsStats;
}

export interface ClinicianNoteView {
  /** The station has answered with the note (after this page's first welcome). */
  loaded: boolean;
  note: VisitNote | null;
  addenda: readonly VisitNote[];
  /** The station's refusal of the last note message, or a draft too long to send. */
  problem: string | null;
}

declare global {
  interface Window {
    /** Installed by tests and benchmarks: every item this page applied, once each. */
    __vitalbridgeVitalsReceived?: (seq: number, body: ItemBody) => void;
  }
}

const MAX_CHAT_LINES = 200;

/** The StationApi the StationStore reads: events from the link, snapshot from what is known so far. */
class RemoteStationApi implements StationApi {
  private readonly listeners = new Map<StationEventName, Set<(payload: never) => void>>();

  constructor(private readonly session: ClinicianSession) {}

  on<E extends StationEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<E extends StationEventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (payload: EventPayload<E>) => void)(payload);
  }

  async invoke<M extends StationMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    if (method === 'getSnapshot') {
      // Readings follow as items; the snapshot carries the clock, aligned by the hello round trip.
      return { devices: [...this.session.devices], latest: [], now: this.session.stationNow() } as MethodOutput<M>;
    }
    if (method === 'requestMeasurement') {
      this.session.requestMeasurement((input as MethodInput<'requestMeasurement'>).deviceId);
      return undefined as MethodOutput<M>;
    }
    throw new StationCallError({ code: 'unknown-method', message: `${method} is not available to the clinician` });
  }
}

export class ClinicianSession {
  private readonly link: ClinicianVitalsLink;
  private readonly api = new RemoteStationApi(this);
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  private clockOffset = 0;
  private storeInstance: StationStore | null = null;
  private linked = false;
  private everLinked = false;
  private incompatible = false;
  private lost = 0;
  private patient: CurrentPatient | null = null;
  private chat: ChatPanelLine[] = [];
  private requests = new Map<string, RequestView>();
  private alarms: ConsultAlarms | null = null;
  /** Request id → alarm id, until the station answers. */
  private acknowledging = new Map<string, string>();
  private acknowledgeError: string | null = null;
  private news2: News2StatePayload | null = null;
  private snapshot: ClinicianSessionView['snapshot'] = { state: 'idle', detail: null };
  private pendingSnapshotId: string | null = null;
  private note: ClinicianNoteView = { loaded: false, note: null, addenda: [], problem: null };
  private view: ClinicianSessionView;
  devices: readonly DeviceInfo[] = [];

  constructor(
    private readonly channel: CallDataChannel,
    private readonly environment: StoreEnvironment = browserEnvironment,
  ) {
    this.link = new ClinicianVitalsLink({
      channel,
      now: () => environment.localNow(),
      newId: () => crypto.randomUUID(),
      onWelcome: (welcome) => {
        this.clockOffset = welcome.clockOffsetMs;
        this.linked = true;
        this.everLinked = true;
        this.lost += welcome.lost;
        // A fresh page (or a reloaded station screen) asks for the note the station keeps: a reload loses no draft.
        if (welcome.newEpoch) this.link.openNote();
        // Created once the station clock is known: the store aligns to it from its snapshot.
        if (!this.storeInstance) {
          this.storeInstance = new StationStore(this.api, environment);
          void this.storeInstance.start();
        }
        this.changed();
      },
      onItem: (seq, body) => {
        this.apply(body);
        const hook = window.__vitalbridgeVitalsReceived;
        if (typeof hook === 'function') hook(seq, body);
      },
      onWaveform: (batch) => this.api.emit('frame', { readings: [], waveforms: [batch] }),
      onIncompatible: () => {
        this.incompatible = true;
        this.changed();
      },
      onProblem: (message) => console.warn(`[vitals] ${message}`),
    });
    this.view = this.computeView();
  }

  /** The station's screen store, once the station has answered. */
  get store(): StationStore | null {
    return this.storeInstance;
  }

  start(): void {
    this.cleanups.push(
      this.channel.onOpen(() => this.link.channelOpened()),
      this.channel.onClose(() => {
        this.link.channelClosed();
        this.linked = false;
        this.changed();
      }),
      this.channel.onMessage((text) => this.link.receive(text)),
    );
    if (this.channel.isOpen) this.link.channelOpened();
  }

  stop(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  dispose(): void {
    this.stop();
    this.storeInstance?.dispose();
    this.listeners.clear();
  }

  stationNow(): number {
    return this.environment.localNow() + this.clockOffset;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): ClinicianSessionView => this.view;

  requestMeasurement(deviceId: string): void {
    const requestId = this.link.requestMeasurement(deviceId);
    this.requests = new Map(this.requests).set(deviceId, { requestId, status: 'sending', detail: null });
    this.changed();
  }

  acknowledgeAlarm(alarmId: string): void {
    // A second click while the first is on its way would only earn a refusal.
    if ([...this.acknowledging.values()].includes(alarmId)) return;
    const requestId = this.link.acknowledgeAlarm(alarmId);
    this.acknowledging = new Map(this.acknowledging).set(requestId, alarmId);
    this.acknowledgeError = null;
    this.changed();
  }

  sendChat(text: string): void {
    const id = this.link.sendChat(text);
    this.addChat({ id, author: 'me', text: text.trim(), at: this.stationNow(), pending: true });
  }

  sendSnapshot(png: Uint8Array): void {
    this.pendingSnapshotId = this.link.sendSnapshot(png, this.stationNow());
    this.snapshot = { state: 'sending', detail: null };
    this.changed();
  }

  /** Asks the station again for the kept note (after it could not give it). */
  reloadNote(): void {
    this.link.openNote();
  }

  /** Autosave of the note editor; the station's `note` item confirms the revision. */
  saveNoteDraft(sections: NoteSections, revision: number): void {
    this.noteRequest(() => this.link.saveNoteDraft(sections, revision));
  }

  signNote(noteId: string, revision: number): void {
    this.noteRequest(() => this.link.signNote(noteId, revision));
  }

  addNoteAddendum(noteId: string, text: string): void {
    this.noteRequest(() => this.link.addNoteAddendum(noteId, text));
  }

  /** Sends a note message; one too long for the channel is refused here, with the reason shown. */
  private noteRequest(send: () => unknown): void {
    try {
      send();
      if (this.note.problem === null) return;
      this.note = { ...this.note, problem: null };
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      this.note = { ...this.note, problem: error.message };
    }
    this.changed();
  }

  private apply(body: ItemBody): void {
    switch (body.kind) {
      case 'readings': {
        const frame: FrameBatch = { readings: body.readings, waveforms: [] };
        this.api.emit('frame', frame);
        return;
      }
      case 'devices':
        this.devices = body.devices;
        this.api.emit('devices', body.devices);
        this.changed();
        return;
      case 'alarms':
        this.alarms = body.alarms;
        break;
      case 'news2':
        this.news2 = body.news2;
        break;
      case 'patient':
        this.patient = body.patient;
        break;
      case 'chat': {
        const mine = body.from === 'clinician';
        const line: ChatPanelLine = { id: body.id, author: mine ? 'me' : 'them', text: body.text, at: body.at };
        if (mine && this.chat.some((existing) => existing.id === body.id)) this.chat = this.chat.map((existing) => (existing.id === body.id ? line : existing));
        else this.addChat(line);
        break;
      }
      case 'measurement': {
        const current = this.requests.get(body.deviceId);
        // A later request for the same device supersedes an older one's news.
        if (!current || current.requestId === body.requestId) this.requests = new Map(this.requests).set(body.deviceId, { requestId: body.requestId, status: body.status, detail: body.detail });
        break;
      }
      case 'alarm-acknowledged': {
        if (!this.acknowledging.has(body.requestId)) return;
        this.acknowledging = new Map(this.acknowledging);
        this.acknowledging.delete(body.requestId);
        if (!body.ok) this.acknowledgeError = `The station did not accept the acknowledgement: ${body.detail ?? 'no reason given'}`;
        break;
      }
      case 'snapshot-saved':
        if (body.snapshotId === this.pendingSnapshotId) this.snapshot = { state: body.ok ? 'saved' : 'failed', detail: body.detail };
        break;
      case 'note':
        // A refusal that could not read the note back says nothing about it: what is shown stays,
        // and a note never loaded stays so (typing over a draft not yet seen would lose the kept one).
        this.note = body.note === null && body.problem !== null ? { ...this.note, problem: body.problem } : { loaded: true, note: body.note, addenda: body.addenda, problem: body.problem };
        break;
    }
    this.changed();
  }

  private addChat(line: ChatPanelLine): void {
    this.chat = [...this.chat, line].slice(-MAX_CHAT_LINES);
    this.changed();
  }

  private computeView(): ClinicianSessionView {
    return {
      linked: this.linked,
      everLinked: this.everLinked,
      incompatible: this.incompatible,
      patient: this.patient,
      lost: this.lost,
      chat: this.chat,
      requests: this.requests,
      alarms: this.alarms,
      acknowledgeError: this.acknowledgeError,
      news2: this.news2,
      snapshot: this.snapshot,
      note: this.note,
      stats: this.link.stats,
    };
  }

  private changed(): void {
    this.view = this.computeView();
    for (const listener of this.listeners) listener();
  }
}
