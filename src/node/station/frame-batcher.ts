/**
 * Turns the hub's stream of readings and waveform chunks into at most one `frame` event per display
 * frame for each consumer. News that comes after a quiet spell (the last delivery at least a frame
 * ago) goes out at once, at the end of the current turn of the event loop, rather than after a
 * frame's wait; while news keeps coming, deliveries fall back to one per frame and coalesce. Every consumer has its own bounded queue, so one hidden window or slow
 * socket coalesces its own backlog instead of slowing the others or growing without bound:
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
    return this.devices !== null || this.liveReadings.size > 0 || this.storedReadings.length > 0 || this.channels.size > 0;
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

  /** Sends what is pending, within one frame's limits; leftovers wait for the next frame. */
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

export class FrameBatcher {
  private readonly frameMs: number;
  private readonly maxSamplesPerChannel: number;
  private readonly maxChunksPerChannel: number;
  private readonly now: () => number;
  private readonly consumers = new Set<ConsumerQueue>();
  /** Cancels the pending delivery, whether it waits for the end of this turn or for a frame to pass. */
  private cancelDelivery: (() => void) | null = null;
  private lastDeliveryAt = Number.NEGATIVE_INFINITY;
  private lastDevices: DeviceInfo[] | null = null;

  constructor(private readonly options: FrameBatcherOptions = {}) {
    this.frameMs = options.frameMs ?? 16;
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
    this.cancelDelivery?.();
    this.cancelDelivery = null;
    this.consumers.clear();
  }

  /**
   * A delivery is only pending while some consumer that can take data has data waiting. The
   * leading edge waits for the end of the current turn (setImmediate), not a microtask, so the
   * outputs a driver emits for one device report still travel in one frame.
   */
  private schedule(): void {
    if (this.cancelDelivery) return;
    const deliverable = [...this.consumers].some((q) => q.hasPending && !q.paused);
    if (!deliverable) return;
    const run = () => {
      this.cancelDelivery = null;
      this.lastDeliveryAt = this.now();
      this.deliver();
      this.schedule();
    };
    const wait = this.lastDeliveryAt + this.frameMs - this.now();
    if (wait <= 0) {
      const immediate = setImmediate(run);
      this.cancelDelivery = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(run, wait);
      this.cancelDelivery = () => clearTimeout(timer);
    }
  }

  private deliver(): void {
    for (const queue of this.consumers) {
      if (queue.paused || !queue.hasPending) continue;
      try {
        if (queue.sink.isReady && !queue.sink.isReady()) continue;
        queue.flush();
      } catch (error) {
        this.consumers.delete(queue);
        this.options.onSinkError?.(error);
      }
    }
  }
}
