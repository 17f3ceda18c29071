/**
 * A replayed capture on the screen: the Omron HEM-790IT memory download of two readings. The newest
 * (2008-04-21 16:18:38, 119/79) is shown with its device time and, being years old, as stale; the
 * history lists both. Web mode's `--replay <file>` attaches the capture as a device played at recorded speed.
 */
import { resolve } from 'node:path';
import { expect, screenshot, test, tile, tileValue, useWebStation } from './fixtures';

const CAPTURE = resolve('resources/captures/omron-hem790it-two-readings.cap');

const station = useWebStation(['--replay', CAPTURE]);

test('a replayed capture shows its values with the device time', async ({ page }) => {
  await page.goto(station.url);
  await station.signIn(page);
  await expect(tileValue(page, 'systolic')).toHaveText('119', { timeout: 30_000 });
  await expect(tileValue(page, 'diastolic')).toHaveText('79');
  await expect(tile(page, 'systolic')).toHaveAttribute('data-state', 'stale');
  await expect(tile(page, 'systolic').locator('time')).toHaveText('2008-04-21 16:18:38');
  await page.getByRole('button', { name: 'Session history' }).click();
  // Measured in 2008: only the window since the encounter began reaches back to them, dated in the table.
  await page.locator('[data-action="history-window"][data-window="encounter"]').click();
  await page.locator('[data-action="history-view"][data-view="table"]').click();
  const systolic = page.locator('tr[data-row-kind="spot"] td[data-history-metric="systolic"]');
  await expect(systolic).toHaveText(['119', /^\d+$/]);
  await expect(page.locator('tr[data-row-kind="spot"] th').first()).toHaveText(/^(21 Apr 2008|Apr 21, 2008) 16:18:38$/);
  await screenshot(page, 'history-replay');
});
