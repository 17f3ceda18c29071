/**
 * The station screen's side of live vitals during a visit: it listens to the station core
 * (StationApi `frame`, `devices`, and `alarms` / `news2` where the core has them) and publishes them
 * on the call's data channel through a StationVitalsLink, with who the patient is (the banner's
 * answer, as this screen may see it), and it carries out what the clinician asks.
 *
 * Measurement requests need a person at the station to confirm: a remote click must never inflate
 * a cuff on an arm that is not ready (or not in it). The request shows as a banner naming the device
 * and what the patient should do; the nurse or the patient starts it, or declines it. Each request
 * and what became of it goes on to the core (recordMeasurementRequest), in order, for the visit
 * summary; a core that could not keep it is reported, and the request goes on all the same.
 *
 * The clinician's visit note: each draft, signature and addendum goes on to the core
 * (clinician-note-relay.ts), which keeps it in the records as the visit's clinician.
 *
 * Snapshots: the clinician's page captures a still of the patient video and sends it here in chunks;
 * each chunk goes on to the core (saveVisitSnapshot), which checks and keeps the PNG with the visit.
 */
import type { DeviceInfo, MethodInput, StationApi } from '../../shared/contract';
import type { AlarmStatePayload } from '../../shared/contract-clinical';
import { MAX_ALARMS_SENT, type ConsultAlarms, type ItemBody } from '../../shared/consult/vitals-protocol';
import { StationVitalsLink, type ClinicianAction, type StationVitalsStats } from '../../shared/consult/station-vitals-link';
import { CurrentPatientFeed } from '../patient/use-current-patient';
import type { CallDataChannel } from './peer-data-channel';
import { ClinicianNoteRelay } from './clinician-note-relay';

export interface MeasurementRequestView {
  requestId: string;
  deviceId: string;
  deviceName: string;
  /** What the person at the station does before starting. */
  instruction: string;
  state: 'waiting' | 'starting' | 'failed';
  error: string | null;
}

export interface ChatLine {
  id: string;
  from: 'station' | 'clinician' | 'notice';
  text: string;
  at: number;
}

export interface PublisherView {
  requests: readonly MeasurementRequestView[];
  chat: readonly ChatLine[];
  stats: StationVitalsStats;
}

declare global {
  interface Window {
    /** Installed by tests and benchmarks: every item the station put on the channel (first send or replay). */
    __vitalbridgeVitalsSent?: (seq: number, body: ItemBody) => void;
  }
}

const MAX_CHAT_LINES = 200;

/** Words for the person at the station, by what the device measures. */
function instructionFor(device: DeviceInfo): string {
  const name = device.name.toLowerCase();
  if (/blood pressure|cuff|bp|omron/.test(name)) return 'Sit upright with both feet on the floor, cuff on the bare upper arm at heart level, arm resting. Stay still and quiet until it finishes.';
  if (/scale|weight/.test(name)) return 'Step onto the scale and stand still until the weight shows.';
  if (/thermometer|temperature/.test(name)) return 'Place the thermometer as shown on it and hold still until it beeps.';
  return `Get ready for the ${device.name} measurement as its instructions say.`;
}

const newId = (): string => crypto.randomUUID();

export class VitalsPublisher {
  private readonly link: StationVitalsLink;
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  private devices: readonly DeviceInfo[] = [];
  private requests: MeasurementRequestView[] = [];
  private chat: ChatLine[] = [];
  private view: PublisherView;
  private snapshotQueue: Promise<void> = Promise.resolve();
  private requestRecords: Promise<void> = Promise.resolve();
  private readonly notes: ClinicianNoteRelay;
  private stopped = false;

  constructor(
    private readonly api: StationApi,
    private readonly channel: CallDataChannel,
    /** The visit the clinician joined: their alarm acknowledgements are recorded as theirs, by this visit. */
    private readonly visitId: string,
    private readonly onProblem: (message: string) => void = (message) => console.warn(`[vitals] ${message}`),
  ) {
    this.link = new StationVitalsLink({
      channel,
      now: () => Date.now(),
      epoch: newId(),
      onAction: (action) => this.handle(action),
      onProblem: (message) => this.onProblem(message),
      onItemSent: (seq, body) => {
        const hook = window.__vitalbridgeVitalsSent;
        if (typeof hook === 'function') hook(seq, body);
      },
    });
    this.notes = new ClinicianNoteRelay(api, this.link, visitId, () => this.stopped);
    this.view = this.computeView();
  }

