/**
 * `replay <capture.cap> [--driver <id>] [--strict]`: runs a capture through the real driver and
 * prints NDJSON as capture-format.md specifies.
 */
import { CaptureFileError, readCaptureFile } from '../../capture/capture-file';
import { RecordStore } from '../../capture/record-store';
import { CaptureFormatError } from '../../capture/format';
import { ReplaySetupError, replayCapture } from '../../capture/replay';
import { hardwareDrivers } from '../../drivers/registry';
import { EXIT_OK, UsageError, parseVerbArgs, type Verb } from '../verb';

export const replayVerb: Verb = {
  name: 'replay',
  summary: 'run a device capture through its driver and print the readings as NDJSON',
  help: `Usage: npm run -s cli -- replay <capture.cap> [--driver <id>] [--strict] [--data-dir DIR]

Runs a device capture (docs: capture format) through the real driver on a virtual clock and prints
one JSON object per line: observations, waveform chunks, device status changes, and a
{"type":"mismatch",...} line for every host-to-device record that differs from the recording.

  --driver <id>  use this driver instead of the one in the capture's "# device:" header
                 (${hardwareDrivers.map((d) => d.id).join(', ')})
  --strict       fail (exit 1) on the first write that differs from the recording

Exit status: 0 replayed, 2 bad input (missing file, malformed capture, unknown driver), 1 failure.
`,
  async run(args, ctx) {
    const { values, positionals } = parseVerbArgs(args, { driver: { type: 'string' }, strict: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('expects exactly one capture file');
    const [file = ''] = positionals;
    try {
      const capture = await readCaptureFile(file, new RecordStore());
      for await (const output of replayCapture(capture, {
        driverId: values.driver,
        strict: values.strict ?? false,
        onHostVariant: (variant) => ctx.stderr(`replay: the recording matches the driver's "${variant.name}" host behaviour (${variant.origin})\n`),
      })) {
        if (ctx.signal.aborted) break;
        ctx.stdout(`${JSON.stringify(output)}\n`);
      }
    } catch (error) {
      if (error instanceof CaptureFileError) throw new UsageError(error.message);
      if (error instanceof CaptureFormatError || error instanceof ReplaySetupError) throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
    return EXIT_OK;
  },
};
