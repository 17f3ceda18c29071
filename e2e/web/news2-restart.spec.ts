/**
 * NEWS2 survives a restart of a staff-mode station: a nurse charts respiratory rate, ACVPU and air
 * or oxygen until scores appear, the station stops, starts again on the same records, and the next
 * nurse to sign in sees the same trend points and the charted entries with their original times
 * and who entered them (the records hold them; the screen no longer starts empty).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { StationAccounts } from './accounts';
import { VIEWPORTS, expect, signIn, test, tile } from './fixtures';
import { startWebStation, type WebStation } from './web-station';

const news2Screen = (page: Page) => page.getByRole('button', { name: 'NEWS2', exact: true });
const trend = (page: Page) => page.locator('[data-role="news2-trend"]');
const charted = (page: Page) => page.locator('[data-role="news2-manual"]');

let folder: { dataDir: string; accounts: StationAccounts };
const running: WebStation[] = [];

test.beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'vitalbridge-e2e-'));
  folder = { dataDir, accounts: new StationAccounts(dataDir) };
  await folder.accounts.create('administrator');
});

test.afterEach(async () => {
  for (const station of running.splice(0)) await station.stop();
});

test.afterAll(async () => {
  await rm(folder.dataDir, { recursive: true, force: true });
});

async function chart(page: Page, respiratoryRate: number): Promise<void> {
  await page.getByLabel('Respiration rate (/min)').fill(String(respiratoryRate));
  await page.getByLabel('Consciousness (ACVPU)').selectOption('A');
  await page.getByLabel('Air or oxygen?').selectOption('air');
  await page.locator('[data-action="enter-news2"]').click();
  await expect(charted(page)).toContainText(`Respiration rate: ${respiratoryRate} /min`);
}

test('the NEWS2 trend and the charted entries come back after a restart, with their times', async ({ browser }) => {
  test.setTimeout(300_000);
  const first = await startWebStation([], { folder });
  running.push(first);
  const before = await browser.newPage({ viewport: VIEWPORTS.laptop });
  await before.goto(first.url);
  const nurse = await signIn(before, folder.accounts);
  await expect(tile(before, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
  for (const name of [/pressure/i, /thermometer/i]) {
    await before.locator('[data-device-id]').filter({ hasText: name }).locator('[data-action="request-measurement"]').click();
  }
  await news2Screen(before).click();
  await chart(before, 18);
  await expect(before.locator('[data-role="news2-total"]')).toBeVisible({ timeout: 60_000 });
  // A second charted set is a second point on the trend.
  await chart(before, 26);
  await expect(trend(before)).toHaveAttribute('data-points', '2');
  const trendLabel = await trend(before).getAttribute('aria-label');
  const chartedEntries = await charted(before).locator('li').allInnerTexts();
  expect(chartedEntries).toHaveLength(3);
  for (const entry of chartedEntries) expect(entry).toMatch(new RegExp(`entered by ${nurse.username} at \\d\\d:\\d\\d:\\d\\d$`));
  await before.close();
  await first.stop();
  running.splice(0);

  const second = await startWebStation([], { folder });
  running.push(second);
  const after = await browser.newPage({ viewport: VIEWPORTS.laptop });
  await after.goto(second.url);
  await signIn(after, folder.accounts);
  await news2Screen(after).click();
  await expect(trend(after)).toHaveAttribute('data-points', '2');
  await expect(trend(after)).toHaveAttribute('aria-label', trendLabel!);
  await expect(charted(after).locator('li')).toHaveText(chartedEntries);

  // A second patient (kiosk mode turned on, then off again) sees nothing of the first one's NEWS2.
  const administrator = await folder.accounts.create('administrator');
  const admin = await browser.newPage({ viewport: VIEWPORTS.laptop });
  await admin.goto(second.url);
  await signIn(admin, folder.accounts, 'administrator');
  await admin.locator('[data-screen-link="kiosk"]').click();
  await admin.locator('[data-action="enable-kiosk"]').click();
  await admin.locator('[data-action="leave-kiosk"]').click();
  const form = admin.locator('form.access-form');
  await form.getByLabel('User name').fill(administrator.username);
  await form.getByLabel('Password', { exact: true }).fill(administrator.password);
  await form.getByLabel('Authenticator code').fill(administrator.freshCode());
  await form.locator('[data-action="confirm-leave-kiosk"]').click();
  await expect(admin.locator('[data-screen="kiosk-welcome"]')).toHaveCount(0);
  const next = await browser.newPage({ viewport: VIEWPORTS.laptop });
  await next.goto(second.url);
  await signIn(next, folder.accounts);
  await news2Screen(next).click();
  await expect(next.getByText('No score yet this visit.')).toBeVisible();
  await expect(next.getByText('Nothing entered yet.')).toBeVisible();
  await expect(trend(next)).toHaveCount(0);
});