  /**
   * Subscribes to the station and the channel, then primes the link with what is current so a
   * clinician joining now sees it at once. start() after stop() resumes with the same numbering.
   */
  async start(): Promise<void> {
    this.stopped = false;
    const { api, channel } = this;
    this.cleanups.push(
      channel.onOpen(() => this.link.channelOpened()),
      channel.onClose(() => {
        this.link.channelClosed();
        this.changed();
      }),
      channel.onMessage((text) => {
        this.link.receive(text);
        this.changed();
      }),
      api.on('devices', (devices) => this.setDevices(devices)),
      api.on('frame', (frame) => {
        if (frame.readings.length > 0) this.link.publishReadings(frame.readings);
        for (const batch of frame.waveforms) this.link.publishWaveform(batch);
      }),
      // Stations without the clinical services never fire these two.
      api.on('alarms', (state) => this.link.publishAlarms(toConsultAlarms(state, Date.now()))),
      api.on('news2', (state) => this.link.publishNews2(state)),
    );
    const patient = new CurrentPatientFeed(api);
    // Unsubscribed before the feed stops: its stop forgets the patient, which is no news for the clinician.
    this.cleanups.push(
      patient.subscribe(() => this.link.publishPatient(patient.current())),
      patient.start(),
    );
    if (channel.isOpen) this.link.channelOpened();
    try {
      const snapshot = await this.api.invoke('getSnapshot', undefined);
      if (this.stopped) return;
      if (this.devices.length === 0) this.setDevices(snapshot.devices);
      if (snapshot.latest.length > 0) this.link.publishReadings(snapshot.latest);
    } catch (error) {
      this.onProblem(`no snapshot for the clinician: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      const clinical = await this.api.invoke('getClinicalState', undefined);
      if (this.stopped) return;
      this.link.publishAlarms(toConsultAlarms(clinical.alarms, Date.now()));
      this.link.publishNews2(clinical.news2);
    } catch {
      // A station without the clinical services: numerics only.
    }
  }

  stop(): void {
    this.stopped = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): PublisherView => this.view;

  sendChat(text: string): void {
    const trimmed = text.trim();
    if (trimmed.length === 0) return;
    const id = newId();
    this.link.publishChat(id, trimmed.slice(0, 1_000));
    this.addChat({ id, from: 'station', text: trimmed.slice(0, 1_000), at: Date.now() });
  }

  async confirmRequest(requestId: string): Promise<void> {
    const request = this.requests.find((candidate) => candidate.requestId === requestId);
    if (!request || request.state === 'starting') return;
    this.updateRequest(requestId, { state: 'starting', error: null });
    try {
      await this.api.invoke('requestMeasurement', { deviceId: request.deviceId });
      this.link.publishMeasurementStatus(requestId, request.deviceId, 'started');
      this.recordRequest(requestId, request.deviceId, 'started');
      this.requests = this.requests.filter((candidate) => candidate.requestId !== requestId);
      this.changed();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.link.publishMeasurementStatus(requestId, request.deviceId, 'failed', message.slice(0, 500));
      this.recordRequest(requestId, request.deviceId, 'failed', message);
      this.updateRequest(requestId, { state: 'failed', error: message });
    }
  }

  declineRequest(requestId: string): void {
    const request = this.requests.find((candidate) => candidate.requestId === requestId);
    if (!request) return;
    if (request.state !== 'failed') this.link.publishMeasurementStatus(requestId, request.deviceId, 'declined', 'Declined at the station');
    this.recordRequest(requestId, request.deviceId, 'declined', 'Declined at the station');
    this.requests = this.requests.filter((candidate) => candidate.requestId !== requestId);
    this.changed();
  }

  private setDevices(devices: readonly DeviceInfo[]): void {
    this.devices = devices;
    this.link.publishDevices(devices);
  }

  private handle(action: ClinicianAction): void {
    switch (action.kind) {
      case 'chat':
        this.addChat({ id: action.id, from: 'clinician', text: action.text, at: Date.now() });
        return;
      case 'request-measurement': {
        const device = this.devices.find((candidate) => candidate.id === action.deviceId);
        this.recordRequest(action.requestId, action.deviceId, 'requested');
        if (!device || !device.canRequestMeasurement) {
          const reason = device ? `${device.name} cannot be started from the station` : 'That device is not connected to the station';
          this.link.publishMeasurementStatus(action.requestId, action.deviceId, 'failed', reason);
          this.recordRequest(action.requestId, action.deviceId, 'failed', reason);
          return;
        }
        this.link.publishMeasurementStatus(action.requestId, device.id, 'awaiting-confirmation');
        this.requests = [...this.requests, { requestId: action.requestId, deviceId: device.id, deviceName: device.name, instruction: instructionFor(device), state: 'waiting', error: null }];
        this.changed();
        return;
      }
      case 'acknowledge-alarm':
        void this.acknowledgeForClinician(action.requestId, action.alarmId);
        return;
      case 'note-open':
      case 'note-draft':
      case 'note-sign':
      case 'note-addendum':
        this.notes.handle(action);
        return;
      case 'snapshot-chunk':
        // One chunk at a time, in order: the core assembles them.
        this.snapshotQueue = this.snapshotQueue.then(async () => {
          if (this.stopped) return;
          try {
            const saved = await this.api.invoke('saveVisitSnapshot', { ...action.chunk, visitId: this.visitId });
            if (!saved.complete) return;
            this.link.publishSnapshotSaved(action.chunk.snapshotId, true);
            this.addChat({ id: newId(), from: 'notice', text: 'The clinician saved a still of the video to this visit.', at: Date.now() });
          } catch (error) {
            this.link.publishSnapshotSaved(action.chunk.snapshotId, false, (error instanceof Error ? error.message : String(error)).slice(0, 500));
          }
        });
        return;
    }
  }

  /** The core applies the role matrix to the remote physician and refuses unknown alarms; either way the clinician hears back. */
  private async acknowledgeForClinician(requestId: string, alarmId: string): Promise<void> {
    try {
      await this.api.invoke('acknowledgeAlarm', { alarmId, forRemoteClinician: { visitId: this.visitId } });
      if (!this.stopped) this.link.publishAlarmAcknowledgement(requestId, alarmId, true);
    } catch (error) {
      if (!this.stopped) this.link.publishAlarmAcknowledgement(requestId, alarmId, false, error instanceof Error ? error.message : String(error));
    }
  }

  /** One call at a time, in the order things happened: a request is kept before its outcome. */
  private recordRequest(requestId: string, deviceId: string, event: MethodInput<'recordMeasurementRequest'>['event'], reason?: string): void {
    const input = { visitId: this.visitId, requestId, deviceId, event, ...(reason === undefined ? {} : { reason: reason.slice(0, 500) }) };
    this.requestRecords = this.requestRecords
      .then(() => this.api.invoke('recordMeasurementRequest', input))
      .then(
        () => undefined,
        (error: unknown) => this.onProblem(`the measurement request was not kept for the visit summary: ${error instanceof Error ? error.message : String(error)}`),
      );
  }

  private addChat(line: ChatLine): void {
    this.chat = [...this.chat, line].slice(-MAX_CHAT_LINES);
    this.changed();
  }

  private updateRequest(requestId: string, patch: Partial<MeasurementRequestView>): void {
    this.requests = this.requests.map((request) => (request.requestId === requestId ? { ...request, ...patch } : request));
    this.changed();
  }

  private computeView(): PublisherView {
    return { requests: this.requests, chat: this.chat, stats: this.link.stats };
  }

  private changed(): void {
    this.view = this.computeView();
    for (const listener of this.listeners) listener();
  }
}

/** The presentation part of the station's alarm state as of `now`: what the clinician must see, not the log. */
export function toConsultAlarms(state: AlarmStatePayload, now: number): ConsultAlarms {
  return { now, alarms: state.alarms.slice(0, MAX_ALARMS_SENT), audiblePriority: state.audiblePriority, audioPause: state.audioPause };
}
