/**
 * The peripheral hub: finds devices on every source, gives each the driver that claims it, keeps
 * it connected across unplug, crashes and replug, and turns what drivers emit into the station's
 * readings. Nothing here imports Electron: the same hub runs in Electron main, in the web-mode
 * Node host and under the CLI.
 */
import { randomUUID } from 'node:crypto';
import { RawScaleSchema, stationReading, type DEVICE_STATES, type DeviceInfo, type StationReading, type WaveformBatch } from '../../shared/contract';
import { toCanonicalUnit } from '../../shared/clinical/units';
import { SIGNAL_CONDITIONS, type DriverOutput, type Observation, type SignalCondition, type WaveformChunk } from '../../shared/readings';
import { isMetric, UCUM_UNITS, type Metric } from '../../shared/vitals';
import { logError, logText } from '../../shared/log-text';
import { hubReadingChannel } from '../diagnostics/channels';
import { DeviceClosedError, type DeviceActivity, type DeviceIo, type Driver, type DriverContext, type DriverManifest } from '../drivers/driver';
import { conditionGuidance, describeError, driverFailureGuidance, openFailureGuidance, UNPLUGGED, type Guidance } from './guidance';
import { matchManifest } from './matching';
import { recordToFile } from './record-to-file';
import type { OpenDeviceIo, RecordIo } from './opened-device';
import type { DeviceCandidate, DeviceSource } from './source';
import { TypedEmitter } from './typed-emitter';
import { WaveformTimeline } from './waveform-timeline';

type DeviceState = (typeof DEVICE_STATES)[number];

export interface HubEvents extends Record<string, unknown> {
  /** The whole device list, on every change. */
  devices: DeviceInfo[];
  reading: StationReading;
  waveform: WaveformBatch;
}


export interface PeripheralHubOptions {
  sources: readonly DeviceSource[];
  drivers: readonly DriverManifest[];
  pollIntervalMs: number;
  /** Delay before reopening a failed device, doubling per consecutive failure. */
  retry?: { initialMs: number; maxMs: number };
  /** How long a driver may take to return after being aborted before its device is closed under it. */
  stopGraceMs?: number;
  /** Arrival jitter up to which waveform chunks are still drawn as one continuous trace. */
  waveformGapToleranceMs?: number;
  /** Decides which advice an open failure gets (udev on Linux). */
  platform?: NodeJS.Platform;
  log?: (message: string) => void;
  /** How startRecording captures a device; by default into a new capture file. */
  recordIo?: RecordIo;
}

export interface RecordingHandle {
  /** Ends the capture; the device carries on without recording. */
  stop(): Promise<void>;
}

interface Session {
  readonly controller: AbortController;
  readonly io: OpenDeviceIo;
  readonly driver: Driver;
  /** The io reported the device gone while the driver ran. */
  deviceClosed: boolean;
  activity: DeviceActivity | undefined;
  /** Makes the driver's measurement numbers (which restart with every session) station-wide ids. */
  readonly measurementPrefix: string;
  /** Settles once the driver has returned and the io is closed. */
  finished: Promise<void>;
}

interface ManagedDevice {
  readonly id: string;
  readonly manifest: DriverManifest;
  readonly source: DeviceSource;
  candidate: DeviceCandidate;
  present: boolean;
  opening: boolean;
  session: Session | undefined;
  /** The previous session's teardown; a new open waits for it so the OS handle is free. */
  lastSessionFinished: Promise<void>;
  state: DeviceState;
  condition: SignalCondition;
  guidance: Guidance | undefined;
  consecutiveFailures: number;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  measurementPending: boolean;
  recordingTo: string | undefined;
  /** startRecording waiting to hear whether the recorded session could be opened. */
  recordingStart: { resolve(): void; reject(error: Error): void } | undefined;
  readonly waveforms: Map<WaveformChunk['metric'], WaveformTimeline>;
}

