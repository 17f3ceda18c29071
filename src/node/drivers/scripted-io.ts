/**
 * Tests only: a DeviceIo that plays a fixed list of input reports (null = nothing within the
 * timeout) on a virtual clock, ignores what the driver writes, then reports the device gone.
 * For fuzzing drivers with whatever a broken device or cable might send.
 */
import { DeviceClosedError, type DeviceIo } from './driver';

export class ScriptedIo implements DeviceIo {
  readonly transport = 'hid';
  private clock = 0;
  private next = 0;
  constructor(private readonly script: readonly (Uint8Array | null)[]) {}
  now(): number {
    return this.clock;
  }
  async sleep(ms: number): Promise<void> {
    this.clock += ms;
  }
  async read(timeoutMs: number): Promise<Uint8Array | null> {
    if (this.next >= this.script.length) throw new DeviceClosedError('script ended');
    const report = this.script[this.next++] ?? null;
    if (report === null) this.clock += timeoutMs;
    return report;
  }
  async write(): Promise<void> {}
  async sendFeatureReport(): Promise<void> {}
}
