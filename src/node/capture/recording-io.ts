/**
 * Wraps a live DeviceIo and writes the traffic as a capture while it happens, so a session with
 * real hardware can be replayed later through the same driver (the `record` verb). Lines go to
 * the sink as soon as they are known: a crash or unplug still leaves a usable capture behind.
 */
import type { DeviceIo, TransportKind } from '../drivers/driver';
import { decodeGattFrame } from '../ble/gatt-frame';
import { serialiseHeader, serialiseRecord, type CaptureHeader, type Direction } from './format';

export type CaptureSink = (text: string) => void;

export class RecordingIo implements DeviceIo {
  readonly transport: TransportKind;
  /** Sum of the delays written so far; delays are rounded against it so rounding never drifts. */
  private recordedUntil: number;

  constructor(
    private readonly inner: DeviceIo,
    header: CaptureHeader,
    private readonly sink: CaptureSink,
  ) {
    this.transport = inner.transport;
    this.recordedUntil = inner.now();
    sink(serialiseHeader(header) + '\n');
  }

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    const data = await this.inner.read(timeoutMs);
    // A BLE io reads GATT frames, each recorded under its own op (notify, indicate, read).
    if (data) this.record(this.transport === 'ble' ? (decodeGattFrame(data)?.op ?? 'in') : 'in', data);
    return data;
  }

  write(data: Uint8Array): Promise<void> {
    return this.forward(this.transport === 'ble' ? 'write' : 'out', data, () => this.inner.write(data));
  }

  sendFeatureReport(data: Uint8Array): Promise<void> {
    return this.forward('feature-out', data, () => this.inner.sendFeatureReport(data));
  }

  now(): number {
    return this.inner.now();
  }

  sleep(ms: number): Promise<void> {
    return this.inner.sleep(ms);
  }

  /** Recorded before it is sent: a fast device may answer before the write call returns. */
  private async forward(direction: Direction, data: Uint8Array, send: () => Promise<void>): Promise<void> {
    this.record(direction, data);
    try {
      await send();
    } catch (error) {
      this.sink(`# the ${direction} record above failed: ${error instanceof Error ? error.message : String(error)}\n`.replace(/[\r\n]+(?!$)/g, ' '));
      throw error;
    }
  }

  private record(direction: Direction, data: Uint8Array): void {
    const delayMs = Math.max(0, Math.round(this.inner.now() - this.recordedUntil));
    this.recordedUntil += delayMs;
    this.sink(serialiseRecord({ delayMs, direction, bytes: Uint8Array.from(data) }));
  }
}
