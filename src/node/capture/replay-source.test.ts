import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StationReading } from '../../shared/contract';
import { PeripheralHub } from '../hub/hub';
import type { DeviceSource } from '../hub/source';
import { CaptureFileError } from './capture-file';
import { CaptureFormatError } from './format';
import { RecordedSpeedClock } from './recorded-speed-clock';
import { ReplaySetupError } from './replay';
import { loadCaptureReplay } from './replay-source';
import { VirtualClock } from './virtual-clock';

const CAPTURES = new URL('../../../resources/captures/', import.meta.url).pathname;
const TWO_READINGS = join(CAPTURES, 'omron-hem790it-two-readings.cap');

let hub: PeripheralHub | undefined;
let scratch: string | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

async function hubWith(file: string, createClock: () => VirtualClock | RecordedSpeedClock) {
  const logged: string[] = [];
  const source = await loadCaptureReplay(file, { index: 0, createClock, log: (line) => logged.push(line) });
  const readings: StationReading[] = [];
  let opens = 0;
  const counting: DeviceSource = {
    transport: source.transport,
    list: () => source.list(),
    onChange: (listener) => source.onChange(listener),
    open: (candidate, manifest) => {
      opens++;
      return source.open(candidate, manifest);
    },
  };
  hub = new PeripheralHub({ sources: [counting], drivers: [source.manifest], pollIntervalMs: 50, retry: { initialMs: 20, maxMs: 20 }, log: (line) => logged.push(line) });
  hub.on('reading', (reading) => readings.push(reading));
  await hub.start();
  return { source, readings, logged, opens: () => opens };
}

describe('capture replay as a hub device', () => {
  it('plays the Omron memory download through the real driver: stored readings with device time and codes, once', async () => {
    const { source, readings, opens } = await hubWith(TWO_READINGS, () => new VirtualClock());
    expect(hub!.devices()[0]).toMatchObject({ id: 'replay:0:omron-hem790it-two-readings.cap', driverId: 'replay-0:omron-hem-790it', name: 'Omron HEM-790IT blood-pressure monitor (replay of omron-hem790it-two-readings.cap)', transport: 'hid' });
    await expect.poll(() => hub!.devices()[0]?.state, { timeout: 10_000 }).toBe('disconnected');
    const systolic = readings.filter((r) => r.metric === 'systolic');
    expect(systolic.map((r) => [r.value, r.deviceTime, r.provenance, r.unit, r.loinc, r.mdc])).toEqual([
      [129, '2008-04-21T16:10:46', 'stored', 'mm[Hg]', ['8480-6'], 150021],
      [119, '2008-04-21T16:18:38', 'stored', 'mm[Hg]', ['8480-6'], 150021],
    ]);
    expect(readings.filter((r) => r.metric === 'diastolic').map((r) => r.value)).toEqual([78, 79]);
    expect(readings.filter((r) => r.metric === 'pulseRate').map((r) => r.value)).toEqual([77, 79]);
    // Played means gone: later polls and retries neither list nor reopen it.
    expect(await source.list()).toEqual([]);
    await new Promise<void>((resolve) => setTimeout(resolve, 200));
    expect(opens()).toBe(1);
    expect(readings).toHaveLength(6);
  });

  it('uses the host variant whose writes match a 2007 vendor log, and logs the choice', async () => {
    const { readings, logged } = await hubWith(join(CAPTURES, 'omron-hem790it-2007-two-readings.cap'), () => new VirtualClock());
    await expect.poll(() => hub!.devices()[0]?.state, { timeout: 10_000 }).toBe('disconnected');
    expect(readings.filter((r) => r.metric === 'systolic')).toHaveLength(2);
    expect(logged.some((line) => /one-silent-clearing-block/.test(line))).toBe(true);
    expect(logged.filter((line) => /driver wrote/.test(line))).toEqual([]);
  });

  it('runs at recorded speed on the wall clock and stops promptly when the hub closes mid-replay', async () => {
    const { readings } = await hubWith(TWO_READINGS, () => new RecordedSpeedClock());
    const startedAt = performance.now();
    await expect.poll(() => hub!.devices()[0]?.state, { timeout: 5_000 }).toBe('measuring');
    expect(readings).toEqual([]);
    await hub!.close();
    // The recording lasts 7.8 s; closing must not wait for it.
    expect(performance.now() - startedAt).toBeLessThan(3_000);
    expect(readings).toEqual([]);
  });

  it('refuses what is not a playable capture with the error of its kind', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'vitalbridge-replay-'));
    const malformed = join(scratch, 'bad.cap');
    await writeFile(malformed, '# vitalbridge-capture 1\n# device: omron-hem-790it\nin 0g\n');
    const unknown = join(scratch, 'unknown.cap');
    await writeFile(unknown, '# vitalbridge-capture 1\n# device: no-such-driver\nin 01\n');
    await expect(loadCaptureReplay(join(scratch, 'missing.cap'), { index: 0 })).rejects.toBeInstanceOf(CaptureFileError);
    await expect(loadCaptureReplay(scratch, { index: 0 })).rejects.toBeInstanceOf(CaptureFileError);
    await expect(loadCaptureReplay(malformed, { index: 0 })).rejects.toBeInstanceOf(CaptureFormatError);
    await expect(loadCaptureReplay(unknown, { index: 0 })).rejects.toBeInstanceOf(ReplaySetupError);
  });
});
