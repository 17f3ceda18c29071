/**
 * The live session with a CMS50D+/E/F: stop whatever transfer the meter is in, start the real-time
 * stream, keep it alive on the io's clock, stop it when the hub closes the device. Package decoding
 * lives in ./decoder, the output policy in ./live-readings.
 */
import type { DriverOutput } from '../../../shared/readings';
import { DeviceClosedError, type Driver, type DriverContext } from '../driver';
import { Cms50Decoder, type Cms50Package } from './decoder';
import { Cms50LiveReadings } from './live-readings';
import { COMMAND, KEEP_ALIVE_INTERVAL_MS, controlCommand } from './protocol';

const ABORTED = Symbol('aborted');
/** V7: the PC software takes a reply missing for 1 s as a lost device; a stop command waits no longer. */
const REPLY_TIMEOUT_MS = 1_000;

export class Cms50Driver implements Driver {
  run(ctx: DriverContext): Promise<void> {
    return new Cms50Session(ctx).run();
  }
}

class Cms50Session {
  private readonly decoder = new Cms50Decoder();
  private readonly readings = new Cms50LiveReadings();
  private streaming = false;
  private liveSinceTick = false;

  constructor(private readonly ctx: DriverContext) {}

  async run(): Promise<void> {
    const { io, signal } = this.ctx;
    try {
      await this.start();
      let nextTick = io.now() + KEEP_ALIVE_INTERVAL_MS;
      while (!signal.aborted) {
        const chunk = await this.readUntil(nextTick);
        if (chunk === ABORTED) break;
        if (chunk === null) this.emitAll(this.readings.flush());
        else this.receive(chunk);
        if (io.now() >= nextTick) {
          // A steady cadence; after a long stall the next tick is a full interval away.
          nextTick += KEEP_ALIVE_INTERVAL_MS;
          if (nextTick <= io.now()) nextTick = io.now() + KEEP_ALIVE_INTERVAL_MS;
          await this.tick();
        }
      }
      this.endStream();
      await io.write(controlCommand(COMMAND.stopLive)).catch(() => undefined);
    } catch (error) {
      if (!(error instanceof DeviceClosedError)) throw error;
      this.endStream();
    }
  }

  /**
   * V7 section 3.4: a meter sends real-time or stored data, never both. One left mid-download or
   * mid-stream by other software is therefore stopped first, as the vendor software does, before
   * the stream starts.
   */
  private async start(): Promise<void> {
    for (const stop of [COMMAND.stopStorage, COMMAND.stopLive]) {
      await this.ctx.io.write(controlCommand(stop));
      await this.awaitFreeFeedback();
      if (this.ctx.signal.aborted) return;
    }
    // Start first so the stream flows at once; the PI question is allowed during streaming, and
    // its answer decides which packages V7 wants discarded.
    await this.startLive();
    await this.ctx.io.write(controlCommand(COMMAND.askPiSupport));
  }

  /**
   * Waits for the 0x0C that acknowledges a stop command, at most one reply window. Whatever arrives
   * meanwhile is handled as usual: the tail of a download is ignored, a running stream still shown.
   */
  private async awaitFreeFeedback(): Promise<void> {
    const deadline = this.ctx.io.now() + REPLY_TIMEOUT_MS;
    while (this.ctx.io.now() < deadline) {
      const chunk = await this.readUntil(deadline);
      if (chunk === ABORTED) return;
      if (chunk !== null && this.receive(chunk).some((pkg) => pkg.kind === 'free')) return;
    }
  }

  /**
   * The next chunk, null once the io clock reaches `deadline` without one, or ABORTED as soon as
   * the hub aborts, so a pending read never delays the return. The abort listener is removed once
   * the read settles: racing every read against one long-lived abort promise (Promise.race) left a
   * reaction, and with it the chunk, on that promise per read, so a stream of 60 packages a second
   * grew memory without end (a 60 MB capture's replay: over 1 GB).
   */
  private readUntil(deadline: number): Promise<Uint8Array | null | typeof ABORTED> {
    const { signal } = this.ctx;
    if (signal.aborted) return Promise.resolve(ABORTED);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => resolve(ABORTED);
      signal.addEventListener('abort', onAbort, { once: true });
      // The read may outlive an abort; a late rejection then settles nothing and goes nowhere.
      this.ctx.io
        .read(Math.max(0, deadline - this.ctx.io.now()))
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Decodes a chunk and acts on its packages; returns them for a caller waiting on a reply. */
  private receive(chunk: Uint8Array): Cms50Package[] {
    const packages = this.decoder.push(chunk).flatMap((event) => (event.kind === 'package' ? [event.package] : []));
    for (const pkg of packages) this.handle(pkg);
    return packages;
  }

  private async startLive(): Promise<void> {
    // Only data after this start may count as the stream answering it.
    this.liveSinceTick = false;
    await this.ctx.io.write(controlCommand(COMMAND.startLive));
  }

  /** Once per keep-alive interval: keep a flowing stream alive, restart a silent one. */
  private async tick(): Promise<void> {
    const flowing = this.liveSinceTick;
    this.liveSinceTick = false;
    if (flowing) {
      await this.ctx.io.write(controlCommand(COMMAND.keepAlive));
      return;
    }
    // A whole interval without live data: the stream timed out, or the meter was switched off and
    // on again. Asking it to start is harmless while it is off.
    this.endStream();
    await this.startLive();
  }

  private handle(pkg: Cms50Package): void {
    switch (pkg.kind) {
      case 'live': {
        const outputs = this.readings.accept(pkg.frame, this.ctx.io.now());
        if (outputs === null) return;
        this.liveSinceTick = true;
        if (!this.streaming) {
          this.streaming = true;
          this.ctx.setActivity('streaming');
        }
        this.emitAll(outputs);
        return;
      }
      case 'pi-identifier':
        this.readings.setPiSupport(pkg.piValid);
        return;
      case 'disconnect':
        // The meter announces it is going away (switched off, user changed): its stream ends here.
        this.endStream();
        return;
      default:
        // Identifier, feedback (0x0C included) and storage packages carry nothing the live view shows.
        return;
    }
  }

  private endStream(): void {
    this.emitAll(this.readings.flush());
    this.readings.reset();
    if (this.streaming) {
      this.streaming = false;
      this.ctx.setActivity('idle');
    }
  }

  private emitAll(outputs: readonly DriverOutput[]): void {
    for (const output of outputs) this.ctx.emit(output);
  }
}