const DEFAULT_RETRY = { initialMs: 1_000, maxMs: 30_000 };
const FINISHED: Guidance = { reason: 'The device has sent all its data', action: 'Start a new measurement on the device' };
const WAVEFORM_METRICS: ReadonlySet<string> = new Set(['pleth', 'ecg']);
const MAX_WAVEFORM_RATE_HZ = 10_000;
const MAX_WAVEFORM_SAMPLES = 100_000;
const MAX_DEVICE_TIME_CHARS = 40;

export class PeripheralHub extends TypedEmitter<HubEvents> {
  private readonly devicesByKey = new Map<string, ManagedDevice>();
  private readonly latestByDeviceMetric = new Map<string, StationReading>();
  /** Opens, teardowns and scans in flight; close() waits for all of them. */
  private readonly pending = new Set<Promise<void>>();
  private readonly unsubscribes: Array<() => void> = [];
  /** The last listing failure of each source, logged once rather than on every poll. */
  private readonly listFailures = new Map<DeviceSource, string>();
  private readonly retry: { initialMs: number; maxMs: number };
  private readonly log: (message: string) => void;
  private scanChain: Promise<void> = Promise.resolve();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private nextSeq = 0;
  private publishedDevices = '';
  private running = false;
  private closed = false;

  constructor(private readonly options: PeripheralHubOptions) {
    super((error) => this.log(`a hub listener failed: ${logError(error)}`));
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.log = options.log ?? ((message) => console.warn(`[hub] ${message}`));
  }

  /** Starts watching the sources; resolves once the first scan has run. */
  async start(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    for (const source of this.options.sources) {
      const unsubscribe = source.onChange?.(() => void this.scan());
      if (unsubscribe !== undefined) this.unsubscribes.push(unsubscribe);
    }
    await this.scan();
    this.schedulePoll();
  }

  /** Aborts every driver, closes every device and stops all timers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pollTimer);
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    for (const device of this.devicesByKey.values()) {
      clearTimeout(device.retryTimer);
      device.retryTimer = undefined;
      this.settleRecordingStart(device, new Error('the station is shutting down'));
      this.track(this.stopSession(device));
    }
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  devices(): DeviceInfo[] {
    return [...this.devicesByKey.values()].map(deviceInfo);
  }

  /** The last valid reading of every device and metric, for snapshots. */
  latest(): StationReading[] {
    return [...this.latestByDeviceMetric.values()];
  }

  /** Asks the device to measure (cuff inflation, memory download); reconnects it first if its session had ended. */
  requestMeasurement(deviceId: string): void {
    const device = this.deviceById(deviceId);
    if (!device.manifest.canRequestMeasurement) throw new Error(`${device.manifest.name} cannot be started from the station; start it on the device`);
    if (!device.present) throw new Error(`${device.manifest.name} is not connected; plug it in first`);
    if (device.session !== undefined) {
      device.session.driver.requestMeasurement?.();
      return;
    }
    device.measurementPending = true;
    this.connect(device);
  }

  /**
   * Records the device's traffic to a capture file. The device's session is restarted so the
   * capture holds it from the first byte, which a replay needs to drive the same driver.
   */
  async startRecording(deviceId: string, outPath: string): Promise<RecordingHandle> {
    if (this.closed) throw new Error('the station is shutting down');
    const device = this.deviceById(deviceId);
    if (device.recordingTo !== undefined) throw new Error(`${device.manifest.name} is already being recorded to ${device.recordingTo}`);
    if (!device.present) throw new Error(`${device.manifest.name} is not connected; plug it in first`);
    device.recordingTo = outPath;
    const started = new Promise<void>((resolve, reject) => {
      device.recordingStart = { resolve, reject };
    });
    await this.restart(device);
    try {
      await started;
    } catch (error) {
      device.recordingTo = undefined;
      throw error;
    }
    return {
      stop: async () => {
        if (device.recordingTo !== outPath) return;
        device.recordingTo = undefined;
        await this.restart(device);
      },
    };
  }

  private deviceById(deviceId: string): ManagedDevice {
    for (const device of this.devicesByKey.values()) if (device.id === deviceId) return device;
    throw new Error(`no device with id ${deviceId}`);
  }

