/**
 * The Contour Next driver: downloads the meter's whole memory when it opens and again on each
 * requestMeasurement() (the meter has no "since" query), then emits each stored patient result
 * as a glucose observation stamped with the meter's clock, in the meter's own unit. Control-
 * solution and out-of-range (HI/LO) results are reported as excluded results, never as readings.
 */
import type { DriverOutput } from '../../../shared/readings';
import { DeviceClosedError, type Driver, type DriverContext } from '../driver';
import { ContourProtocolError, DEFAULT_POLICY, LinkAbortedError, downloadRecords, type LinkPolicy } from './link';
import { decodeTransfer, type MeterHeader, type ResultRecord } from './records';

/** Between downloads the driver keeps reading so an unplug is noticed and a request starts promptly. */
const IDLE_POLL_MS = 250;

export class ContourNextDriver implements Driver {
  private downloadRequested = true;
  /** Numbers each downloaded result, so the station can tell results of one download apart. */
  private downloadedResults = 0;
  /**
   * Results already emitted by this driver. The meter always sends its whole memory, so a second
   * download while it stays plugged in would otherwise file every result again. A result has no
   * stable identity on the meter (its sequence number is its place in one transfer), so it is
   * known by its time, value and unit, or time and reason.
   */
  private readonly emitted = new Set<string>();
  private readonly policy: LinkPolicy;

  constructor(
    policy: Partial<LinkPolicy> = {},
    /** The station's wall clock, for the meter's clock offset (not the io's: replay time is virtual). */
    private readonly hostTime: () => number = Date.now,
  ) {
    this.policy = { ...DEFAULT_POLICY, ...policy };
  }

  requestMeasurement(): void {
    this.downloadRequested = true;
  }

  async run(ctx: DriverContext): Promise<void> {
    try {
      while (!ctx.signal.aborted) {
        if (this.downloadRequested) {
          this.downloadRequested = false;
          await this.download(ctx);
        } else {
          await ctx.io.read(IDLE_POLL_MS);
        }
      }
    } catch (error) {
      if (error instanceof DeviceClosedError || error instanceof LinkAbortedError) return;
      throw error;
    }
  }

  private async download(ctx: DriverContext): Promise<void> {
    ctx.setActivity('measuring');
    try {
      const transfer = decodeTransfer(await downloadRecords(ctx.io, ctx.signal, this.policy));
      if (!transfer.ok) throw new ContourProtocolError(transfer.reason);
      ctx.emit({ type: 'status', condition: 'ok', detail: describeMeter(transfer.header, this.hostTime()) });
      for (const result of transfer.results) {
        if (result.kind === 'ignored') continue;
        const key = result.kind === 'reading' ? `${result.time}|${result.value}|${result.unit}` : `${result.time}|${result.reason}`;
        if (this.emitted.has(key)) continue;
        this.emitted.add(key);
        ctx.emit(this.outputOf(result));
      }
    } finally {
      ctx.setActivity('idle');
    }
  }

  private outputOf(result: Exclude<ResultRecord, { kind: 'ignored' }>): DriverOutput {
    switch (result.kind) {
      case 'reading':
        return {
          type: 'observation',
          metric: 'glucose',
          value: result.value,
          unit: result.unit,
          time: result.time,
          measurement: this.downloadedResults++,
          glucose: result.context,
        };
      case 'excluded':
        return { type: 'excluded-result', metric: 'glucose', reason: result.reason, time: result.time };
    }
  }
}

/** Model, serial and how far the meter's clock is from the station's (its readings carry its clock). */
export function describeMeter(header: MeterHeader, hostNowMs: number): string {
  const offset = header.meterTime === null ? null : clockOffsetMinutes(header.meterTime, hostNowMs);
  const clock = offset === null ? 'meter clock unknown' : `meter clock ${header.meterTime}, ${offset} min from the station's`;
  return `${header.product} serial ${header.serial}, ${clock}`;
}

/**
 * Minutes the meter's wall clock (no zone) is ahead of the station's local wall clock; the meter
 * sends minutes only, so the station's clock is truncated to the minute as well.
 */
export function clockOffsetMinutes(meterTime: string, hostNowMs: number): number {
  const host = new Date(hostNowMs);
  const hostWall = Date.UTC(host.getFullYear(), host.getMonth(), host.getDate(), host.getHours(), host.getMinutes());
  const meterWall = Date.parse(`${meterTime.slice(0, 16)}:00Z`);
  return Math.round((meterWall - hostWall) / 60_000);
}
