/**
 * Web mode with the simulated peripherals, signed in as a nurse: live tiles that change, a moving
 * pleth, a measurement started from the device panel, the history screen, accessibility, and
 * screenshots at kiosk and laptop sizes.
 */
import { VIEWPORTS, canvasFingerprint, expect, screenshot, seriousAxeViolations, test, tile, tileValue, useWebStation } from './fixtures';
import type { Page } from '@playwright/test';

const station = useWebStation();

async function distinctValues(page: Page, metric: string, wanted: number): Promise<Set<string>> {
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        if ((await tile(page, metric).getAttribute('data-state')) === 'live') seen.add(await tileValue(page, metric).innerText());
        return seen.size;
      },
      { timeout: 45_000, intervals: [250] },
    )
    .toBeGreaterThanOrEqual(wanted);
  return seen;
}

test('the simulated oximeter drives changing SpO2 and pulse tiles and a moving pleth', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(station.url);
  await station.signIn(page);
  await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect(tile(page, 'spo2').locator('[data-role="unit"]')).toHaveText('%');
  await expect(tile(page, 'pulseRate').locator('[data-role="unit"]')).toHaveText('bpm');
  for (const value of await distinctValues(page, 'spo2', 2)) expect(Number(value)).toBeGreaterThanOrEqual(50);
  for (const value of await distinctValues(page, 'pulseRate', 2)) expect(Number(value)).toBeGreaterThan(20);

  const first = await canvasFingerprint(page, 'pleth');
  await expect.poll(() => canvasFingerprint(page, 'pleth'), { timeout: 5_000 }).not.toBe(first);
  expect(first).not.toBe('empty');
  // Nothing here measures heart rate or respiration: no tile waits for them (monitor-tiles.spec.ts).
  for (const unmeasured of ['heartRate', 'respiratoryRate']) await expect(tile(page, unmeasured)).toHaveCount(0);
});

test('a measurement started from the device panel fills the blood-pressure tiles and the history', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(station.url);
  await station.signIn(page);
  const cuff = page.locator('[data-device-id]').filter({ hasText: /pressure/i });
  await cuff.locator('[data-action="request-measurement"]').click();
  for (const metric of ['systolic', 'diastolic']) {
    await expect(tile(page, metric)).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
    await expect(tile(page, metric).locator('[data-role="unit"]')).toHaveText('mmHg');
    expect(Number(await tileValue(page, metric).innerText())).toBeGreaterThan(20);
  }
  await page.getByRole('button', { name: 'Session history' }).click();
  await expect(page.locator('[data-trend="spo2"] canvas')).toBeVisible();
  await page.locator('[data-action="history-view"][data-view="table"]').click();
  const cuffSystolic = page.locator('tr[data-row-kind="spot"] td[data-history-metric="systolic"]:not(:empty)').first();
  await expect(cuffSystolic).toHaveText(/^\d+$/);
  const systolic = await cuffSystolic.innerText();

  // The history is the encounter's, from the records: signing out and in again (or a reload) keeps it.
  await page.locator('[data-action="sign-out"]').click();
  await station.signIn(page);
  await page.getByRole('button', { name: 'Session history' }).click();
  await expect(page.locator('[data-role="history-status"]')).not.toHaveAttribute('data-loaded', '0', { timeout: 10_000 });
  await expect(page.locator('[data-trend="bp"] canvas')).toBeVisible();
  await page.locator('[data-action="history-view"][data-view="table"]').click();
  await expect(cuffSystolic).toHaveText(systolic);
  for (const viewport of [VIEWPORTS.laptop, { width: 1024, height: 768 }]) {
    await page.setViewportSize(viewport);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `history-after-sign-in-${viewport.width}x${viewport.height}`);
  }
});

test('every screen passes axe at kiosk and laptop sizes, is keyboard operable, and is captured', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(station.url);
  await station.signIn(page);
  await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  // The other tests' measurement may or may not be finished; start one so history has spot readings.
  await page.locator('[data-action="request-measurement"]:enabled').first().click();
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.getByRole('button', { name: 'Monitor' }).click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `monitor-${size}`);

    await page.getByRole('button', { name: 'Monitor' }).focus();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Session history' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('main[aria-label="Session history"]')).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `history-${size}`);
  }
});
