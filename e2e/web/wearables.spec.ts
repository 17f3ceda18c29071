/**
 * A Garmin watch plugged in (a fake watch drive under --watch-mounts, its FIT files written with the
 * SDK's Encoder): the station asks before reading it, imports on "Import", and the history screen
 * lists the watch's readings with their age. Screenshots and axe at 1024×768, 1366×768, 1920×1080.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWatchFile, minutes, writeFakeWatch } from '../../src/node/wearables/fit-test-files';
import { expect, screenshot, seriousAxeViolations, test, tile, useWebStation } from './fixtures';

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];
const HOUR = 3600_000;

const mounts = mkdtempSync(join(tmpdir(), 'vitalbridge-e2e-mounts-'));
const now = Date.now();
const threeHoursAgo = new Date(now - 3 * HOUR);
const bedtime = new Date(now - 14 * HOUR);
const twoDaysAgo = new Date(now - 48 * HOUR);
writeFakeWatch(join(mounts, 'GARMIN'), {
  Monitor: {
    'A.FIT': encodeWatchFile(twoDaysAgo, 0, [
      { kind: 'steps', at: twoDaysAgo, activity: 'walking', steps: 6400 },
      { kind: 'steps', at: new Date(now - 4 * HOUR), activity: 'walking', steps: 900 },
      { kind: 'restingHeartRate', at: threeHoursAgo, bpm: 53 },
      { kind: 'heartRate', at: threeHoursAgo, bpm: 66 },
    ]),
  },
  Sleep: {
    'B.FIT': encodeWatchFile(bedtime, 0, [
      { kind: 'sleepLevel', at: bedtime, level: 'light' },
      { kind: 'sleepLevel', at: minutes(bedtime, 200), level: 'deep' },
      { kind: 'sleepLevel', at: minutes(bedtime, 300), level: 'rem' },
      { kind: 'sleepLevel', at: minutes(bedtime, 420), level: 'awake' },
      { kind: 'hrv', at: minutes(bedtime, 420), rmssdMs: 38 },
    ]),
  },
});
test.afterAll(() => rmSync(mounts, { recursive: true, force: true }));

const station = useWebStation(['--watch-mounts', mounts]);

test('a connected watch is imported only after the person agrees, and its readings show in the history with their age', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize(SIZES[1]!);
  await page.goto(station.url);
  await station.signIn(page);
  const prompt = page.locator('[data-role="wearable-prompt"]');
  await expect(prompt).toHaveAttribute('data-state', 'asking');
  await expect(prompt).toContainText('A Garmin watch (fenix 6) was connected — import its data?');
  for (const size of SIZES) {
    await page.setViewportSize(size);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `wearable-prompt-${size.width}x${size.height}`);
  }
  // Nothing is filed before the answer: the history has no watch readings yet, and the import
  // below files every one of them as new (none "imported before").
  await page.getByRole('button', { name: 'Session history' }).click();
  await expect(page.locator('[data-role="history-status"]')).toHaveAttribute('data-loaded', /^\d+$/);
  await expect(page.locator('[data-role="wearable-readings"]')).toHaveCount(0);

  await page.locator('[data-action="wearable-import"]').click();
  // Heart rate, resting heart rate, the complete day's steps, sleep (total, light, deep, REM) and HRV.
  await expect(page.locator('[data-role="wearable-result"]')).toHaveText('Imported 8 readings from the watch.');
  const readings = page.locator('[data-role="wearable-readings"]');
  await expect(readings).toHaveAttribute('data-count', '8');
  await expect(readings.locator('tr[data-wearable-metric="pulseRate"] [data-role="wearable-age"]')).toHaveText('from your watch, 3 h ago');
  await expect(readings.locator('tr[data-wearable-metric="restingHeartRate"]')).toContainText('53 bpm');
  await expect(readings.locator('tr[data-wearable-metric="sleepDuration"]')).toContainText('420 min');
  await expect(readings.locator('tr[data-wearable-metric="steps"]')).toContainText('6400 steps/day');
  await expect(readings.locator('tr[data-wearable-metric="hrvRmssd"]')).toContainText('38 ms');
  for (const size of SIZES) {
    await page.setViewportSize(size);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `wearable-history-${size.width}x${size.height}`);
  }
  await page.locator('[data-action="wearable-dismiss"]').click();
  await expect(page.locator('[data-role="wearable-prompt"]')).toHaveCount(0);
  // Not live values: no monitor tile, no alarm for any of them.
  await page.getByRole('button', { name: 'Monitor' }).click();
  for (const metric of ['restingHeartRate', 'steps', 'sleepDuration', 'hrvRmssd']) await expect(tile(page, metric)).toHaveCount(0);
});
