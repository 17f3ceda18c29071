/**
 * The one driver for every simulated device: it decodes the device's messages and passes them on,
 * and sends the measure command when the station asks for a measurement.
 */
import type { DeviceIo, Driver, DriverContext } from '../drivers/driver';
import { LineDecoder, MEASURE_COMMAND, encodeLine, parseDeviceMessage } from './wire';

/** How long one read waits; also the longest a measurement request waits to be sent. */
const READ_TIMEOUT_MS = 100;

/** Reads one chunk; resolves undefined as soon as the hub aborts the driver. */
function readUnlessAborted(io: DeviceIo, signal: AbortSignal): Promise<Uint8Array | null | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    io.read(READ_TIMEOUT_MS).then(
      (chunk) => {
        signal.removeEventListener('abort', onAbort);
        resolve(signal.aborted ? undefined : chunk);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) resolve(undefined);
        else reject(error);
      },
    );
  });
}

export function createSimulatedLinkDriver(): Driver {
  let measurementRequested = false;
  return {
    requestMeasurement() {
      measurementRequested = true;
    },
    async run(ctx: DriverContext) {
      const decoder = new LineDecoder();
      for (;;) {
        if (measurementRequested) {
          measurementRequested = false;
          await ctx.io.write(encodeLine(MEASURE_COMMAND));
        }
        const chunk = await readUnlessAborted(ctx.io, ctx.signal);
        if (chunk === undefined) return;
        if (chunk === null) continue;
        for (const line of decoder.push(chunk)) {
          const message = parseDeviceMessage(line);
          if (message.type === 'activity') ctx.setActivity(message.activity);
          else ctx.emit(message);
        }
      }
    },
  };
}
