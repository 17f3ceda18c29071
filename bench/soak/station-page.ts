/**
 * What the soak does at the station's screen, through its page hooks as a nurse, a clinician, an
 * administrator and a kiosk patient would: sign in, video visits with a clinician page (the
 * embedded consultation server, real WebRTC with Chromium's fake camera), spot measurements, an
 * alarm scenario acknowledged, kiosk visits; and the screen's frame counter.
 */
import type { Browser, Page } from '@playwright/test';
import type { StationAccounts } from '../../e2e/web/accounts';
import { startVisitWithClinician } from '../../e2e/web/fixtures';
import { signIn, signedInUser } from '../../e2e/web/sign-in';

const ACTION_TIMEOUT_MS = 60_000;

declare global {
  interface Window {
    __soakFrames: number;
  }
}

/**
 * Counts the page's animation frames from its first script on (a reload starts again at 0). The
 * script is text, not a function: tsx compiles named functions with a `__name` helper the page lacks.
 */
export async function countFrames(page: Page): Promise<void> {
  await page.addInitScript({
    content: 'window.__soakFrames = 0; (function tick() { window.__soakFrames += 1; requestAnimationFrame(tick); })();',
  });
}

export const framesSoFar = (page: Page): Promise<number> => page.evaluate(() => window.__soakFrames);

export async function showMonitor(page: Page): Promise<void> {
  await page.locator('[data-screen-link="monitor"]').click();
  await page.locator('[data-metric="spo2"]').waitFor();
}

/** A video visit with a clinician: started with consent, the clinician admitted and linked, then ended by the station and closed. */
export async function videoVisit(browser: Browser, page: Page): Promise<void> {
  const doctor = await startVisitWithClinician(browser, page);
  try {
    await page.locator('[data-action="end-visit"]').click();
    await doctor.locator('[data-role="call-status"].call-status-final').waitFor({ timeout: ACTION_TIMEOUT_MS });
    await page.locator('[data-action="close-visit"]').click({ timeout: ACTION_TIMEOUT_MS });
  } finally {
    await doctor.context().close();
  }
  await page.locator('[data-action="start-visit"]').waitFor();
}

/** Starts a measurement on every spot device that is ready for one; returns how many were started. */
export async function spotMeasurements(page: Page): Promise<number> {
  let started = 0;
  for (const button of await page.locator('[data-device-id] [data-action="request-measurement"]').all()) {
    if (!(await button.isEnabled())) continue;
    await button.click();
    started += 1;
  }
  return started;
}

/** Plays the desaturation scenario from the Training screen and acknowledges the SpO₂ alarm it raises. */
export async function alarmAcknowledged(page: Page): Promise<void> {
  await page.locator('[data-screen-link="training"]').click();
  await page.locator('[data-scenario="desaturation"] [data-action="play-scenario"]').click();
  await showMonitor(page);
  try {
    await page.locator('.alarm-banner [data-alarm-priority="high"] [data-action="acknowledge-alarm"]').first().click({ timeout: ACTION_TIMEOUT_MS });
  } catch (error) {
    // What the screen showed instead, for the soak's failure list.
    const spo2 = await page.locator('[data-metric="spo2"]').innerText();
    const banner = await page.locator('.alarm-banner').innerText().catch(() => 'no alarm banner');
    throw new Error(`no high-priority alarm to acknowledge; SpO₂ tile ${JSON.stringify(spo2)}, banner ${JSON.stringify(banner)}`, { cause: error });
  }
  await page.locator('[data-metric="spo2"][data-alarm-acknowledged="true"]').waitFor({ timeout: ACTION_TIMEOUT_MS });
}

/**
 * A kiosk visit: an administrator turns kiosk mode on from a screen of their own, the patient at
 * `page` starts a visit, sees their SpO₂, finishes it through "Your visit summary", and an
 * administrator takes the station out of kiosk mode at `page`; a nurse signs in there again.
 */
export async function kioskVisit(browser: Browser, page: Page, url: string, accounts: StationAccounts): Promise<void> {
  const context = await browser.newContext();
  try {
    const admin = await context.newPage();
    await admin.goto(url);
    await signIn(admin, accounts, 'administrator');
    await admin.locator('[data-screen-link="kiosk"]').click();
    await admin.locator('[data-action="enable-kiosk"]').click();
    await admin.locator('[data-screen="kiosk-welcome"]').waitFor({ timeout: ACTION_TIMEOUT_MS });
  } finally {
    await context.close();
  }
  await page.locator('[data-action="start-kiosk-visit"]').click({ timeout: ACTION_TIMEOUT_MS });
  await page.waitForFunction(() => /^\d{2,3}$/.test(document.querySelector('[data-metric="spo2"] [data-role="value"]')?.textContent ?? ''), null, { timeout: ACTION_TIMEOUT_MS });
  await page.locator('[data-action="finish-kiosk-visit"]').click();
  await page.locator('[data-role="kiosk-summary"] [data-role="summary-banner"]').waitFor({ timeout: ACTION_TIMEOUT_MS });
  await page.locator('[data-action="kiosk-summary-done"]').click();
  await page.locator('[data-screen="kiosk-welcome"]').waitFor({ timeout: ACTION_TIMEOUT_MS });

  const leaver = await accounts.create('administrator');
  await page.locator('[data-action="leave-kiosk"]').click();
  const form = page.locator('form.access-form');
  await form.getByLabel('User name').fill(leaver.username);
  await form.getByLabel('Password', { exact: true }).fill(leaver.password);
  await form.getByLabel('Authenticator code').fill(leaver.freshCode());
  await form.locator('[data-action="confirm-leave-kiosk"]').click();
  await signedInUser(page).filter({ hasText: leaver.username }).waitFor({ timeout: ACTION_TIMEOUT_MS });
  await page.locator('[data-action="sign-out"]').first().click();
  await signIn(page, accounts, 'nurse');
  await page.locator('[data-metric="spo2"]').waitFor();
}
