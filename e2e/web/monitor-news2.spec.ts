/**
 * The monitor's NEWS2 summary: before the score can be given it says so; once the devices have
 * measured and a nurse entered the rest, it shows the NEWS2 screen's total on its RCP band colour
 * with the age of the oldest input, and opens the NEWS2 screen. The simulated patient's vitals all
 * score 0 or 1, so "new confusion" (a single 3) gives the low–medium band, the one easiest to get
 * wrong: RCP chart 3 shades it yellow, between the green low and the orange medium.
 */
import { VIEWPORTS, expect, screenshot, seriousAxeViolations, test, tile, useWebStation } from './fixtures';

const station = useWebStation();

/** news2.css's low–medium band (#ffd23f): RCP chart 3's yellow, not the orange of medium or the red of the "red score" cell. */
const LOW_MEDIUM_YELLOW = 'rgb(255, 210, 63)';

test('the NEWS2 summary on the monitor shows a red-score total in the low–medium yellow with its oldest input, and opens the NEWS2 screen', async ({ page }) => {
  test.setTimeout(150_000);
  await page.setViewportSize(VIEWPORTS.laptop);
  await page.goto(station.url);
  await station.signIn(page);
  await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  const summary = page.locator('[data-action="open-news2"]');
  await expect(summary).toHaveAttribute('data-news2-risk', 'none');
  await expect(summary).toContainText(/Cannot score: \d+ inputs? missing or too old/);

  for (const name of [/pressure/i, /thermometer/i]) {
    await page.locator('[data-device-id]').filter({ hasText: name }).locator('[data-action="request-measurement"]').click();
  }
  await summary.click();
  await expect(page.locator('main[aria-label="NEWS2"]')).toBeVisible();
  await page.getByLabel('Respiration rate (/min)').fill('18');
  await page.getByLabel('Consciousness (ACVPU)').selectOption('C');
  await page.getByLabel('Air or oxygen?').selectOption('air');
  await page.locator('[data-action="enter-news2"]').click();
  const total = page.locator('[data-role="news2-total"]');
  await expect(total).toBeVisible({ timeout: 60_000 });
  const screenTotal = await total.innerText();
  const screenBand = page.locator('main[aria-label="NEWS2"] [data-news2-risk]');
  await expect(screenBand).toHaveAttribute('data-news2-risk', 'low-medium');
  expect(await screenBand.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(LOW_MEDIUM_YELLOW);

  await page.locator('[data-screen-link="monitor"]').click();
  await expect(summary).toHaveAttribute('data-news2-risk', 'low-medium');
  const summaryTotal = summary.locator('[data-role="news2-summary-total"]');
  await expect(summaryTotal).toHaveText(screenTotal);
  expect(await summaryTotal.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(LOW_MEDIUM_YELLOW);
  await expect(summary.locator('[data-role="news2-summary-age"]')).toHaveText(/^Oldest input (now|\d+ s old|\d+ min old)$/);
  for (const viewport of [{ width: 1024, height: 768 }, VIEWPORTS.laptop, VIEWPORTS.kiosk]) {
    await page.setViewportSize(viewport);
    await screenshot(page, `monitor-news2-${viewport.width}x${viewport.height}`);
    await expect(summary).toBeInViewport({ ratio: 1 });
    // Nothing pushes the page wider than the screen (the header's buttons did at 1024 px).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    expect(await seriousAxeViolations(page)).toEqual([]);
  }
  await summary.click();
  await expect(page.locator('main[aria-label="NEWS2"]')).toBeVisible();
});