  private async restart(device: ManagedDevice): Promise<void> {
    clearTimeout(device.retryTimer);
    device.retryTimer = undefined;
    await this.stopSession(device);
    this.connect(device);
  }

  private schedulePoll(): void {
    if (this.closed) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.scan().finally(() => this.schedulePoll());
    }, this.options.pollIntervalMs);
  }

  /** Scans run one after another, so a change notice during a poll is never lost nor interleaved. */
  private scan(): Promise<void> {
    const next = this.scanChain.then(() => this.scanOnce());
    this.scanChain = next;
    this.track(next);
    return next;
  }

  private async scanOnce(): Promise<void> {
    if (this.closed) return;
    const listed = new Set<DeviceSource>();
    const seen = new Set<ManagedDevice>();
    for (const source of this.options.sources) {
      let candidates: DeviceCandidate[];
      try {
        candidates = await source.list();
      } catch (error) {
        // Treat an unreadable source as unchanged rather than as everything unplugged.
        const failure = `listing ${source.transport} devices failed: ${describeError(error)}`;
        if (this.listFailures.get(source) !== failure) this.log(failure);
        this.listFailures.set(source, failure);
        continue;
      }
      if (this.listFailures.delete(source)) this.log(`listing ${source.transport} devices works again`);
      if (this.closed) return;
      listed.add(source);
      for (const candidate of candidates) {
        const device = this.deviceFor(source, candidate);
        if (device !== undefined) seen.add(device);
      }
    }
    for (const device of this.devicesByKey.values()) {
      if (!listed.has(device.source)) continue;
      const present = seen.has(device);
      if (present && !device.present) this.plugged(device);
      else if (!present && device.present) this.unplugged(device);
    }
    this.publishDevices();
  }

  private deviceFor(source: DeviceSource, candidate: DeviceCandidate): ManagedDevice | undefined {
    const known = this.devicesByKey.get(candidate.key);
    if (known !== undefined) {
      if (known.source !== source) {
        this.log(`ignoring ${logText(candidate.path)}: its key ${logText(candidate.key)} is already used by a ${known.source.transport} device`);
        return undefined;
      }
      // The OS path may change between plug cycles; the key does not. A radio's signal and battery change any time.
      if (!known.present) known.candidate = candidate;
      else known.candidate = { ...known.candidate, radio: candidate.radio };
      return known;
    }
    const manifest = matchManifest(candidate, this.options.drivers);
    if (manifest === undefined) return undefined;
    const device: ManagedDevice = {
      id: candidate.key,
      manifest,
      source,
      candidate,
      present: false,
      opening: false,
      session: undefined,
      lastSessionFinished: Promise.resolve(),
      state: 'disconnected',
      condition: 'ok',
      guidance: undefined,
      consecutiveFailures: 0,
      retryTimer: undefined,
      measurementPending: false,
      recordingTo: undefined,
      recordingStart: undefined,
      waveforms: new Map(),
    };
    this.devicesByKey.set(candidate.key, device);
    return device;
  }

  private plugged(device: ManagedDevice): void {
    device.present = true;
    device.consecutiveFailures = 0;
    this.connect(device);
  }

  private unplugged(device: ManagedDevice): void {
    device.present = false;
    device.measurementPending = false;
    this.settleRecordingStart(device, new Error(`${device.manifest.name} was unplugged`));
    clearTimeout(device.retryTimer);
    device.retryTimer = undefined;
    this.track(this.stopSession(device));
    this.setState(device, 'disconnected', UNPLUGGED);
  }

  private connect(device: ManagedDevice): void {
    if (this.closed || !device.present || device.opening || device.session !== undefined) return;
    clearTimeout(device.retryTimer);
    device.retryTimer = undefined;
    device.opening = true;
    this.setState(device, 'connecting', undefined);
    this.track(this.openAndRun(device));
  }

  private async openAndRun(device: ManagedDevice): Promise<void> {
    let io: OpenDeviceIo;
    try {
      await device.lastSessionFinished;
      if (this.closed) throw new Error('the station is shutting down');
      io = await device.source.open(device.candidate, device.manifest);
    } catch (error) {
      device.opening = false;
      if (this.closed || !device.present) {
        this.settleRecordingStart(device, new Error(`${device.manifest.name} went away before it could be opened`));
        return;
      }
      const guidance = openFailureGuidance(error, this.options.platform ?? process.platform);
      this.settleRecordingStart(device, new Error(`${guidance.reason}. ${guidance.action}.`));
      this.fail(device, guidance);
      return;
    }
    if (device.recordingTo !== undefined) {
      try {
        io = await (this.options.recordIo ?? recordToFile)(io, { deviceId: device.id, manifest: device.manifest, candidate: device.candidate, outPath: device.recordingTo });
      } catch (error) {
        device.recordingTo = undefined;
        this.settleRecordingStart(device, new Error(`recording could not start: ${describeError(error)}`));
      }
    }
    device.opening = false;
    if (this.closed || !device.present) {
      this.settleRecordingStart(device, new Error(`${device.manifest.name} went away before it could be opened`));
      await io.close().catch((error: unknown) => this.log(`closing ${logText(device.id)} failed: ${logError(error)}`));
      return;
    }
    this.settleRecordingStart(device);
    this.startSession(device, io);
  }

  private settleRecordingStart(device: ManagedDevice, failure?: Error): void {
    const waiter = device.recordingStart;
    device.recordingStart = undefined;
    if (failure === undefined) waiter?.resolve();
    else waiter?.reject(failure);
  }

  private startSession(device: ManagedDevice, io: OpenDeviceIo): void {
    const controller = new AbortController();
    const session: Session = {
      controller,
      io,
      driver: device.manifest.create(),
      deviceClosed: false,
      activity: undefined,
      measurementPrefix: randomUUID(),
      finished: Promise.resolve(),
    };
    const isCurrent = (): boolean => device.session === session && !controller.signal.aborted;
    const ctx: DriverContext = {
      io: watchForClosure(io, session),
      signal: controller.signal,
      emit: (output) => {
        if (isCurrent()) this.accept(device, session, output);
      },
      setActivity: (activity) => {
        if (!isCurrent()) return;
        session.activity = activity;
        this.refreshSessionState(device);
      },
    };
    device.session = session;
    device.condition = 'ok';
    device.waveforms.clear();
    let running: Promise<void>;
    try {
      running = session.driver.run(ctx);
    } catch (error) {
      running = Promise.reject(error);
    }
    if (device.measurementPending) {
      device.measurementPending = false;
      session.driver.requestMeasurement?.();
    }
    session.finished = this.superviseSession(device, session, running);
    device.lastSessionFinished = session.finished;
    this.track(session.finished);
  }

  private async superviseSession(device: ManagedDevice, session: Session, running: Promise<void>): Promise<void> {
    let failure: unknown;
    let failed = false;
    try {
      await running;
    } catch (error) {
      failure = error;
      failed = true;
    }
    await session.io.close().catch((error: unknown) => this.log(`closing ${logText(device.id)} failed: ${logError(error)}`));
    // A session stopped on purpose (unplug, restart, hub close) has had its state set by whoever stopped it.
    if (device.session !== session) return;
    device.session = undefined;
    if (failed && !(failure instanceof DeviceClosedError)) {
      this.log(`driver ${device.manifest.id} failed on ${logText(device.id)}: ${logError(failure)}`);
      this.fail(device, driverFailureGuidance(device.manifest.name, failure));
    } else if (failed || session.deviceClosed) {
      // The io says the device went away; a scan decides whether it left or should be reopened.
      device.consecutiveFailures += 1;
      this.setState(device, 'disconnected', UNPLUGGED);
      this.scheduleRetry(device);
      void this.scan();
    } else {
      this.setState(device, 'idle', device.manifest.canRequestMeasurement ? { ...FINISHED, action: 'Press Measure, or start a measurement on the device' } : FINISHED);
    }
  }

  /** Aborts the device's driver, waits for it to return (closing the io under it after a grace period), then closes the io. */
  private async stopSession(device: ManagedDevice): Promise<void> {
    const session = device.session;
    if (session === undefined) return device.lastSessionFinished;
    device.session = undefined;
    session.controller.abort();
    const grace = setTimeout(() => {
      this.log(`driver ${device.manifest.id} did not stop within ${this.options.stopGraceMs ?? 2_000} ms; closing ${logText(device.id)} under it`);
      void session.io.close().catch(() => undefined);
    }, this.options.stopGraceMs ?? 2_000);
    try {
      await session.finished;
    } finally {
      clearTimeout(grace);
    }
  }

  private fail(device: ManagedDevice, guidance: Guidance): void {
    device.consecutiveFailures += 1;
    this.setState(device, 'error', guidance);
    this.scheduleRetry(device);
  }

  private scheduleRetry(device: ManagedDevice): void {
    if (this.closed || !device.present) return;
    clearTimeout(device.retryTimer);
    const delay = Math.min(this.retry.initialMs * 2 ** Math.max(0, device.consecutiveFailures - 1), this.retry.maxMs);
    device.retryTimer = setTimeout(() => {
      device.retryTimer = undefined;
      this.connect(device);
    }, delay);
  }

  private accept(device: ManagedDevice, session: Session, output: DriverOutput): void {
    const problem = outputProblem(output);
    if (problem !== undefined) {
      this.log(`dropped output of ${logText(device.id)}: ${logText(problem)}`);
      return;
    }
    // A session that delivers good data has recovered; the next failure starts the backoff afresh.
    device.consecutiveFailures = 0;
    if (output.type === 'status') {
      device.condition = output.condition;
      this.refreshSessionState(device);
      return;
    }
    // A control-solution or out-of-range result the device marked as no patient value.
    if (output.type === 'excluded-result') return;
    if (session.activity === undefined) {
      session.activity = 'streaming';
      this.refreshSessionState(device);
    }
    const receivedAt = Date.now();
    if (output.type === 'observation') this.publishReading(device, session, output, receivedAt);
    else this.publishWaveform(device, output, receivedAt);
  }

  private publishReading(device: ManagedDevice, session: Session, observation: Observation, receivedAt: number): void {
    const reading = stationReading({
      deviceId: device.id,
      source: device.manifest.source,
      measurementId: observation.measurement === undefined ? null : `${session.measurementPrefix}:${observation.measurement}`,
      metric: observation.metric,
      value: observation.value,
      unit: observation.unit,
      deviceTime: observation.time,
      receivedAt,
      seq: this.nextSeq++,
    });
    this.latestByDeviceMetric.set(`${device.id}\u0000${reading.metric}`, reading);
    if (hubReadingChannel.hasSubscribers) hubReadingChannel.publish({ metric: reading.metric });
    this.emit('reading', reading);
  }

  private publishWaveform(device: ManagedDevice, chunk: WaveformChunk, receivedAt: number): void {
    let timeline = device.waveforms.get(chunk.metric);
    if (timeline === undefined) {
      timeline = new WaveformTimeline(this.options.waveformGapToleranceMs ?? 250);
      device.waveforms.set(chunk.metric, timeline);
    }
    const startedAt = timeline.place(receivedAt, chunk.rateHz, chunk.samples.length);
    const scale = chunk.scale ? { scale: { min: chunk.scale.min, max: chunk.scale.max } } : {};
    this.emit('waveform', { deviceId: device.id, metric: chunk.metric, rateHz: chunk.rateHz, startedAt, samples: [...chunk.samples], ...scale });
  }

  /** While a session runs, its state follows what the driver reports. */
  private refreshSessionState(device: ManagedDevice): void {
    const session = device.session;
    if (session === undefined) return;
    const probeOff = device.condition === 'probe-off' || device.condition === 'no-finger';
    this.setState(device, probeOff ? 'probe-off' : (session.activity ?? 'connecting'), conditionGuidance(device.condition));
  }

  private setState(device: ManagedDevice, state: DeviceState, guidance: Guidance | undefined): void {
    device.state = state;
    device.guidance = guidance;
    if (state === 'disconnected' || state === 'error') {
      device.condition = 'ok';
      for (const timeline of device.waveforms.values()) timeline.reset();
    }
    this.publishDevices();
  }

  private publishDevices(): void {
    const devices = this.devices();
    const serialised = JSON.stringify(devices);
    if (serialised === this.publishedDevices) return;
    this.publishedDevices = serialised;
    this.emit('devices', devices);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.log(`internal error: ${logError(error)}`)).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}

