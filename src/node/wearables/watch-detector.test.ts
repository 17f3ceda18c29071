import { mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTrackedTempDirs, trackedTempDir } from '../records/test-support';
import { TEST_WATCH, writeFakeWatch } from './fit-test-files';
import { mountPlaces, WatchDetector } from './watch-detector';

const detectors: WatchDetector[] = [];
afterEach(() => {
  for (const detector of detectors.splice(0)) detector.stop();
  removeTrackedTempDirs();
});

function detector(parents: string[], drives: string[] = [], pollMs = 60_000) {
  const made = new WatchDetector({ parents, drives }, pollMs);
  detectors.push(made);
  return made;
}

describe('noticing a watch', () => {
  it('reports a watch already mounted when it starts, with its identity from GarminDevice.xml', async () => {
    const media = trackedTempDir();
    writeFakeWatch(join(media, 'GARMIN'), {});
    mkdirSync(join(media, 'USB STICK'));
    const found = detector([media]);
    await found.start();
    expect(found.connected()).toEqual([
      { drive: join(media, 'GARMIN'), garmin: join(media, 'GARMIN', 'GARMIN'), identity: { manufacturer: 'garmin', model: 'fenix 6', serialNumber: String(TEST_WATCH.serialNumber) } },
    ]);
  });

  it('notices a watch mounted and unmounted later from the mount folder changing, without polling', async () => {
    const media = trackedTempDir();
    const found = detector([media]); // the timer (60 s) never fires in this test: only fs.watch can tell
    await found.start();
    expect(found.connected()).toEqual([]);
    const connected = once(found, 'connected');
    writeFakeWatch(join(media, 'FENIX'), {});
    const [watch] = await connected;
    expect(watch.identity.serialNumber).toBe(String(TEST_WATCH.serialNumber));
    const disconnected = once(found, 'disconnected');
    rmSync(join(media, 'FENIX'), { recursive: true });
    expect((await disconnected)[0].drive).toBe(join(media, 'FENIX'));
    expect(found.connected()).toEqual([]);
  });

  it('looks at drive roots (Windows drive letters) on its timer', async () => {
    const drive = trackedTempDir();
    const found = detector([], [drive], 20);
    await found.start();
    const connected = once(found, 'connected');
    writeFakeWatch(drive, {});
    expect((await connected)[0].drive).toBe(drive);
  });

  it('says once that a GARMIN drive cannot be identified, and reports no watch for it', async () => {
    const media = trackedTempDir();
    const garmin = writeFakeWatch(join(media, 'ODD'), {});
    rmSync(join(garmin, 'GarminDevice.xml'));
    mkdirSync(join(garmin, 'GarminDevice.xml'));
    const found = detector([media]);
    const problems: string[] = [];
    found.on('problem', ({ message }) => problems.push(message));
    await found.start();
    await found.rescan();
    expect(found.connected()).toEqual([]);
    expect(problems).toHaveLength(1);
  });

  it('knows where each OS mounts removable drives', () => {
    expect(mountPlaces('linux', 'ada')).toEqual({ parents: ['/media/ada', '/run/media/ada'], drives: [] });
    expect(mountPlaces('darwin', 'ada')).toEqual({ parents: ['/Volumes'], drives: [] });
    expect(mountPlaces('win32', 'ada').drives).toContain('E:\\');
  });
});
