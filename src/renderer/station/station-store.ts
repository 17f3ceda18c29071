/**
 * Binds a StationApi to the screen: applies events to the StationModel, feeds waveform channels
 * without involving React, and offers React an external store whose view changes only when
 * something visible changed (devices, readings, a tile ageing into stale).
 */
import type { DeviceInfo, FrameBatch, StationApi, WaveformBatch } from '../../shared/contract';
import type { Metric } from '../../shared/vitals';
import { WaveformChannel } from '../waveform/waveform-channel';
import { setDisplayLocale, setDisplayUnits } from '../format/display-format';
import { isForbidden } from '../access/failure-text';
import { StationModel, type ReadingEntry, type TileView } from './station-model';
import type { TileSlot } from './tile-visibility';

export type WaveformMetric = WaveformBatch['metric'];

export interface StationView {
  version: number;
  /** Station time the view was computed for. */
  now: number;
  connection: { state: 'connecting' | 'connected' | 'failed'; message: string | null };
  devices: readonly DeviceInfo[];
  tiles: readonly TileView[];
  /** Which tiles the monitor shows, in their places. */
  monitorSlots: readonly TileSlot[];
}

/** A frame's readings as they reached the renderer, kept until the screen has shown them. */
export interface FrameArrival {
  version: number;
  /** Station time of arrival. */
  arrivedAt: number;
  /**
   * This machine's wall clock (Date.now) at arrival: on the station's own host it shares the
   * core's clock exactly, without the snapshot's clock-offset estimate, so latency can be timed.
   */
  arrivedAtWallClock: number;
  readings: readonly { deviceId: string; seq: number; metric: Metric; receivedAt: number }[];
}

