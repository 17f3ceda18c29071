/**
 * Web mode with the simulated glucose meter (sim-glucose, a mg/dL meter) on a station whose
 * settings show glucose in mmol/L (`devices.displayUnits.glucose`): a download started from the
 * device panel fills the glucose tile with the newest stored result in mmol/L, labelled with the
 * meter's clock (a stored value, never shown as a live one), and the history table and trend list
 * the day's downloaded results, in mmol/L, at their meter-clock times.
 * Screenshots at 1024x768, 1366x768 and 1920x1080; no serious or critical axe finding.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REVIEW_SIZES, expect, screenshotsAt, test, tile, tileValue, useWebStation } from './fixtures';

const station = useWebStation([], {
  prepare: (dataDir) => writeFile(join(dataDir, 'settings.json'), JSON.stringify({ devices: { displayUnits: { glucose: 'mmol/L' } } }), { mode: 0o600 }),
});

test('a meter download fills the glucose tile with the meter-clock time and the history with the stored results', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize(REVIEW_SIZES[0][1]);
  await page.goto(station.url);
  await station.signIn(page);
  // The meter measures glucose, so its tile waits for a download.
  await expect(tile(page, 'glucose')).toHaveAttribute('data-state', 'absent', { timeout: 20_000 });
  const meter = page.locator('[data-device-id]').filter({ hasText: /glucose meter/i });
  await meter.locator('[data-action="request-measurement"]').click();

  await expect(tile(page, 'glucose')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
  // The tile shows the station's display unit; the simulated patient is near 104 mg/dL, 5.8 mmol/L.
  await expect(tile(page, 'glucose').locator('[data-role="unit"]')).toHaveText('mmol/L');
  const shown = Number(await tileValue(page, 'glucose').innerText());
  expect(shown).toBeGreaterThanOrEqual(5.5);
  expect(shown).toBeLessThanOrEqual(6.0);
  // The default limits (70 and 250 mg/dL) in mmol/L.
  await expect(tile(page, 'glucose').locator('[data-role="limit-low"]')).toContainText('3.9');
  await expect(tile(page, 'glucose').locator('[data-role="limit-high"]')).toContainText('13.9');
  await expect(tile(page, 'glucose')).toContainText('(device clock)');
  await screenshotsAt(page, 'glucose-tile', REVIEW_SIZES);

  await page.getByRole('button', { name: 'Session history' }).click();
  await page.locator('[data-action="history-view"][data-view="table"]').click();
  // The day's three results, each at its meter-clock time: three hours and one hour before the
  // download (outside the default hour's window) and a minute before it.
  const glucoseCells = page.locator('td[data-history-metric="glucose"]:not(:empty)');
  await expect(glucoseCells).toHaveCount(1, { timeout: 10_000 });
  await page.locator('[data-action="history-window"][data-window="24h"]').click();
  await expect(glucoseCells).toHaveCount(3);
  await expect(page.locator('th[data-history-metric="glucose"]')).toHaveText('Glucose (mmol/L)');
  const [newest, afterMeal, beforeMeal] = (await glucoseCells.allInnerTexts()).map(Number);
  expect(newest).toBe(shown);
  expect(afterMeal).toBeGreaterThan(newest! + 1.6);
  expect(Math.abs(beforeMeal! - newest!)).toBeLessThanOrEqual(0.7);
  await screenshotsAt(page, 'glucose-history', REVIEW_SIZES);
  await page.locator('[data-action="history-view"][data-view="chart"]').click();
  await expect(page.locator('[data-trend="glucose"] canvas')).toBeVisible();
  await expect(page.locator('[data-trend="glucose"] figcaption')).toContainText('mmol/L');
  await screenshotsAt(page, 'glucose-trend', REVIEW_SIZES);
});
