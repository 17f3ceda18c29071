/**
 * The live session with a CMS50D+/E/F: start the real-time stream, keep it alive on the io's clock,
 * stop it when the hub closes the device. Package decoding lives in ./decoder, the output policy in
 * ./live-readings.
 */
import type { DriverOutput } from '../../../shared/readings';
import { DeviceClosedError, type Driver, type DriverContext } from '../driver';
import { Cms50Decoder, type Cms50Package } from './decoder';
import { Cms50LiveReadings } from './live-readings';
import { COMMAND, KEEP_ALIVE_INTERVAL_MS, controlCommand } from './protocol';

const ABORTED = Symbol('aborted');

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
    const aborted = new Promise<typeof ABORTED>((resolve) => {
      if (signal.aborted) resolve(ABORTED);
      else signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
    });
    try {
      // Start first so the stream flows at once; the PI question is allowed during streaming, and
      // its answer decides which packages V7 wants discarded.
      await io.write(controlCommand(COMMAND.startLive));
      await io.write(controlCommand(COMMAND.askPiSupport));
      let nextTick = io.now() + KEEP_ALIVE_INTERVAL_MS;
      while (!signal.aborted) {
        const read = io.read(Math.max(0, nextTick - io.now()));
        // The read may outlive an abort; its late rejection must not go unhandled.
        read.catch(() => undefined);
        const chunk = await Promise.race([read, aborted]);
        if (chunk === ABORTED) break;
        if (chunk === null) this.emitAll(this.readings.flush());
        else for (const event of this.decoder.push(chunk)) if (event.kind === 'package') this.handle(event.package);
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
    await this.ctx.io.write(controlCommand(COMMAND.startLive));
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
        // Identifier, feedback and storage packages carry nothing the live view shows.
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
