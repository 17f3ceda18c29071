/**
 * Session history with the simulated oximeter and cuff: uPlot trend charts over the chosen window
 * with a cursor that reads value and time, the flowsheet with the cuff's measurement on a row of its
 * own beside the per-minute oximetry (median, lowest–highest), the parameter filter, and the
 * history surviving a reload. Screenshots and axe at 1024×768, 1366×768 and 1920×1080.
 */
import { expect, screenshot, seriousAxeViolations, test, tile, useWebStation } from './fixtures';
import type { Page } from '@playwright/test';

const station = useWebStation();
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];

const openHistory = (page: Page) => page.getByRole('button', { name: 'Session history' }).click();
const choose = (page: Page, action: string, attribute: string, value: string) => page.locator(`[data-action="${action}"][${attribute}="${value}"]`);
const cuffRow = (page: Page) => page.locator('[data-role="history-table"] tr[data-row-kind="spot"]').filter({ has: page.locator('td[data-history-metric="systolic"]:not(:empty)') });

test('history charts and flowsheet show the cuff beside per-minute oximetry, over the chosen window, after a reload too', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize(SIZES[1]!);
  await page.goto(station.url);
  await station.signIn(page);
  await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await page.locator('[data-device-id]').filter({ hasText: /pressure/i }).locator('[data-action="request-measurement"]').click();
  await expect(tile(page, 'systolic')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });

  await openHistory(page);
  const spo2Chart = page.locator('[data-role="trend-chart"][data-trend="spo2"]');
  await expect(spo2Chart.locator('canvas')).toBeVisible();
  await expect(page.locator('[data-role="trend-chart"][data-trend="bp"] canvas')).toBeVisible();
  // The cursor reads the exact value and time of the point under it.
  const plot = spo2Chart.locator('.u-over');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
  await expect(spo2Chart.locator('.u-legend .u-series').first().locator('.u-value')).toHaveText(/^\d{2}:\d{2}:\d{2}$/);
  await expect(spo2Chart.locator('.u-legend .u-series').nth(1).locator('.u-value')).toHaveText(/^\d+ %$/);
  // The band is the alarm limits of the parameter drawn: the cuff's systolic, or its diastolic once systolic is hidden.
  const bpPlot = page.locator('[data-role="trend-chart"][data-trend="bp"] [role="group"]');
  await expect(bpPlot).toHaveAttribute('aria-label', /; Systolic alarm limits 90 to 180$/);
  await page.locator('[data-action="history-filter"][data-history-metric="systolic"]').uncheck();
  await expect(bpPlot).toHaveAttribute('aria-label', /; Diastolic alarm limits 40 to 110$/);
  await page.locator('[data-action="history-filter"][data-history-metric="systolic"]').check();

  for (const window of ['15min', '8h', '24h', 'encounter', '1h']) {
    await choose(page, 'history-window', 'data-window', window).click();
    await expect(choose(page, 'history-window', 'data-window', window)).toHaveAttribute('aria-pressed', 'true');
    await expect(spo2Chart.locator('canvas')).toBeVisible();
  }
  for (const size of SIZES) {
    await page.setViewportSize(size);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `history-chart-${size.width}x${size.height}`);
  }

  await choose(page, 'history-view', 'data-view', 'table').click();
  const table = page.locator('[data-role="history-table"]');
  await expect(table).toBeVisible();
  await expect(cuffRow(page)).toHaveCount(1);
  await expect(cuffRow(page).locator('td[data-history-metric="diastolic"]')).toHaveText(/^\d+$/);
  const systolic = await cuffRow(page).locator('td[data-history-metric="systolic"]').innerText();
  // Oximetry is summarised per minute, the spread of the minute beside its median.
  await expect(table.locator('tr[data-row-kind="minute"] td[data-history-metric="spo2"]').first()).toHaveText(/^\d+/);
  await expect.poll(() => table.locator('tr[data-row-kind="minute"] [data-role="min-max"]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
  await expect(table.locator('[data-role="min-max"]').first()).toHaveText(/^\d+(\.\d)?–\d+(\.\d)?$/);
  const minuteRows = await table.locator('tr[data-row-kind="minute"]').count();
  expect(minuteRows).toBeLessThan(10);

  // The filter takes SpO₂ out of the table and leaves the cuff's row.
  await page.locator('[data-action="history-filter"][data-history-metric="spo2"]').uncheck();
  await expect(table.locator('th[data-history-metric="spo2"]')).toHaveCount(0);
  await expect(cuffRow(page)).toHaveCount(1);
  await page.locator('[data-action="history-filter"][data-history-metric="spo2"]').check();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `history-table-${size.width}x${size.height}`);
  }

  // Scrolled, each row's time stays beside its readings; only the column headings stay on top.
  await table.locator('xpath=..').evaluate((scroller: HTMLElement) => {
    scroller.style.maxHeight = '5rem';
    scroller.scrollTop = scroller.scrollHeight;
  });
  const firstRow = table.locator('tbody tr').first();
  const rowTime = (await firstRow.locator('th').boundingBox())!;
  const rowReading = (await firstRow.locator('td').first().boundingBox())!;
  expect(Math.abs(rowTime.y - rowReading.y)).toBeLessThan(1);

  // A reload keeps the encounter's history: it comes back from the records.
  await page.reload();
  await station.signIn(page);
  await openHistory(page);
  await expect(page.locator('[data-role="history-status"]')).not.toHaveAttribute('data-loaded', '0', { timeout: 10_000 });
  await choose(page, 'history-view', 'data-view', 'table').click();
  await expect(cuffRow(page).locator('td[data-history-metric="systolic"]')).toHaveText(systolic);
  await expect(table.locator('tr[data-row-kind="minute"] td[data-history-metric="spo2"]').first()).toHaveText(/^\d+/);
});
