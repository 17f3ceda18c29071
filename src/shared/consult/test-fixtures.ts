/** Readings, devices and a paired fake data channel for the consultation vitals tests. */
import { readingCodes, type DeviceInfo, type StationReading } from '../contract';
import type { Metric } from '../vitals';
import type { VitalsChannel } from './station-vitals-link';

export function reading(seq: number, metric: Metric = 'spo2', value = 97, deviceId = 'sim-oximeter'): StationReading {
  const unit = metric === 'spo2' ? '%' : metric === 'systolic' || metric === 'diastolic' ? 'mm[Hg]' : '/min';
  return { deviceId, metric, value, unit, source: 'pulse-oximeter', measurementId: null, ...readingCodes(metric, 'pulse-oximeter', unit), provenance: 'live', deviceTime: null, receivedAt: 1_700_000_000_000 + seq * 1000, seq };
}

export function device(id = 'sim-oximeter', overrides: Partial<DeviceInfo> = {}): DeviceInfo {
  return { id, driverId: 'sim', name: 'Simulated oximeter', transport: 'simulated', state: 'streaming', condition: 'ok', canRequestMeasurement: false, metrics: ['spo2', 'pulseRate', 'perfusionIndex'], ...overrides };
}

/**
 * One direction of a data channel: messages wait in `queue` until the test delivers them, so drops
 * and reconnects happen exactly where the test says. `open` false makes send fail, like a closed channel.
 */
export class FakeChannel implements VitalsChannel {
  queue: string[] = [];
  open = true;
  buffered = 0;
  sent: string[] = [];

  send(text: string): boolean {
    if (!this.open) return false;
    this.queue.push(text);
    this.sent.push(text);
    return true;
  }

  bufferedAmount(): number {
    return this.buffered;
  }

  /** Delivers everything queued to `receive`, including what the receiver sends back meanwhile. */
  deliver(receive: (text: string) => void): number {
    const messages = this.queue.splice(0);
    for (const message of messages) receive(message);
    return messages.length;
  }

  /** The connection died with these messages in flight. */
  lose(): number {
    return this.queue.splice(0).length;
  }
}

/** A structurally valid PNG header + IEND with `filler` bytes between (content is not decoded). */
export function fakePng(width: number, height: number, filler = 0): Uint8Array {
  const bytes = new Uint8Array(8 + 25 + filler + 12);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, 13);
  bytes.set([0x49, 0x48, 0x44, 0x52], 12);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82], bytes.length - 12);
  return bytes;
}
