/**
 * Runs a capture through the real driver and yields what it emits, ready to print as NDJSON
 * (capture-format.md "Replay output"), interleaved with a report for every write that differs
 * from the recording.
 */
import type { DriverOutput } from '../../shared/readings';
import { DeviceClosedError, type Driver, type DriverManifest, type HostVariant } from '../drivers/driver';
import { hardwareDrivers } from '../drivers/registry';
import { parseCapture } from './format';
import type { ReplayableCapture } from './record-store';
import { ReplayIo, ReplayMismatchError, type ReplayMismatch } from './replay-io';

export interface MismatchReport extends ReplayMismatch {
  type: 'mismatch';
}

export type ReplayOutput = DriverOutput | MismatchReport;

export interface ReplayOptions {
  /** Driver to use instead of the one the capture header names. */
  driverId?: string;
  /** Fail on the first write that differs from the recording. */
  strict?: boolean;
  /** Drivers to choose from; the station's hardware drivers unless given. */
  drivers?: readonly DriverManifest[];
  /** Told which host variant matched the recording when the driver's default did not. */
  onHostVariant?(variant: HostVariant): void;
}

/** The replay cannot start: no or unknown driver. Bad input, not a driver failure. */
export class ReplaySetupError extends Error {
  override name = 'ReplaySetupError';
}

/**
 * Throws CaptureFormatError for a malformed capture, ReplaySetupError when no driver fits,
 * ReplayMismatchError in strict mode, and whatever the driver throws other than DeviceClosedError.
 */
export async function* replayCapture(input: string | ReplayableCapture, options: ReplayOptions = {}): AsyncGenerator<ReplayOutput> {
  const capture = typeof input === 'string' ? parseCapture(input) : input;
  const manifest = await resolveReplayDriver(capture, options);
  yield* replaySession(capture, manifest, manifest.create, options);
}

/**
 * The driver a capture replays through: the one its header (or options.driverId) names, creating
 * the host variant whose writes match the recording when the driver's default does not.
 * Throws ReplaySetupError when no driver fits.
 */
export async function resolveReplayDriver(capture: ReplayableCapture, options: ReplayOptions = {}): Promise<DriverManifest> {
  const manifest = chooseDriver(capture, options);
  const variants = manifest.hostVariants ?? [];
  if (variants.length === 0 || (await matchesRecording(capture, manifest, manifest.create))) return manifest;
  // Knowing whether a host behaviour matches takes a whole run on the virtual clock, over the same
  // records held once (compactly, record-store.ts); each run's own indexes are typed arrays.
  for (const variant of variants) {
    if (await matchesRecording(capture, manifest, variant.create)) {
      options.onHostVariant?.(variant);
      return { ...manifest, create: variant.create };
    }
  }
  return manifest;
}

/** True when the driver makes every recorded write, none different, and does not fail. */
async function matchesRecording(capture: ReplayableCapture, manifest: DriverManifest, createDriver: () => Driver): Promise<boolean> {
  try {
    for await (const output of replaySession(capture, manifest, createDriver, { strict: true })) void output;
    return true;
  } catch {
    return false;
  }
}

async function* replaySession(
  capture: ReplayableCapture,
  manifest: DriverManifest,
  createDriver: () => Driver,
  options: Pick<ReplayOptions, 'strict'>,
): AsyncGenerator<ReplayOutput> {
  const pending: ReplayOutput[] = [];
  let notify: (() => void) | null = null;
  const push = (output: ReplayOutput): void => {
    pending.push(output);
    notify?.();
  };

  const stop = new AbortController();
  const io = new ReplayIo(capture, {
    strict: options.strict,
    transport: manifest.transport,
    onMismatch: (mismatch) => push({ type: 'mismatch', ...mismatch }),
    sameHostReport: manifest.sameHostReport,
    onEnd: () => stop.abort(),
  });
  let done = false;
  // Set from the driver's promise; a holder object, so control-flow narrowing does not assume it stays empty.
  const driverFailure: { error?: unknown; failed: boolean } = { failed: false };
  createDriver()
    .run({ io, emit: (output) => push({ ...output }), setActivity: () => undefined, signal: stop.signal })
    .catch((error: unknown) => {
      if (error instanceof DeviceClosedError) return;
      driverFailure.failed = true;
      driverFailure.error = error;
    })
    .finally(() => {
      done = true;
      notify?.();
    });

  try {
    while (!done || pending.length > 0) {
      const next = pending.shift();
      if (next) yield next;
      else await new Promise<void>((resolve) => (notify = resolve));
      notify = null;
    }
  } finally {
    stop.abort();
  }
  if (driverFailure.failed) throw driverFailure.error;
  const strictFailure = options.strict ? io.mismatches[0] : undefined;
  if (strictFailure) throw new ReplayMismatchError(strictFailure);
  for (const missing of io.unwrittenRecords()) {
    yield { type: 'mismatch', ...missing };
    if (options.strict) throw new ReplayMismatchError(missing);
  }
}

/** Collects a whole replay; convenient for tests and small captures. */
export async function replayCaptureToArray(input: string | ReplayableCapture, options: ReplayOptions = {}): Promise<ReplayOutput[]> {
  const outputs: ReplayOutput[] = [];
  for await (const output of replayCapture(input, options)) outputs.push(output);
  return outputs;
}

function chooseDriver(capture: ReplayableCapture, options: ReplayOptions): DriverManifest {
  const drivers = options.drivers ?? hardwareDrivers;
  const id = options.driverId ?? capture.header.device;
  if (!id) throw new ReplaySetupError('the capture header names no device; choose a driver with --driver <id>');
  const manifest = drivers.find((d) => d.id === id);
  if (!manifest) throw new ReplaySetupError(`no driver "${id}"; known drivers: ${drivers.map((d) => d.id).join(', ')}`);
  return manifest;
}
