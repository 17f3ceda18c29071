/**
 * The station's header and account screens as a nurse and an administrator meet them: starting a
 * visit is a button beside the screens' tabs, the focus ring is no alarm colour, and the Users
 * screen offers no "Remove" on your own account.
 */
import { ALARM_VISUALS } from '../../src/shared/clinical/alarm-presentation';
import { VIEWPORTS, expect, test, useWebStation } from './fixtures';

const station = useWebStation();

/** "rgb(r, g, b)" of a #rrggbb colour, as getComputedStyle gives it. */
const rgbOf = (hex: string) => `rgb(${[1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)).join(', ')})`;

test('"Start video visit" is a primary button outside the screens nav, and the focus ring is not an alarm colour', async ({ page }) => {
  await page.setViewportSize(VIEWPORTS.laptop);
  await page.goto(station.url);
  await station.signIn(page);
  const start = page.locator('[data-action="start-visit"]');
  await expect(start).toBeVisible();
  await expect(page.locator('nav[aria-label="Screens"] [data-action="start-visit"]')).toHaveCount(0);
  await expect(start).toHaveClass('primary-action');

  await page.locator('[data-screen-link="monitor"]').focus();
  await page.keyboard.press('Tab');
  const ring = await page.locator('[data-screen-link="history"]').evaluate((element) => ({ style: getComputedStyle(element).outlineStyle, colour: getComputedStyle(element).outlineColor }));
  expect(ring.style).toBe('solid');
  expect(Object.values(ALARM_VISUALS).map((visual) => rgbOf(visual.colour))).not.toContain(ring.colour);
  expect(ring.colour).toBe('rgb(255, 255, 255)');
});

test('the Users screen offers no Remove on your own account', async ({ page }) => {
  await page.setViewportSize(VIEWPORTS.laptop);
  await page.goto(station.url);
  const other = await station.accounts.create('nurse');
  const me = await station.signIn(page, 'administrator');
  await page.locator('[data-screen-link="users"]').click();
  await expect(page.locator(`[data-user="${other.username}"] [data-action="remove-user"]`)).toBeVisible();
  await expect(page.locator(`[data-user="${me.username}"]`)).toContainText('(you)');
  await expect(page.locator(`[data-user="${me.username}"] [data-action="remove-user"]`)).toHaveCount(0);
});
