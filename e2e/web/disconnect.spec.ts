/**
 * Scenario device-disconnect: the simulated oximeter is unplugged 10 s after start. Its tiles must
 * turn stale at once (the number kept, marked), the device must show as disconnected, and the
 * pleth must stop tracing.
 */
import { canvasFingerprint, expect, screenshot, seriousAxeViolations, test, tile, tileValue, useWebStation } from './fixtures';

const station = useWebStation(['--scenario', 'device-disconnect']);

test('unplugging the simulated oximeter turns its tiles stale and shows the device state', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(station.url);
  await station.signIn(page);
  const oximeter = page.locator('[data-device-id]').filter({ hasText: /oximeter/i });
  await expect(oximeter).toHaveAttribute('data-device-state', 'disconnected', { timeout: 45_000 });
  await expect(oximeter.locator('[data-role="device-state"]')).toHaveText('Disconnected');
  for (const metric of ['spo2', 'pulseRate']) {
    await expect(tile(page, metric)).toHaveAttribute('data-state', 'stale');
    await expect(tile(page, metric)).toContainText('Stale');
    await expect(tileValue(page, metric)).toHaveText(/^\d+$/);
  }
  // The sweep keeps erasing ahead while nothing new is drawn: the trace fades out instead of freezing.
  const before = await canvasFingerprint(page, 'pleth');
  await expect.poll(() => canvasFingerprint(page, 'pleth'), { timeout: 5_000 }).not.toBe(before);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 1366, height: 768 });
  await screenshot(page, 'monitor-disconnected-laptop');
});
