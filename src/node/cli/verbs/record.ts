/**
 * `record --device <id|path> --out <file.cap> [--seconds N]`: records a live device session as a
 * capture (automation-interface.md) through the same hub and driver the station uses, until
 * SIGINT/SIGTERM, the time limit, or the device going away.
 */
import { access } from 'node:fs/promises';
import { PeripheralHub } from '../../hub/hub';
import { findAttached, takeInventory } from '../../hub/inventory';
import { logError, logText } from '../../../shared/log-text';
import { EXIT_FAILURE, EXIT_OK, UsageError, parseVerbArgs, type Verb } from '../verb';
import { realHardware, type HardwareAccess } from './devices';

const POLL_INTERVAL_MS = 1_000;
/** Far longer than any session a support call needs; a typo in --seconds must not record for a week. */
const MAX_SECONDS = 24 * 60 * 60;

export function createRecordVerb(hardware: HardwareAccess): Verb {
  return {
    name: 'record',
    summary: 'record a live device session as a capture file',
    help: `Usage: npm run -s cli -- record --device <id|path> --out <file.cap> [--seconds N] [--data-dir DIR]

Opens the device through its VitalBridge driver and writes everything that passes between the
computer and the device to a new capture file, until Ctrl+C (SIGINT/SIGTERM), N seconds have
passed, or the device is unplugged. The capture replays with: npm run -s cli -- replay <file.cap>

  --device <id|path>  the device's ID or OS path, as "npm run -s cli -- devices" lists them
  --out <file.cap>    the capture to create; an existing file is never overwritten
  --seconds N         stop after N seconds (up to ${MAX_SECONDS})

Exit status: 0 recorded, 2 bad arguments or existing output file, 1 the device is not found,
no driver claims it, or it cannot be opened (the message says what to do).
`,
    async run(args, ctx) {
      const { values, positionals } = parseVerbArgs(args, { device: { type: 'string' }, out: { type: 'string' }, seconds: { type: 'string' } });
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
      if (values.device === undefined || values.device === '') throw new UsageError('--device <id|path> is required');
      if (values.out === undefined || values.out === '') throw new UsageError('--out <file.cap> is required');
      const seconds = values.seconds === undefined ? undefined : parseSeconds(values.seconds);
      if (await exists(values.out)) throw new UsageError(`${values.out} already exists; choose a new file name`);

      const sources = hardware.sources();
      const inventory = await takeInventory(sources, hardware.drivers);
      const attached = findAttached(inventory, values.device);
      if (attached === undefined) {
        for (const failure of inventory.failures) ctx.stderr(`record: ${failure}\n`);
        ctx.stderr(`record: no attached device has the id or path ${values.device}; "npm run -s cli -- devices" lists them\n`);
        return EXIT_FAILURE;
      }
      if (attached.manifest === undefined) {
        ctx.stderr(`record: no VitalBridge driver supports ${values.device} (${attached.candidate.product === undefined ? 'unknown product' : logText(attached.candidate.product)})\n`);
        return EXIT_FAILURE;
      }
      const deviceId = attached.candidate.key;
      const name = attached.manifest.name;
      const hub = new PeripheralHub({ sources, drivers: hardware.drivers, pollIntervalMs: POLL_INTERVAL_MS, log: (message) => ctx.stderr(`record: ${message}\n`) });
      let readings = 0;
      hub.on('reading', () => (readings += 1));
      try {
        await hub.start();
        try {
          await hub.startRecording(deviceId, values.out);
        } catch (error) {
          ctx.stderr(`record: cannot record ${name}: ${logError(error)}\n`);
          return EXIT_FAILURE;
        }
        ctx.stderr(`Recording ${name} (${logText(deviceId)}) to ${values.out}; ${seconds === undefined ? 'press Ctrl+C to stop' : `stopping after ${seconds} s`}.\n`);
        const ending = await untilRecordingEnds(hub, deviceId, ctx.signal, seconds);
        ctx.stderr(`${ending.message}; ${readings} readings recorded to ${values.out}.\n`);
        return ending.failed ? EXIT_FAILURE : EXIT_OK;
      } finally {
        await hub.close();
      }
    },
  };
}

export const recordVerb = createRecordVerb(realHardware);

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SECONDS) throw new UsageError(`--seconds must be a number above 0 and at most ${MAX_SECONDS}, not ${text}`);
  return seconds;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Resolves when the user stops, the time is up, or the device leaves or fails. */
function untilRecordingEnds(hub: PeripheralHub, deviceId: string, signal: AbortSignal, seconds: number | undefined): Promise<{ message: string; failed: boolean }> {
  return new Promise((resolve) => {
    const cleanups: Array<() => void> = [];
    const finish = (message: string, failed = false): void => {
      for (const cleanup of cleanups) cleanup();
      resolve({ message, failed });
    };
    if (signal.aborted) return finish('Stopped');
    const onAbort = (): void => finish('Stopped');
    signal.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener('abort', onAbort));
    if (seconds !== undefined) {
      const timer = setTimeout(() => finish(`Stopped after ${seconds} s`), seconds * 1000);
      cleanups.push(() => clearTimeout(timer));
    }
    cleanups.push(
      hub.on('devices', (devices) => {
        const device = devices.find((info) => info.id === deviceId);
        if (device?.state === 'disconnected') finish(`The device went away (${device.reason ?? 'disconnected'})`);
        else if (device?.state === 'error') finish(`The device failed: ${device.reason ?? 'unknown error'}. ${device.action ?? ''}`.trim(), true);
      }),
    );
  });
}
