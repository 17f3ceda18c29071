/**
 * The HEM-790IT driver: downloads the unit's stored readings when the device opens and again on
 * each requestMeasurement(), emitting each reading as systolic, diastolic and pulse observations
 * stamped with the unit's clock.
 */
import { DeviceClosedError, type Driver, type DriverContext } from '../driver';
import { DEFAULT_POLICY, LinkAbortedError, OmronLink, type LinkPolicy } from './link';
import { downloadMemory, observationsOf } from './session';

/**
 * Between downloads the driver keeps reading, so an unplugged unit or an ended capture is noticed,
 * and a requested download starts within this long.
 */
const IDLE_POLL_MS = 250;

export class OmronHem790itDriver implements Driver {
  private downloadRequested = true;
  /** Numbers each downloaded reading, so its three parts travel as one measurement. */
  private downloadedReadings = 0;

  private readonly policy: LinkPolicy;

  constructor(policy: Partial<LinkPolicy> = {}) {
    this.policy = { ...DEFAULT_POLICY, ...policy };
  }

  requestMeasurement(): void {
    this.downloadRequested = true;
  }

  async run(ctx: DriverContext): Promise<void> {
    const link = new OmronLink(ctx.io, ctx.signal, this.policy);
    try {
      while (!ctx.signal.aborted) {
        if (this.downloadRequested) {
          this.downloadRequested = false;
          await this.download(link, ctx);
        } else {
          // Nothing is asked of the unit between downloads; whatever it sends is of no use.
          await ctx.io.read(IDLE_POLL_MS);
        }
      }
    } catch (error) {
      if (error instanceof DeviceClosedError || error instanceof LinkAbortedError) return;
      throw error;
    }
  }

  private async download(link: OmronLink, ctx: DriverContext): Promise<void> {
    ctx.setActivity('measuring');
    try {
      await downloadMemory(link, (reading) => observationsOf(reading, this.downloadedReadings++).forEach((observation) => ctx.emit(observation)));
    } finally {
      ctx.setActivity('idle');
    }
  }
}
