/**
 * Web mode with --simulate: the simulated Bluetooth cuff (found by the station's real BLE source
 * behind a simulated adapter) is listed like the other devices with its signal and battery, and
 * "Add a Bluetooth device" gives the pairing steps; screenshots at 1024x768, 1366x768, 1920x1080
 * and no serious or critical axe finding, with the steps open and closed.
 */
import { REVIEW_SIZES, expect, screenshotsAt, test, useWebStation } from './fixtures';

const station = useWebStation();
test('the Bluetooth cuff shows its signal and battery, and the pairing steps open and close', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize(REVIEW_SIZES[0][1]);
  await page.goto(station.url);
  await station.signIn(page);
  const cuff = page.locator('[data-device-id="ble:sim-ble-cuff"]');
  await expect(cuff).toContainText('Bluetooth blood-pressure monitor');
  await expect(cuff).toContainText('Bluetooth');
  await expect(cuff.locator('[data-role="device-signal"]')).toHaveText('Signal strong (-58 dBm)', { timeout: 20_000 });
  await expect(cuff.locator('[data-role="device-battery"]')).toHaveText('Battery 87 %');
  // A Bluetooth cuff measures when its own button is pressed: the station offers no start button.
  await expect(cuff.locator('[data-action="request-measurement"]')).toHaveCount(0);
  await screenshotsAt(page, 'bluetooth-device-panel', REVIEW_SIZES);

  await page.locator('[data-action="add-bluetooth-device"]').click();
  const steps = page.locator('[data-screen="add-bluetooth-device"]');
  await expect(steps).toBeVisible();
  await expect(steps.getByRole('heading', { name: 'Add a Bluetooth device' })).toBeVisible();
  await expect(steps.locator('li')).toHaveCount(4);
  await screenshotsAt(page, 'bluetooth-pairing-steps', REVIEW_SIZES);
  await page.locator('[data-action="close-bluetooth-steps"]').click();
  await expect(steps).toHaveCount(0);
  await page.locator('[data-action="add-bluetooth-device"]').click();
  await page.keyboard.press('Escape');
  await expect(page.locator('[data-screen="add-bluetooth-device"]')).toHaveCount(0);
});
