/**
 * The monitor's numerics and the alarm system, with the simulated patient desaturating in real
 * time (SpO2 below its 90 % limit for about a minute): the SpO2 tile takes the high priority's
 * colour and flash rate (steady once acknowledged), every watched tile shows its limits, and neither
 * the alarm nor a measurement moves a tile.
 */
import type { Locator, Page } from '@playwright/test';
import { ALARM_VISUALS } from '../../src/shared/clinical/alarm-presentation';
import { VIEWPORTS, expect, screenshot, seriousAxeViolations, test, tile, useWebStation } from './fixtures';

const station = useWebStation(['--scenario', 'desaturation']);

const SIZES = [{ width: 1024, height: 768 }, VIEWPORTS.laptop, VIEWPORTS.kiosk];

/** Every tile's box, by metric, rounded to the pixel. */
async function tileBoxes(page: Page): Promise<Record<string, string>> {
  return page.locator('.tiles [data-metric]').evaluateAll((tiles) =>
    Object.fromEntries(
      tiles.map((element) => {
        const box = element.getBoundingClientRect();
        return [element.getAttribute('data-metric'), [box.x, box.y, box.width, box.height].map(Math.round).join(',')];
      }),
    ),
  );
}

const lampOf = (locator: Locator) =>
  locator.locator('[data-role="alarm-lamp"]').evaluate((lamp) => {
    const style = getComputedStyle(lamp);
    return { name: style.animationName, duration: style.animationDuration, colour: style.backgroundColor, image: style.backgroundImage };
  });

async function captureEverySize(page: Page, name: string): Promise<void> {
  for (const viewport of SIZES) {
    await page.setViewportSize(viewport);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `${name}-${viewport.width}x${viewport.height}`);
  }
  await page.setViewportSize(VIEWPORTS.laptop);
}

test('a tile in alarm flashes in its priority colour, is steady once acknowledged, shows its limits, and no tile moves', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize(VIEWPORTS.laptop);
  await page.goto(station.url);
  await station.signIn(page);
  const spo2 = tile(page, 'spo2');
  await expect(spo2).toHaveAttribute('data-state', 'live', { timeout: 30_000 });

  // Limits beside the numerics, in the tile's unit; SpO2 has no high limit.
  await expect(spo2.locator('[data-role="limit-low"]')).toHaveText('low alarm limit 90');
  await expect(spo2.locator('[data-role="limit-high"]')).toHaveText('high alarm limit alarm off');
  await expect(tile(page, 'pulseRate').locator('[data-role="limit-high"]')).toHaveText('high alarm limit 120');
  await expect(tile(page, 'pulseRate').locator('[data-role="limit-low"]')).toHaveText('low alarm limit 50');
  await expect(spo2).not.toHaveAttribute('data-alarm-priority');
  await captureEverySize(page, 'monitor-normal');
  const before = await tileBoxes(page);

  await expect(spo2).toHaveAttribute('data-alarm-priority', 'high', { timeout: 90_000 });
  await expect(page.locator('.alarm-banner [data-alarm-priority="high"]')).toBeVisible();
  expect(await tileBoxes(page)).toEqual(before);
  await expect(spo2.locator('[data-role="tile-alarm"]')).toHaveText('*** High');
  const { high } = ALARM_VISUALS;
  expect(await lampOf(spo2)).toMatchObject({ name: 'alarm-flash', duration: `${1 / high.flashHz}s`, colour: 'rgb(224, 0, 0)' });
  // Reduced motion: no flashing, the banner's striped lamp sets the priority apart on the tile too.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const still = await lampOf(spo2);
  expect(still.name).toBe('none');
  expect(still.image).toMatch(/^repeating-linear-gradient\(45deg, rgb\(224, 0, 0\)/);
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await captureEverySize(page, 'monitor-alarm');

  await page.locator('.alarm-banner [data-alarm-priority="high"] [data-action="acknowledge-alarm"]').click();
  await expect(spo2).toHaveAttribute('data-alarm-acknowledged', 'true');
  await expect(spo2.locator('[data-role="tile-alarm"]')).toHaveText('*** Acknowledged');
  expect(await lampOf(spo2)).toMatchObject({ name: 'none', colour: 'rgb(224, 0, 0)' });
  await captureEverySize(page, 'monitor-acknowledged');
  expect(await tileBoxes(page)).toEqual(before);

  // A measurement started (and the cuff's state changing with it) moves nothing either.
  await page.locator('[data-device-id]').filter({ hasText: /pressure/i }).locator('[data-action="request-measurement"]').click();
  await expect(tile(page, 'systolic')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
  expect(await tileBoxes(page)).toEqual(before);

  // The condition ends as the patient recovers: the tile leaves alarm.
  await expect(spo2).not.toHaveAttribute('data-alarm-priority', /./, { timeout: 90_000 });
});