export interface StoreEnvironment {
  /** Local milliseconds on the same scale as the station's wall clock (epoch based). */
  localNow(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const browserEnvironment: StoreEnvironment = {
  localNow: () => performance.timeOrigin + performance.now(),
  setTimer: (callback, delayMs) => window.setTimeout(callback, delayMs),
  clearTimer: (handle) => window.clearTimeout(handle as number),
};

/** Waveform history kept for drawing: one sweep plus margin. */
const WAVEFORM_RETAIN_MS = 12_000;
const MAX_PENDING_ARRIVALS = 600;
const SNAPSHOT_RETRY_MIN_MS = 1_000;
const SNAPSHOT_RETRY_MAX_MS = 15_000;

export class StationStore {
  private model = new StationModel();
  private readonly channels = new Map<WaveformMetric, WaveformChannel>();
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribers: (() => void)[] = [];
  private clockOffset = 0;
  private version = 0;
  private view: StationView | null = null;
  private connection: StationView['connection'] = { state: 'connecting', message: null };
  private expiryTimer: unknown = null;
  private retryTimer: unknown = null;
  private pendingArrivals: FrameArrival[] = [];
  private disposed = false;
  /** Bumped when the patient data is cleared, so a snapshot asked for before is not applied after. */
  private generation = 0;
  /** Set while a display loop paces notifications (see paceByFrames). */
  private framePaced = false;
  private notifiedThisFrame = false;
  private changeHeld = false;

  constructor(
    private readonly api: StationApi,
    private readonly environment: StoreEnvironment = browserEnvironment,
  ) {}

  /** Listens first and asks for the snapshot second, so nothing between the two is lost. */
  async start(): Promise<void> {
    this.unsubscribers.push(
      this.api.on('devices', (devices) => {
        this.model.setDevices(devices, this.stationNow());
        this.changed();
      }),
      this.api.on('frame', (frame) => this.applyFrame(frame)),
      this.api.on('monitorSettings', ({ alwaysShow }) => {
        this.model.setAlwaysShow(alwaysShow);
        this.changed();
      }),
    );
    await this.loadSnapshot(SNAPSHOT_RETRY_MIN_MS);
  }

  /** Asks for the snapshot again, e.g. once someone who may see the patient signed in or unlocked. */
  reload(): void {
    this.cancelRetry();
    void this.loadSnapshot(SNAPSHOT_RETRY_MIN_MS);
  }

  /**
   * Forgets every device, reading and waveform: the screen locked or signed out, and nothing of the
   * patient may stay in the page. The core sends none until someone who may see them is back.
   */
  clearPatientData(): void {
    this.generation++;
    this.cancelRetry();
    this.model = new StationModel();
    this.channels.clear();
    this.pendingArrivals = [];
    this.changed();
  }

  /**
   * Fetches the snapshot, retrying with backoff while the station cannot answer. A refusal is no
   * fault: nobody who may see the patient is signed in, and the access store reloads once someone is.
   */
  private async loadSnapshot(retryDelayMs: number): Promise<void> {
    const generation = this.generation;
    try {
      const requestedAt = this.environment.localNow();
      const snapshot = await this.api.invoke('getSnapshot', undefined);
      if (this.disposed || generation !== this.generation) return;
      const answeredAt = this.environment.localNow();
      // The station's clock stamps every reading; align to it, splitting the round trip evenly.
      this.clockOffset = snapshot.now - (requestedAt + answeredAt) / 2;
      setDisplayLocale(snapshot.locale ?? null);
      setDisplayUnits(snapshot.displayUnits ?? {});
      this.model.applySnapshot(snapshot, this.stationNow());
      this.connection = { state: 'connected', message: null };
    } catch (error) {
      if (this.disposed || generation !== this.generation) return;
      if (isForbidden(error)) {
        this.connection = { state: 'connected', message: null };
        this.changed();
        return;
      }
      this.connection = { state: 'failed', message: error instanceof Error ? error.message : String(error) };
      this.retryTimer = this.environment.setTimer(() => {
        this.retryTimer = null;
        void this.loadSnapshot(Math.min(retryDelayMs * 2, SNAPSHOT_RETRY_MAX_MS));
      }, retryDelayMs);
    }
    this.changed();
  }

  dispose(): void {
    this.disposed = true;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    if (this.expiryTimer !== null) this.environment.clearTimer(this.expiryTimer);
    this.cancelRetry();
    this.listeners.clear();
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.environment.clearTimer(this.retryTimer);
    this.retryTimer = null;
  }

  stationNow(): number {
    return this.environment.localNow() + this.clockOffset;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): StationView => {
    if (!this.view || this.view.version !== this.version) {
      const now = this.stationNow();
      this.view = {
        version: this.version,
        now,
        connection: this.connection,
        devices: this.model.devices,
        tiles: this.model.tiles(now),
        monitorSlots: this.model.monitorSlots(),
      };
    }
    return this.view;
  };

  history(metric: Metric): readonly ReadingEntry[] {
    return this.model.history(metric);
  }

  waveform(metric: WaveformMetric): WaveformChannel | null {
    return this.channels.get(metric) ?? null;
  }

  async requestMeasurement(deviceId: string): Promise<void> {
    await this.api.invoke('requestMeasurement', { deviceId });
  }

  /**
   * While paced, React hears of changes at most once per display frame: the first change after a
   * frame began is announced at once (React renders it between frames), later ones are held until
   * the next frame begins (frameStarted). Nothing waits an extra frame either way, since a change
   * arriving between two frames can only be painted by the second; a flood of frames from the
   * station just cannot become a flood of React renders.
   */
  paceByFrames(paced: boolean): void {
    this.framePaced = paced;
    if (!paced) this.frameStarted();
  }

  /** A display frame begins, before it draws: announces a change held back since the previous one. */
  frameStarted(): void {
    this.notifiedThisFrame = false;
    if (!this.changeHeld) return;
    this.changeHeld = false;
    this.notify();
  }

  /** Frames whose readings the view of `committedVersion` shows; they are removed from the queue. */
  takeShownArrivals(committedVersion: number): FrameArrival[] {
    const shown = this.pendingArrivals.filter((arrival) => arrival.version <= committedVersion);
    if (shown.length > 0) this.pendingArrivals = this.pendingArrivals.filter((arrival) => arrival.version > committedVersion);
    return shown;
  }

  private applyFrame(frame: FrameBatch): void {
    const arrivedAt = this.stationNow();
    for (const batch of frame.waveforms) {
      let channel = this.channels.get(batch.metric);
      if (!channel) {
        channel = new WaveformChannel(WAVEFORM_RETAIN_MS);
        this.channels.set(batch.metric, channel);
      }
      channel.append(batch, arrivedAt);
    }
    if (frame.readings.length === 0) return;
    this.model.applyFrame(frame);
    this.changed();
    this.pendingArrivals.push({
      version: this.version,
      arrivedAt,
      arrivedAtWallClock: Date.now(),
      readings: frame.readings.map(({ deviceId, seq, metric, receivedAt }) => ({ deviceId, seq, metric, receivedAt })),
    });
    // Nobody may be drawing (hidden page); keep the queue bounded.
    if (this.pendingArrivals.length > MAX_PENDING_ARRIVALS) this.pendingArrivals.splice(0, this.pendingArrivals.length - MAX_PENDING_ARRIVALS);
  }

  private changed(): void {
    this.version++;
    this.scheduleExpiry();
    this.notify();
  }

  private notify(): void {
    if (this.framePaced) {
      if (this.notifiedThisFrame) {
        this.changeHeld = true;
        return;
      }
      this.notifiedThisFrame = true;
    }
    for (const listener of this.listeners) listener();
  }

  private scheduleExpiry(): void {
    if (this.expiryTimer !== null) this.environment.clearTimer(this.expiryTimer);
    this.expiryTimer = null;
    const now = this.stationNow();
    const next = this.model.nextExpiry(now);
    if (next === null || this.disposed) return;
    this.expiryTimer = this.environment.setTimer(() => {
      this.expiryTimer = null;
      this.changed();
    }, next - now);
  }
}