function deviceInfo(device: ManagedDevice): DeviceInfo {
  return {
    id: device.id,
    driverId: device.manifest.id,
    name: device.manifest.name,
    transport: device.manifest.transport,
    state: device.state,
    condition: device.condition,
    ...(device.guidance === undefined ? {} : { reason: device.guidance.reason, action: device.guidance.action }),
    canRequestMeasurement: device.manifest.canRequestMeasurement,
    metrics: [...device.manifest.metrics],
    ...(device.candidate.radio === undefined ? {} : { radio: { ...device.candidate.radio } }),
  };
}

/** Notes on the session when the io reports the device gone, whatever the driver then does with the error. */
function watchForClosure(io: OpenDeviceIo, session: Session): DeviceIo {
  const watch = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof DeviceClosedError) session.deviceClosed = true;
      throw error;
    }
  };
  return {
    transport: io.transport,
    read: (timeoutMs) => watch(() => io.read(timeoutMs)),
    write: (data) => watch(() => io.write(data)),
    sendFeatureReport: (data) => watch(() => io.sendFeatureReport(data)),
    now: () => io.now(),
    sleep: (ms) => io.sleep(ms),
  };
}

/** Why a driver output must not reach any screen, or undefined when it may. */
export function outputProblem(output: DriverOutput): string | undefined {
  if (typeof output !== 'object' || output === null) return 'not an output object';
  switch (output.type) {
    case 'observation':
      return observationProblem(output);
    case 'waveform':
      return waveformProblem(output);
    case 'status':
      return (SIGNAL_CONDITIONS as readonly string[]).includes(output.condition) ? undefined : `unknown condition ${String(output.condition)}`;
    case 'excluded-result':
      return undefined;
    default:
      return `unknown output type ${String((output as { type?: unknown }).type)}`;
  }
}

