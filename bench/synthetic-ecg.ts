/**
 * A synthetic 500 Hz ECG monitor for the latency benchmark: a DeviceSource whose one device sends
 * a 5-sample ECG report every 10 ms and a heart-rate report every 250 ms, through the same
 * DeviceIo/Driver seam as real hardware. It notes when each heart-rate report leaves the transport
 * (read() resolving), the start of the path the benchmark times.
 */
import { DeviceClosedError, type DeviceIo, type DriverManifest } from '../src/node/drivers/driver';
import type { DeviceCandidate, DeviceSource } from '../src/node/hub/source';

const RATE_HZ = 500;
const SAMPLES_PER_REPORT = 5;
const REPORT_MS = (SAMPLES_PER_REPORT / RATE_HZ) * 1000;
const HEART_RATE_EVERY_REPORTS = 25;
const ECG_REPORT = 1;
const HEART_RATE_REPORT = 2;
export const SYNTHETIC_ECG_DRIVER_ID = 'bench-synthetic-ecg';

class SyntheticEcgIo implements DeviceIo {
  readonly transport = 'simulated' as const;
  private reportIndex = 0;
  private readonly startedAt = Date.now();
  private closed = false;
  private queued: Uint8Array[] = [];

  constructor(private readonly onHeartRateDelivered: (at: number) => void) {}

  async read(timeoutMs: number): Promise<Uint8Array | null> {
    if (this.closed) throw new DeviceClosedError();
    const queued = this.queued.shift();
    if (queued) return this.deliver(queued);
    const dueAt = this.startedAt + this.reportIndex * REPORT_MS;
    const wait = dueAt - Date.now();
    if (wait > timeoutMs) {
      await this.sleep(timeoutMs);
      return null;
    }
    if (wait > 0) await this.sleep(wait);
    if (this.closed) throw new DeviceClosedError();
    const samples = Array.from({ length: SAMPLES_PER_REPORT }, (_, i) => ecgSample(this.reportIndex * SAMPLES_PER_REPORT + i));
    if (this.reportIndex % HEART_RATE_EVERY_REPORTS === 0) this.queued.push(Uint8Array.of(HEART_RATE_REPORT, 60 + (this.reportIndex % 60)));
    this.reportIndex++;
    return this.deliver(Uint8Array.of(ECG_REPORT, ...samples));
  }

  private deliver(report: Uint8Array): Uint8Array {
    if (report[0] === HEART_RATE_REPORT) this.onHeartRateDelivered(Date.now());
    return report;
  }

  async write(): Promise<void> {}
  async sendFeatureReport(): Promise<void> {}
  now(): number {
    return Date.now();
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A QRS-like spike once a second on a flat baseline, as unsigned bytes around 128. */
function ecgSample(index: number): number {
  const phase = (index % RATE_HZ) / RATE_HZ;
  return Math.round(128 + 100 * Math.exp(-(((phase - 0.3) / 0.01) ** 2)));
}

export const syntheticEcgManifest: DriverManifest = {
  id: SYNTHETIC_ECG_DRIVER_ID,
  name: 'Synthetic 500 Hz ECG',
  transport: 'simulated',
  matches: [],
  metrics: ['heartRate'],
  source: 'ecg',
  canRequestMeasurement: false,
  create: () => ({
    async run(ctx) {
      ctx.setActivity('streaming');
      while (!ctx.signal.aborted) {
        const report = await ctx.io.read(100);
        if (!report) continue;
        if (report[0] === ECG_REPORT) ctx.emit({ type: 'waveform', metric: 'ecg', rateHz: RATE_HZ, samples: [...report.subarray(1)] });
        else ctx.emit({ type: 'observation', metric: 'heartRate', value: report[1]!, unit: '/min', time: null });
      }
    },
  }),
};

export class SyntheticEcgSource implements DeviceSource {
  readonly transport = 'simulated' as const;
  /** Transport delivery times of heart-rate reports, oldest first. */
  readonly heartRateDeliveries: number[] = [];

  async list(): Promise<DeviceCandidate[]> {
    return [{ key: SYNTHETIC_ECG_DRIVER_ID, transport: 'simulated', path: SYNTHETIC_ECG_DRIVER_ID, driverId: SYNTHETIC_ECG_DRIVER_ID }];
  }

  async open(): Promise<SyntheticEcgIo> {
    return new SyntheticEcgIo((at) => this.heartRateDeliveries.push(at));
  }
}
