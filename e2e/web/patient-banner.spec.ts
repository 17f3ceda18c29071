/**
 * The patient banner in web mode: a nurse sees "Anonymous patient" with a way to name them, names
 * the patient, and the banner of the monitor, the session history and NEWS2 says who it is; a
 * second nurse's screen follows without a reload (the station's patientChanged signal). Once the
 * station is a kiosk, the patient's screen shows no identifier and no full name.
 */
import type { Page } from '@playwright/test';
import { expect, screenshot, seriousAxeViolations, test, tileValue, useWebStation } from './fixtures';
import { nameCurrentPatient } from './patient-naming';

const station = useWebStation();

const banner = (page: Page) => page.locator('[data-role="patient-banner"]');
const field = (page: Page, name: string) => banner(page).locator(`[data-field="${name}"] dd`);
/** The app's one date-and-time format, 24-hour, month in words: "7 Dec 2026, 14:05", "Dec 7, 2026, 14:05" in the test browser's en-US (display-format.ts). */
const DATE_TIME = /^(\d{1,2} [A-Z][a-z]{2}|[A-Z][a-z]{2} \d{1,2},) \d{4}, \d{2}:\d{2}$/;
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

async function lookedAtEverySize(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    expect(await seriousAxeViolations(page), `${name} at ${size.width}x${size.height}`).toEqual([]);
    await screenshot(page, `${name}-${size.width}x${size.height}`);
  }
}

test('a nurse names the anonymous patient from the banner; every clinical screen, a second nurse’s included, shows who it is', async ({ page, browser }) => {
  test.setTimeout(150_000);
  await page.goto(station.url);
  await station.signIn(page, 'nurse');
  await expect(tileValue(page, 'spo2')).toHaveText(/^\d+$/, { timeout: 20_000 });
  await expect(field(page, 'name')).toHaveText('Anonymous patient');
  await expect(field(page, 'encounter-start')).toHaveText(DATE_TIME);
  await expect(field(page, 'video-visit')).toHaveText('none');
  for (const unknown of ['identifier', 'age', 'sex']) await expect(banner(page).locator(`[data-field="${unknown}"]`)).toHaveCount(0);
  await lookedAtEverySize(page, 'banner-monitor-anonymous');

  const otherContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const other = await otherContext.newPage();
  await other.goto(station.url);
  await station.signIn(other, 'nurse');
  await expect(field(other, 'name')).toHaveText('Anonymous patient');

  await page.locator('[data-action="open-patient-naming"]').click();
  await nameCurrentPatient(page);
  // The Records screen is not about the current patient's vital signs: no banner there.
  await expect(banner(page)).toHaveCount(0);

  const age = `${new Date().getFullYear() - 1961 - (new Date() < new Date(new Date().getFullYear(), 4, 17) ? 1 : 0)} y`;
  for (const screen of ['monitor', 'history', 'news2'] as const) {
    await page.locator(`[data-screen-link="${screen}"]`).click();
    await expect(page.locator('.app')).toHaveAttribute('data-screen', screen);
    await expect(field(page, 'name')).toHaveText('Zoë Okonkwo-Smith');
    await expect(field(page, 'identifier')).toHaveText('MRN-4711');
    await expect(field(page, 'age')).toHaveText(age);
    await expect(field(page, 'sex')).toHaveText('Female');
    await expect(field(page, 'encounter-start')).toHaveText(DATE_TIME);
    await expect(page.locator('[data-action="open-patient-naming"]')).toHaveCount(0);
  }
  // The other screen was told, and asked again under its own session.
  await expect(field(other, 'name')).toHaveText('Zoë Okonkwo-Smith');
  await expect(field(other, 'identifier')).toHaveText('MRN-4711');
  await otherContext.close();

  await page.locator('[data-screen-link="monitor"]').click();
  await lookedAtEverySize(page, 'banner-monitor-named');
});

test('at a kiosk the patient’s screen shows no identifier and no full name', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(station.url);
  await station.signIn(page, 'administrator');
  // An administrator sees no clinical screen, so no patient banner either.
  await expect(banner(page)).toHaveCount(0);
  await page.locator('[data-screen-link="kiosk"]').click();
  await page.locator('[data-action="enable-kiosk"]').click();
  await page.locator('[data-action="start-kiosk-visit"]').click();
  await expect(page.locator('[data-action="finish-kiosk-visit"]')).toBeVisible();
  await expect(tileValue(page, 'spo2')).toHaveText(/^\d+$/, { timeout: 20_000 });
  // The staff-mode patient's identifier never reaches the kiosk; the kiosk's own patient is unnamed, so it names nobody.
  await expect(page.getByText('MRN-4711')).toHaveCount(0);
  await expect(page.getByText('Okonkwo-Smith')).toHaveCount(0);
  await expect(page.locator('[data-field="identifier"]')).toHaveCount(0);
  await expect(banner(page)).toHaveCount(0);
  await lookedAtEverySize(page, 'banner-kiosk');
});
