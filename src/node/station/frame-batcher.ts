/**
 * Turns the hub's stream of readings and waveform chunks into `frame` events for each consumer,
 * never one event per sample:
 * - numerics (readings, device list changes) are rare, a few per second per device, and a screen
 *   should show them as soon as it can: one arriving flushes everything pending, the waveform
 *   samples queued so far included, at the end of the current turn of the event loop. A numeric
 *   flood (a broken or hostile device) cannot turn this into an event per reading: at most
 *   `maxFlushesPerFrame` deliveries happen in any frame period, and numerics beyond that coalesce
 *   until the period admits the next one;
 * - pure waveform news goes out at most once per frame period, a frame after the previous delivery
 *   (at once after a quiet spell).
 * Every consumer has its own bounded queue, so one hidden window or slow socket (paused, or not
 * ready) coalesces its own backlog instead of slowing the others or growing without bound:
 * - live numerics are coalesced to the newest value per device and metric (a newer value replaces
 *   an older one; none is ever dropped without its replacement being delivered);
 * - stored numerics (device memory downloads, deviceTime set) are distinct records, never coalesced;
 * - waveform samples are capped per channel and the oldest samples go first.
 */
import type { DeviceInfo, EventPayload, StationEventName, StationReading, WaveformBatch } from '../../shared/contract';

/** Where a consumer's events go: an Electron window, a WebSocket, a test. */
export interface FrameSink {
  send<E extends StationEventName>(event: E, payload: EventPayload<E>): void;
  /** Polled before each delivery; false (socket buffer full, ...) keeps the queue coalescing. */
  isReady?(): boolean;
}

/** A consumer's handle: pause while hidden, resume when shown, close when gone. */
export interface FrameSubscription {
  pause(): void;
  resume(): void;
  close(): void;
}

export interface FrameBatcherOptions {
  /** Delivery period; one display frame by default. */
  frameMs?: number;
  /** Monotonic milliseconds; performance.now by default. */
  now?: () => number;
  /**
   * Deliveries allowed in any one frame period however many numerics arrive (at least 1); 3 by
   * default: the waveform cadence plus two devices' numerics landing in the same frame.
   */
  maxFlushesPerFrame?: number;
  /** Waveform samples kept per device channel for a consumer that is not taking them. */
  maxSamplesPerChannel?: number;
  /** Separate chunks kept per channel (gaps split chunks); older chunks go first. */
  maxChunksPerChannel?: number;
  /** Called when a sink throws; the subscription is closed so one broken consumer cannot stall the rest. */
  onSinkError?: (error: unknown) => void;
}

/** Per-frame limits of FrameBatchSchema; a larger backlog is spread over several frames. */
const MAX_READINGS_PER_FRAME = 10_000;
const MAX_WAVEFORMS_PER_FRAME = 1_000;

const channelKey = (deviceId: string, metric: string): string => `${deviceId}\u0000${metric}`;

class ConsumerQueue {
  paused = false;
  private devices: DeviceInfo[] | null = null;
  private readonly liveReadings = new Map<string, StationReading>();
  private storedReadings: StationReading[] = [];
  private readonly channels = new Map<string, { chunks: WaveformBatch[]; samples: number }>();

  constructor(
    readonly sink: FrameSink,
    private readonly maxSamplesPerChannel: number,
    private readonly maxChunksPerChannel: number,
  ) {}

  get hasPending(): boolean {
    return this.hasNumerics || this.channels.size > 0;
  }

  /** Readings or a device list are waiting: news that should not wait for the frame cadence. */
  get hasNumerics(): boolean {
    return this.devices !== null || this.liveReadings.size > 0 || this.storedReadings.length > 0;
  }

  /** Whether the sink can take a frame now; a sink whose check throws counts as ready, so delivery meets and reports the fault. */
  get isReady(): boolean {
    try {
      return this.sink.isReady?.() ?? true;
    } catch {
      return true;
    }
  }

  setDevices(devices: DeviceInfo[]): void {
    this.devices = devices;
  }

