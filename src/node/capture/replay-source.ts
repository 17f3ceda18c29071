/**
 * A capture played to the hub as an attached device: one DeviceSource per capture file, whose one
 * device runs the real driver over a ReplayIo. It plays at recorded speed (a RecordedSpeedClock):
 * the same pace for every device, so a replayed oximeter's pleth sweeps as it did and a blood-pressure
 * monitor's memory download takes the seconds it took (under 10 s for the shared Omron captures),
 * instead of one behaviour for live and another for stored-data devices. The capture is played
 * once; afterwards the device is gone, as if unplugged, so its stored readings never arrive twice.
 */
import { basename } from 'node:path';
import type { DeviceIo, DriverManifest } from '../drivers/driver';
import { DeviceClosedError } from '../drivers/driver';
import { hardwareDrivers } from '../drivers/registry';
import { logText } from '../../shared/log-text';
import type { DeviceCandidate, DeviceSource } from '../hub/source';
import { readCaptureFile } from './capture-file';
import { RecordStore, type ReplayableCapture } from './record-store';
import { RecordedSpeedClock } from './recorded-speed-clock';
import { resolveReplayDriver } from './replay';
import { describeMismatch, ReplayIo } from './replay-io';
import type { ReplayClock } from './virtual-clock';

export interface CaptureReplayOptions {
  /** Tells replays apart when several are attached; part of the device id. */
  index: number;
  /** Drivers to choose from; the station's hardware drivers unless given. */
  drivers?: readonly DriverManifest[];
  /** Host-variant choices and writes that differ from the recording (the replay carries on). */
  log?: (message: string) => void;
  /** Recorded speed unless a test wants the virtual clock's. */
  createClock?: () => ReplayClock;
}

const MAX_NAME_FILE_CHARS = 80;

/**
 * Reads, parses and chooses the driver of a capture file. Throws CaptureFileError,
 * CaptureFormatError or ReplaySetupError, all of them bad input.
 */
export async function loadCaptureReplay(file: string, options: CaptureReplayOptions): Promise<CaptureReplaySource> {
  const capture = await readCaptureFile(file, new RecordStore());
  const log = options.log ?? (() => undefined);
  const name = basename(file).slice(0, MAX_NAME_FILE_CHARS);
  const driver = await resolveReplayDriver(capture, {
    drivers: options.drivers ?? hardwareDrivers,
    onHostVariant: (variant) => log(`replay of ${logText(name)}: the recording matches the driver's "${variant.name}" host behaviour (${variant.origin})`),
  });
  return new CaptureReplaySource(capture, driver, name, options.index, log, options.createClock ?? (() => new RecordedSpeedClock()));
}

export class CaptureReplaySource implements DeviceSource {
  readonly transport: DriverManifest['transport'];
  /** The driver as the hub sees it: its own id, so the hub never mistakes it for a USB device's manifest. */
  readonly manifest: DriverManifest;
  private readonly candidate: DeviceCandidate;
  private readonly listeners = new Set<() => void>();
  private state: 'waiting' | 'playing' | 'played' = 'waiting';

  constructor(
    private readonly capture: ReplayableCapture,
    driver: DriverManifest,
    private readonly fileName: string,
    index: number,
    private readonly log: (message: string) => void,
    private readonly createClock: () => ReplayClock,
  ) {
    this.transport = driver.transport;
    this.manifest = { ...driver, id: `replay-${index}:${driver.id}`, name: `${driver.name} (replay of ${fileName})`, matches: [] };
    this.candidate = {
      key: `replay:${index}:${fileName}`,
      transport: driver.transport,
      path: fileName,
      product: this.manifest.name,
      driverId: this.manifest.id,
    };
  }

  async list(): Promise<DeviceCandidate[]> {
    return this.state === 'played' ? [] : [this.candidate];
  }

  async open(candidate: DeviceCandidate, manifest: DriverManifest): Promise<DeviceIo & { close(): Promise<void> }> {
    if (candidate.key !== this.candidate.key || manifest.id !== this.manifest.id) throw new Error(`${candidate.path} is not the replay of ${this.fileName}`);
    if (this.state !== 'waiting') throw new DeviceClosedError(`the replay of ${this.fileName} has been played`);
    this.state = 'playing';
    return new ReplayIo(this.capture, {
      clock: this.createClock(),
      transport: manifest.transport,
      sameHostReport: manifest.sameHostReport,
      onMismatch: (mismatch) => this.log(`replay of ${logText(this.fileName)}: ${describeMismatch(mismatch)}`),
      onEnd: () => this.played(),
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private played(): void {
    if (this.state === 'played') return;
    this.state = 'played';
    for (const listener of [...this.listeners]) listener();
  }
}
