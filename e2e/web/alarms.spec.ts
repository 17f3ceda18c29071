/**
 * Alarms, NEWS2 and training in web mode, with the simulated patient desaturating five times
 * faster than real time: the high-priority SpO2 alarm with its visual and auditory signals on a
 * screen nobody has signed in at yet, acknowledgement by a signed-in nurse, a NEWS2 score from
 * device readings plus manual inputs, the training panel, accessibility and screenshots at kiosk
 * and laptop sizes.
 */
import type { Page } from '@playwright/test';
import { ALARM_VISUALS, auditoryBurst } from '../../src/shared/clinical/alarm-presentation';
import { VIEWPORTS, expect, screenshot, seriousAxeViolations, test, tile, useWebStation } from './fixtures';
import type {} from '../../src/renderer/alarms/alarm-sound';

const station = useWebStation(['--scenario', 'desaturation', '--scenario-speed', '5']);

interface RecordedPulse {
  priority: string;
  startMs: number;
  durationMs: number;
  frequencyHz: number;
  harmonicsHz: number[];
}

const highPulses = (page: Page) =>
  page.evaluate(() => (window.__vitalbridgeAlarmAudio?.pulses ?? []).filter((pulse) => pulse.priority === 'high') as RecordedPulse[]);

const screen = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

test('a desaturation raises a flashing red high-priority alarm, sounds its burst after a gesture, and can be acknowledged', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize(VIEWPORTS.kiosk);
  await page.goto(station.url);
  // The sound's switch, and then its state, sit in the header on every screen: no row of their own.
  const enableSound = page.getByRole('banner').locator('[data-action="enable-alarm-sound"]');
  await expect(enableSound).toHaveText('Sound off: click to enable alarm sound');
  expect(await page.evaluate(() => window.__vitalbridgeAlarmAudio?.enabled)).toBe(false);

  // Nobody has signed in yet: the alarm is announced, shown and (after a click) sounded all the same.
  await expect(page.locator('form[data-screen="sign-in"]')).toBeVisible();
  const alarm = page.locator('[data-alarm-priority="high"]').first();
  await expect(alarm).toBeVisible({ timeout: 60_000 });
  await expect(alarm.locator('[data-role="alarm-message"]')).toContainText('SpO₂ low');
  await expect(page.locator('[aria-live="assertive"]')).toContainText('High priority alarm: SpO₂ low.');

  const lamp = alarm.locator('.alarm-lamp');
  const signal = await lamp.evaluate((element) => {
    const style = getComputedStyle(element);
    return { name: style.animationName, duration: style.animationDuration, iterations: style.animationIterationCount, colour: style.backgroundColor };
  });
  expect(signal).toEqual({ name: 'alarm-flash', duration: `${1 / ALARM_VISUALS.high.flashHz}s`, iterations: 'infinite', colour: 'rgb(224, 0, 0)' });
  // Reduced motion: no flashing, but a striped lamp still sets high priority apart.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const still = await lamp.evaluate((element) => ({ name: getComputedStyle(element).animationName, image: getComputedStyle(element).backgroundImage }));
  expect(still.name).toBe('none');
  expect(still.image).toMatch(/^repeating-linear-gradient\(45deg, rgb\(224, 0, 0\)/);
  await page.emulateMedia({ reducedMotion: 'no-preference' });

  // No sound before a gesture; the first click enables it and the high-priority burst is scheduled.
  expect(await highPulses(page)).toEqual([]);
  await enableSound.click();
  await expect(page.getByRole('banner').locator('[data-role="alarm-sound"]')).toHaveText('Alarm sound on');
  await expect.poll(async () => (await highPulses(page)).length, { timeout: 5_000 }).toBeGreaterThanOrEqual(10);
  const pulses = (await highPulses(page)).slice(0, 10);
  const burst = auditoryBurst('high');
  expect(pulses.map((pulse) => Math.round(pulse.startMs - pulses[0]!.startMs))).toEqual(burst.pulses.map((pulse) => pulse.startMs));
  for (const pulse of pulses) {
    expect(pulse).toMatchObject({ durationMs: 150, frequencyHz: 500, harmonicsHz: [1000, 1500, 2000, 2500] });
  }
  // The audio clock runs: the first pulse is due now or soon, not in the past.
  const audioNow = await page.evaluate(() => window.__vitalbridgeAlarmAudio!.nowMs());
  expect(pulses[0]!.startMs).toBeGreaterThan(audioNow - 10_000);

  // Acknowledging is a nurse's act: signed in, the same alarm can be acknowledged.
  const nurse = await station.signIn(page);

  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, 'alarm-kiosk');
  await page.setViewportSize(VIEWPORTS.laptop);
  await screenshot(page, 'alarm-laptop');
  expect(await seriousAxeViolations(page)).toEqual([]);

  const alarmId = await alarm.getAttribute('data-alarm-id');
  await alarm.locator('[data-action="acknowledge-alarm"]').click();
  const acknowledged = page.locator(`[data-alarm-id="${alarmId}"]`);
  // Acknowledged, the alarm leaves the screen once its condition has ended: at once if it was latched, when the
  // patient recovers (SpO2 back above 90 % about 24 s after the start) if it was not; it never stays for good.
  await expect(acknowledged).toHaveCount(0, { timeout: 30_000 });
  await expect.poll(() => page.evaluate(() => window.__vitalbridgeAlarmAudio?.priority)).not.toBe('high');

  await screen(page, 'Alarms').click();
  const logRow = page.locator('[data-role="alarm-log"] tr[data-log-priority="high"]').first();
  await expect(logRow).toContainText('SpO₂ low');
  await expect(logRow).toContainText(`by ${nurse.username}`);
  await expect(page.locator('[data-role="alarm-limits"] [data-limit-metric="spo2"]')).toContainText('90 %');
  await expect(page.locator('.limit-input')).toHaveCount(0);
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `alarm-log-${size}`);
  }
});

