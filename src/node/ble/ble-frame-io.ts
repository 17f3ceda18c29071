/**
 * The DeviceIo of a connected BLE device: GATT frames queue up as the device sends them and the
 * driver reads them one at a time; writes go to a characteristic. A dropped link or close() makes
 * every later call fail with DeviceClosedError, which the hub takes as "reconnect with backoff".
 */
import { DeviceClosedError } from '../drivers/driver';
import { LiveTiming } from '../hub/live-timing';
import type { OpenDeviceIo } from '../hub/opened-device';

/** Far above what a device sends between reads; a driver that stops reading cannot grow memory without bound. */
const MAX_QUEUED_FRAMES = 1_000;

export interface BleLink {
  write(frame: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export class BleFrameIo implements OpenDeviceIo {
  readonly transport = 'ble';
  readonly #queue: Uint8Array[] = [];
  readonly #waiters = new Set<(frame: Uint8Array | Error) => void>();
  readonly #onClose: Array<() => void> = [];
  readonly #timing = new LiveTiming();
  #gone: DeviceClosedError | undefined;
  #closed: Promise<void> | undefined;

  constructor(private readonly link: BleLink) {}

  deliver(frame: Uint8Array): void {
    if (this.#gone !== undefined) return;
    const [waiter] = this.#waiters;
    if (waiter !== undefined) waiter(frame);
    else if (this.#queue.push(frame) > MAX_QUEUED_FRAMES) this.#queue.shift();
  }

  markGone(reason: string): void {
    if (this.#gone !== undefined) return;
    this.#gone = new DeviceClosedError(reason);
    this.#queue.length = 0;
    this.#timing.wakeAll();
    for (const waiter of [...this.#waiters]) waiter(this.#gone);
    for (const cleanup of this.#onClose.splice(0)) cleanup();
  }

  onClose(cleanup: () => void): void {
    if (this.#gone === undefined) this.#onClose.push(cleanup);
    else cleanup();
  }

  read(timeoutMs: number): Promise<Uint8Array | null> {
    if (this.#gone !== undefined) return Promise.reject(this.#gone);
    const next = this.#queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    return new Promise((resolve, reject) => {
      const waiter = (frame: Uint8Array | Error): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        if (frame instanceof Error) reject(frame);
        else resolve(frame);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(null);
      }, Math.max(0, timeoutMs));
      this.#waiters.add(waiter);
    });
  }

  async write(frame: Uint8Array): Promise<void> {
    if (this.#gone !== undefined) throw this.#gone;
    await this.link.write(frame);
  }

  sendFeatureReport(): Promise<void> {
    return Promise.reject(new Error('Bluetooth devices have no feature reports'));
  }

  now(): number {
    return this.#timing.now();
  }

  sleep(ms: number): Promise<void> {
    return this.#timing.sleep(ms);
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.markGone('device closed');
      await this.link.close();
    })();
    return this.#closed;
  }
}