  addReading(reading: StationReading): void {
    if (reading.deviceTime !== null) {
      this.storedReadings.push(reading);
      return;
    }
    const key = channelKey(reading.deviceId, reading.metric);
    // Re-insert so the map's order stays the order of the newest values.
    this.liveReadings.delete(key);
    this.liveReadings.set(key, reading);
  }

  addWaveform(batch: WaveformBatch): void {
    if (batch.samples.length === 0) return;
    const key = channelKey(batch.deviceId, batch.metric);
    let channel = this.channels.get(key);
    if (!channel) {
      channel = { chunks: [], samples: 0 };
      this.channels.set(key, channel);
    }
    channel.chunks.push({ ...batch, samples: [...batch.samples] });
    channel.samples += batch.samples.length;
    this.trimOldest(channel);
  }

  private trimOldest(channel: { chunks: WaveformBatch[]; samples: number }): void {
    while (channel.chunks.length > this.maxChunksPerChannel) {
      const dropped = channel.chunks.shift();
      channel.samples -= dropped?.samples.length ?? 0;
    }
    while (channel.samples > this.maxSamplesPerChannel) {
      const oldest = channel.chunks[0];
      if (!oldest) break;
      const excess = channel.samples - this.maxSamplesPerChannel;
      if (oldest.samples.length <= excess) {
        channel.chunks.shift();
        channel.samples -= oldest.samples.length;
      } else {
        // Keep the chunk's tail; its first kept sample was taken `excess` sample periods later.
        oldest.samples = oldest.samples.slice(excess);
        oldest.startedAt += (excess * 1000) / oldest.rateHz;
        channel.samples -= excess;
      }
    }
  }

  /** Sends what is pending, within one frame's limits; leftovers wait for the next delivery. */
  flush(): void {
    if (this.devices !== null) {
      const devices = this.devices;
      this.devices = null;
      this.sink.send('devices', devices);
    }
    const readings = this.takeReadings();
    const waveforms = this.takeWaveforms();
    if (readings.length > 0 || waveforms.length > 0) this.sink.send('frame', { readings, waveforms });
  }

  private takeReadings(): StationReading[] {
    const stored = this.storedReadings.splice(0, MAX_READINGS_PER_FRAME);
    const room = MAX_READINGS_PER_FRAME - stored.length;
    const live: StationReading[] = [];
    for (const [key, reading] of this.liveReadings) {
      if (live.length >= room) break;
      live.push(reading);
      this.liveReadings.delete(key);
    }
    return [...stored, ...live].sort((a, b) => a.seq - b.seq);
  }

  private takeWaveforms(): WaveformBatch[] {
    const taken: WaveformBatch[] = [];
    for (const [key, channel] of this.channels) {
      const room = MAX_WAVEFORMS_PER_FRAME - taken.length;
      if (room <= 0) break;
      const chunks = channel.chunks.splice(0, room);
      taken.push(...chunks);
      channel.samples -= chunks.reduce((n, c) => n + c.samples.length, 0);
      if (channel.chunks.length === 0) this.channels.delete(key);
    }
    return taken;
  }
}

/** A delivery waiting to run: when it is due, and how to call it off. */
interface PendingDelivery {
  dueAt: number;
  cancel(): void;
}

export class FrameBatcher {
  private readonly frameMs: number;
  private readonly maxFlushesPerFrame: number;
  private readonly maxSamplesPerChannel: number;
  private readonly maxChunksPerChannel: number;
  private readonly now: () => number;
  private readonly consumers = new Set<ConsumerQueue>();
  private pending: PendingDelivery | null = null;
  /** When the last delivery ran, whether or not a consumer could take anything: the waveform cadence. */
  private lastRunAt = Number.NEGATIVE_INFINITY;
  /** When the last deliveries that sent something ran, oldest first, at most maxFlushesPerFrame: the flood cap. */
  private readonly recentFlushes: number[] = [];
  private lastDevices: DeviceInfo[] | null = null;