test('NEWS2 refuses to score without its inputs, then scores once devices measured and a nurse entered the rest', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize(VIEWPORTS.kiosk);
  await page.goto(station.url);
  const nurse = await station.signIn(page);
  await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  for (const name of [/pressure/i, /thermometer/i]) {
    await page.locator('[data-device-id]').filter({ hasText: name }).locator('[data-action="request-measurement"]').click();
  }

  await screen(page, 'NEWS2').click();
  await expect(page.locator('[data-news2-problem="consciousness"]')).toContainText('Cannot score: consciousness (ACVPU) missing');
  await page.getByLabel('Respiration rate (/min)').fill('18');
  await page.getByLabel('Consciousness (ACVPU)').selectOption('A');
  await page.getByLabel('Air or oxygen?').selectOption('air');
  await page.locator('[data-action="enter-news2"]').click();
  await expect(page.locator('[data-role="news2-manual"]')).toContainText(`Respiration rate: 18 /min, entered by ${nurse.username}`);

  const total = page.locator('[data-role="news2-total"]');
  await expect(total).toBeVisible({ timeout: 60_000 });
  expect(Number(await total.innerText())).toBeGreaterThanOrEqual(0);
  await expect(page.locator('[data-news2-parameter]')).toHaveCount(7);
  await expect(page.locator('[data-news2-parameter="respiratoryRate"] [data-role="news2-subscore"]')).toHaveText('0');
  await expect(page.locator('[data-news2-risk]')).toHaveAttribute('data-news2-risk', /^(low|low-medium|medium|high)$/);
  await expect(page.locator('[data-role="news2-trend"]')).toBeVisible();
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `news2-${size}`);
  }
});

test('the training panel lists the scenarios and plays one from its beginning', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(station.url);
  await station.signIn(page);
  await screen(page, 'Training').click();
  await expect(page.locator('[data-role="current-scenario"]')).toHaveText('Desaturation');
  await expect(page.locator('[data-scenario]')).toHaveCount(9);
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, `training-${size}`);
  }
  await page.locator('[data-scenario="normal"] [data-action="play-scenario"]').click();
  await expect(page.locator('[data-role="current-scenario"]')).toHaveText('Normal');
  await expect(page.locator('[data-scenario="normal"]')).toHaveAttribute('aria-current', 'true');
});
