import { describe, expect, it } from 'vitest';
import type { Driver, DriverContext, DriverManifest } from '../drivers/driver';
import { CaptureFormatError } from './format';
import { ReplayMismatchError } from './replay-io';
import { ReplaySetupError, replayCaptureToArray } from './replay';

/** Asks with `01`, then reports every answer's first byte as an SpO2 reading until the device goes away. */
class AskingDriver implements Driver {
  async run({ io, emit }: DriverContext): Promise<void> {
    await io.write(Uint8Array.of(1));
    for (;;) {
      const report = await io.read(1000);
      if (report === null) emit({ type: 'status', condition: 'searching' });
      else emit({ type: 'observation', metric: 'spo2', value: report[0] ?? 0, unit: '%', time: null });
    }
  }
}

const asking: DriverManifest = {
  id: 'asking',
  name: 'Test driver',
  transport: 'hid',
  matches: [],
  metrics: ['spo2'],
  source: 'pulse-oximeter',
  canRequestMeasurement: false,
  create: () => new AskingDriver(),
};

const capture = (device: string, body: string): string => `# vitalbridge-capture 1\n# device: ${device}\n${body}`;

describe('replayCapture', () => {
  it('runs the driver named in the header and yields its outputs in order', async () => {
    const outputs = await replayCaptureToArray(capture('asking', 'out 01\n+10 in 61\n+2000 in 62\n'), { drivers: [asking] });
    expect(outputs).toEqual([
      { type: 'observation', metric: 'spo2', value: 0x61, unit: '%', time: null },
      { type: 'status', condition: 'searching' },
      { type: 'observation', metric: 'spo2', value: 0x62, unit: '%', time: null },
    ]);
  });

  it('lets --driver override the header', async () => {
    const outputs = await replayCaptureToArray(capture('someone-else', 'out 01\nin 50\n'), { drivers: [asking], driverId: 'asking' });
    expect(outputs).toHaveLength(1);
  });

  it('reports mismatched and missing writes after the readings in lenient mode', async () => {
    const outputs = await replayCaptureToArray(capture('asking', 'out 02\nin 50\nout 03\n'), { drivers: [asking] });
    expect(outputs).toEqual([
      { type: 'mismatch', write: 1, line: 3, expected: 'out 02', actual: 'out 01' },
      { type: 'observation', metric: 'spo2', value: 0x50, unit: '%', time: null },
      { type: 'mismatch', write: 2, line: 5, expected: 'out 03', actual: null },
    ]);
  });

  it('fails a strict replay with the mismatch', async () => {
    await expect(replayCaptureToArray(capture('asking', 'out 02\nin 50\n'), { drivers: [asking], strict: true })).rejects.toBeInstanceOf(
      ReplayMismatchError,
    );
  });

  it('fails a strict replay whose driver never makes a recorded write', async () => {
    await expect(replayCaptureToArray(capture('asking', 'out 01\nin 50\nout 03\n'), { drivers: [asking], strict: true })).rejects.toThrow(
      /never wrote "out 03"/,
    );
  });

  it('rejects a capture naming no known driver, or none at all', async () => {
    await expect(replayCaptureToArray(capture('nope', 'in 01\n'), { drivers: [asking] })).rejects.toThrow(/no driver "nope"; known drivers: asking/);
    await expect(replayCaptureToArray('# vitalbridge-capture 1\nin 01\n', { drivers: [asking] })).rejects.toBeInstanceOf(ReplaySetupError);
  });

  it('rejects a malformed capture before running anything', async () => {
    await expect(replayCaptureToArray(capture('asking', 'out 01\nin 5\n'), { drivers: [asking] })).rejects.toBeInstanceOf(CaptureFormatError);
  });

  it('surfaces a driver crash as a failure instead of a quiet end', async () => {
    const crashing: DriverManifest = { ...asking, create: () => ({ run: () => Promise.reject(new RangeError('decoder bug')) }) };
    await expect(replayCaptureToArray(capture('asking', 'in 01\n'), { drivers: [crashing] })).rejects.toThrow('decoder bug');
  });
});
