/**
 * Replays the four shared Omron HEM-790IT captures (vendor-software logs) strictly through the real
 * driver and checks every `# expect:` value, read from the capture itself.
 *
 * The vendor software is not consistent about clearing blocks the unit ignores completely: in the
 * 2008 logs it sends a second one before its first command, in the 2007 logs it does not, with
 * nothing the unit sent to tell the two apart. No single policy can therefore reproduce all four
 * logs write for write: the driver defaults to two silent blocks (LinkPolicy.silentClearingBlocks)
 * and declares the 2007 behaviour as a host variant, which replay falls back to. The last block
 * below proves the two policies are indeed incompatible.
 */
import { describe, expect, it } from 'vitest';
import { isHostToDevice, type Capture } from '../src/node/capture/format';
import { replayCaptureToArray, type ReplayOutput } from '../src/node/capture/replay';
import type { DriverManifest } from '../src/node/drivers/driver';
import { parseReply } from '../src/node/drivers/omron-hem790it/commands';
import { OmronHem790itDriver } from '../src/node/drivers/omron-hem790it/driver';
import { omronHem790itManifest } from '../src/node/drivers/omron-hem790it/manifest';
import { decodeInputReport } from '../src/node/drivers/omron-hem790it/reports';
import type { Observation } from '../src/shared/readings';
import { expectation, readCapture } from './replay-helpers';

// Each policy on its own, without the manifest's fallback to its host variants.
const defaultPolicyOnly: DriverManifest = { ...omronHem790itManifest, hostVariants: [] };
const giveUpAfterOneSilentBlock: DriverManifest = { ...defaultPolicyOnly, create: () => new OmronHem790itDriver({ silentClearingBlocks: 1 }) };

const CAPTURES = [
  { name: 'omron-hem790it-one-reading.cap', manifest: omronHem790itManifest },
  { name: 'omron-hem790it-two-readings.cap', manifest: omronHem790itManifest },
  { name: 'omron-hem790it-2007-one-reading.cap', manifest: omronHem790itManifest },
  { name: 'omron-hem790it-2007-two-readings.cap', manifest: omronHem790itManifest },
];

interface ExpectedReading {
  time: string;
  systolic: number;
  diastolic: number;
  pulseRate: number;
}

function expectedReadings(line: string): { count: number; readings: ExpectedReading[] } {
  const count = Number(/readings=(\d+)/.exec(line)?.[1]);
  const readings = Array.from(line.matchAll(/time=(\S+) systolic=(\d+) diastolic=(\d+) pulseRate=(\d+)/g), (m) => ({
    time: m[1] ?? '',
    systolic: Number(m[2]),
    diastolic: Number(m[3]),
    pulseRate: Number(m[4]),
  }));
  return { count, readings };
}

/** The unit's answers as recorded: the counted bytes of the `in` records between two host writes. */
function recordedAnswers(capture: Capture): Uint8Array[] {
  const answers: number[][] = [];
  let current: number[] | null = null;
  for (const record of capture.records) {
    if (isHostToDevice(record.direction)) {
      current = null;
      continue;
    }
    const report = decodeInputReport(record.bytes);
    if (report.kind !== 'data') continue;
    if (current === null) answers.push((current = []));
    current.push(...report.bytes);
  }
  return answers.map((answer) => Uint8Array.from(answer));
}

const observationsOf = (outputs: ReplayOutput[]): Observation[] => outputs.filter((o): o is Observation => o.type === 'observation');

describe.each(CAPTURES)('Omron capture $name', ({ name, manifest }) => {
  const line = expectation(name);

  it('replays strictly and yields exactly the expected readings', async () => {
    const outputs = await replayCaptureToArray(readCapture(name), { drivers: [manifest], strict: true });
    const expected = expectedReadings(line);
    expect(expected.readings).toHaveLength(expected.count);
    expect(outputs.filter((o) => o.type === 'mismatch')).toEqual([]);
    expect(observationsOf(outputs)).toEqual(
      // The three values of each stored reading are numbered as one measurement.
      expected.readings.flatMap((r, measurement) => [
        { type: 'observation', metric: 'systolic', value: r.systolic, unit: 'mm[Hg]', time: r.time, measurement },
        { type: 'observation', metric: 'diastolic', value: r.diastolic, unit: 'mm[Hg]', time: r.time, measurement },
        { type: 'observation', metric: 'pulseRate', value: r.pulseRate, unit: '/min', time: r.time, measurement },
      ]),
    );
  });

  it('holds answers whose checks all pass, the stated GDC count, NO answers and version', () => {
    const answers = recordedAnswers(readCapture(name));
    // `OK 00 data XOR`; the bare OK of a clearing block and END's `OK` + `OFF\r\n` carry no check.
    const withData = answers.filter((a) => a.length > 3 && a[0] === 0x4f && a[1] === 0x4b && a[2] === 0x00);
    expect(withData.length).toBeGreaterThan(0);
    for (const answer of withData) expect(parseReply(answer, answer.length - 3).kind).toBe('ok');

    // GDC is the only command whose answer carries 5 data bytes (count in byte 3, then the XOR).
    const gdc = withData.filter((a) => a.length === 8);
    expect(gdc.map((a) => a[6])).toEqual([Number(/GDC count (\d+)/.exec(line)?.[1])]);

    const noAnswers = answers.filter((a) => a.length === 2 && a[0] === 0x4e && a[1] === 0x4f).length;
    if (/answered NO/.test(line)) expect(noAnswers).toBeGreaterThan(0);
    else expect(noAnswers).toBe(0);

    const version = /device version "([^"]+)"/.exec(line)?.[1];
    if (version) {
      const versions = withData.filter((a) => a.length === 15).map((a) => new TextDecoder().decode(a.subarray(3, 14)));
      expect(new Set(versions)).toEqual(new Set([version]));
    }
  });
});

describe('the vendor software clears differently in the 2007 and 2008 logs', () => {
  it.each([
    ['omron-hem790it-2007-one-reading.cap', defaultPolicyOnly],
    ['omron-hem790it-one-reading.cap', giveUpAfterOneSilentBlock],
  ] as const)('%s cannot be replayed strictly with the other policy', async (name, manifest) => {
    await expect(replayCaptureToArray(readCapture(name), { drivers: [manifest], strict: true })).rejects.toThrow(/^write 7 \(capture line \d+\)/);
  });
});

describe('replay falls back to the host variant the recording shows', () => {
  it('announces the variant it used for a 2007 log and none for a 2008 log', async () => {
    const used: string[] = [];
    await replayCaptureToArray(readCapture('omron-hem790it-2007-one-reading.cap'), { strict: true, onHostVariant: (v) => used.push(v.name) });
    await replayCaptureToArray(readCapture('omron-hem790it-one-reading.cap'), { strict: true, onHostVariant: (v) => used.push(v.name) });
    expect(used).toEqual(['one-silent-clearing-block']);
  });
});