function observationProblem(observation: Observation): string | undefined {
  if (!isMetric(observation.metric)) return `unknown metric ${String(observation.metric)}`;
  if (!(UCUM_UNITS as readonly string[]).includes(observation.unit)) return `${observation.metric}: unknown unit ${String(observation.unit)}`;
  if (typeof observation.value !== 'number') return `${observation.metric}: value is not a number`;
  if (observation.time !== null && (typeof observation.time !== 'string' || observation.time.length > MAX_DEVICE_TIME_CHARS)) {
    return `${observation.metric}: malformed device time`;
  }
  if (observation.measurement !== undefined && !(Number.isSafeInteger(observation.measurement) && observation.measurement >= 0)) {
    return `${observation.metric}: malformed measurement number`;
  }
  const checked = toCanonicalUnit(observation.metric as Metric, observation.value, observation.unit);
  // Logged by the caller: the reason without the value, since a measured value is health data.
  return checked.ok ? undefined : `${observation.metric}: ${checked.logReason}`;
}

function waveformProblem(chunk: WaveformChunk): string | undefined {
  if (!WAVEFORM_METRICS.has(chunk.metric)) return `unknown waveform ${String(chunk.metric)}`;
  if (typeof chunk.rateHz !== 'number' || !(chunk.rateHz > 0 && chunk.rateHz <= MAX_WAVEFORM_RATE_HZ)) return `${chunk.metric}: implausible sample rate ${String(chunk.rateHz)}`;
  if (!Array.isArray(chunk.samples) || chunk.samples.length === 0 || chunk.samples.length > MAX_WAVEFORM_SAMPLES) return `${chunk.metric}: bad sample count`;
  if (!chunk.samples.every((sample) => typeof sample === 'number' && Number.isFinite(sample))) return `${chunk.metric}: non-numeric sample`;
  if (chunk.scale !== undefined && !RawScaleSchema.safeParse(chunk.scale).success) return `${chunk.metric}: bad raw scale`;
  return undefined;
}