  constructor(private readonly options: FrameBatcherOptions = {}) {
    this.frameMs = options.frameMs ?? 16;
    const flushes = options.maxFlushesPerFrame ?? 3;
    this.maxFlushesPerFrame = Number.isFinite(flushes) ? Math.max(1, Math.floor(flushes)) : 3;
    this.now = options.now ?? (() => performance.now());
    this.maxSamplesPerChannel = options.maxSamplesPerChannel ?? 4_096;
    this.maxChunksPerChannel = options.maxChunksPerChannel ?? 256;
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  /** A new consumer first receives the current device list, then frames from now on. */
  subscribe(sink: FrameSink): FrameSubscription {
    const queue = new ConsumerQueue(sink, this.maxSamplesPerChannel, this.maxChunksPerChannel);
    this.consumers.add(queue);
    if (this.lastDevices) queue.setDevices(this.lastDevices);
    this.schedule();
    return {
      pause: () => {
        queue.paused = true;
      },
      resume: () => {
        queue.paused = false;
        this.schedule();
      },
      close: () => {
        this.consumers.delete(queue);
      },
    };
  }

  pushDevices(devices: DeviceInfo[]): void {
    this.lastDevices = devices;
    for (const queue of this.consumers) queue.setDevices(devices);
    this.schedule();
  }

  pushReading(reading: StationReading): void {
    for (const queue of this.consumers) queue.addReading(reading);
    this.schedule();
  }

  pushWaveform(batch: WaveformBatch): void {
    for (const queue of this.consumers) queue.addWaveform(batch);
    this.schedule();
  }

  close(): void {
    this.pending?.cancel();
    this.pending = null;
    this.consumers.clear();
  }

  /**
   * Keeps the earliest delivery that what is waiting deserves scheduled, and none while no
   * consumer that can take data has data waiting. Numerics for a consumer that can take them now
   * are due at once, within the flood cap; anything else a frame after the last delivery. "At
   * once" is the end of the current turn (setImmediate), not a microtask, so the outputs a driver
   * emits for one device report still travel in one frame.
   */
  private schedule(): void {
    const now = this.now();
    if (this.pending && this.pending.dueAt <= now) return;
    let dueAt = Number.POSITIVE_INFINITY;
    for (const queue of this.consumers) {
      if (queue.paused || !queue.hasPending) continue;
      dueAt = Math.min(dueAt, queue.hasNumerics && queue.isReady ? this.nextFlushAllowedAt() : this.lastRunAt + this.frameMs);
    }
    if (dueAt === Number.POSITIVE_INFINITY || (this.pending && this.pending.dueAt <= dueAt)) return;
    this.pending?.cancel();
    const run = () => {
      this.pending = null;
      this.deliver();
      this.schedule();
    };
    const wait = dueAt - now;
    if (wait <= 0) {
      const immediate = setImmediate(run);
      this.pending = { dueAt: now, cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(run, wait);
      this.pending = { dueAt, cancel: () => clearTimeout(timer) };
    }
  }

  /** The earliest moment a delivery keeps within maxFlushesPerFrame per frame period. */
  private nextFlushAllowedAt(): number {
    if (this.recentFlushes.length < this.maxFlushesPerFrame) return Number.NEGATIVE_INFINITY;
    return this.recentFlushes[0]! + this.frameMs;
  }

  private deliver(): void {
    const ranAt = this.now();
    this.lastRunAt = ranAt;
    let sent = false;
    for (const queue of this.consumers) {
      if (queue.paused || !queue.hasPending) continue;
      try {
        if (queue.sink.isReady && !queue.sink.isReady()) continue;
        queue.flush();
        sent = true;
      } catch (error) {
        this.consumers.delete(queue);
        this.options.onSinkError?.(error);
      }
    }
    if (!sent) return;
    this.recentFlushes.push(ranAt);
    if (this.recentFlushes.length > this.maxFlushesPerFrame) this.recentFlushes.shift();
  }
}
