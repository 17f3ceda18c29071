/**
 * What each end of a video visit keeps in view, measured as bounding boxes (web mode, the simulated
 * patient desaturating ten times faster than real time so that an alarm comes):
 * - clinician at 1366x768: the station's patient banner (the nurse names the patient first), every
 *   numeric the station shares, the pleth and the alarm banner inside the window without scrolling, beside the patient video, numerics at least 40 px; "vitals large"
 *   survives a reload; NEWS2 one click away (and shown in full at 1920x1080); requesting a
 *   measurement or a still moves no numeric; device states in the station's words;
 * - station: the live numerics, the alarm banner and the chat input inside the window; the
 *   clinician's link in full until the clinician is admitted, then collapsed.
 * Screenshots of both ends at 1024x768, 1366x768 and 1920x1080 go to test-results/screens/.
 */
import type { Locator, Page } from '@playwright/test';
import { VIDEO_VISIT_LAUNCH_OPTIONS, VIEWPORTS, expect, screenshot, seriousAxeViolations, test, tile, useWebStation } from './fixtures';
import { nameCurrentPatient } from './patient-naming';

test.use({ launchOptions: VIDEO_VISIT_LAUNCH_OPTIONS });

const station = useWebStation(['--scenario', 'desaturation', '--scenario-speed', '10']);
const SIZES = { small: { width: 1024, height: 768 }, laptop: VIEWPORTS.laptop, kiosk: VIEWPORTS.kiosk } as const;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The element's box in the window, failing when it has none (not rendered). */
async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  expect(box, `${locator} has no box`).not.toBeNull();
  return box!;
}

/** Fails unless the element lies wholly inside the window as it is (no page or inner scrolling needed). */
async function expectInWindow(page: Page, locator: Locator): Promise<void> {
  const box = await boxOf(locator);
  const { width, height } = page.viewportSize()!;
  expect(box.x, `${locator} left edge`).toBeGreaterThanOrEqual(0);
  expect(box.y, `${locator} top edge`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${locator} right edge`).toBeLessThanOrEqual(width + 0.5);
  expect(box.y + box.height, `${locator} bottom edge`).toBeLessThanOrEqual(height + 0.5);
  // Inside the window is not enough when an ancestor clips it (an inner scroll area scrolled away).
  const hit = await locator.evaluate((element) => {
    const rect = element.getBoundingClientRect();
    const found = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
    return found !== null && (element.contains(found) || found.contains(element));
  });
  expect(hit, `${locator} is covered or clipped`).toBe(true);
}

/** Every numeric the station shares with the clinician (blood pressure as its three members). */
const SHARED_NUMERICS = ['spo2', 'pulseRate', 'perfusionIndex', 'systolic', 'diastolic', 'meanArterialPressure', 'bodyTemperature', 'bodyWeight'];
const fontPx = (locator: Locator) => locator.evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
const numerics = (page: Page) => page.locator('.clinician-tiles [data-metric]');

/** The boxes of every numeric, to see that an action moved none. */
const numericBoxes = async (page: Page) => Promise.all((await numerics(page).all()).map((numeric) => boxOf(numeric)));

test('both ends of a visit keep the vitals in view: sizes, layout choice, NEWS2, the link collapsing on admit, one word for a device state', async ({ browser }) => {
  test.setTimeout(420_000);
  const open = async (url: string) => {
    const context = await browser.newContext({ viewport: VIEWPORTS.laptop, permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    await page.goto(url);
    return page;
  };
  const nurse = await open(station.url);
  await station.signIn(nurse);
  await nurse.locator('[data-action="open-patient-naming"]').click();
  await nameCurrentPatient(nurse);
  await nurse.locator('[data-screen-link="monitor"]').click();
  // The station's own word for the blood-pressure cuff's state, from its monitor.
  const cuffCard = nurse.locator('.devices [data-device-state]').filter({ has: nurse.locator('[data-role="device-state"]') });
  await expect(cuffCard.first()).toBeVisible();
  const stationWords = new Map<string, string>();
  for (const card of await cuffCard.all()) stationWords.set((await card.getAttribute('data-device-id'))!, (await card.locator('[data-role="device-state"]').textContent())!.trim());

  const videoVisitField = nurse.locator('[data-role="patient-banner"] [data-field="video-visit"] dd');
  await expect(videoVisitField).toHaveText('none');
  await nurse.locator('[data-action="start-visit"]').click();
  await nurse.locator('[data-action="consent-accept"]').click();
  // The patient banner says a video visit is running (the core's patientChanged signal when it started).
  await expect(videoVisitField).toHaveText('running');
  const linkBox = nurse.locator('[data-role="visit-link-box"]');
  const link = (await nurse.locator('[data-role="visit-link"]').innerText({ timeout: 20_000 })).trim();
  await expect(linkBox).toHaveJSProperty('open', true);

  const doctor = await open(link);
  await doctor.locator('[data-action="join-visit"]').click();
  await nurse.locator('[data-action="admit"]').click({ timeout: 20_000 });
  await expect(doctor.locator('[data-role="vitals-link"]')).toHaveAttribute('data-linked', 'true', { timeout: 30_000 });

  // Clinician: whom the vitals belong to, as the station's banner says it; the visit is this page, not repeated.
  const doctorBanner = doctor.locator('[data-role="patient-banner"]');
  await expect(doctorBanner.locator('[data-field="name"] dd')).toHaveText('Zoë Okonkwo-Smith');
  await expect(doctorBanner.locator('[data-field="identifier"] dd')).toHaveText('MRN-4711');
  await expect(doctorBanner.locator('[data-field="sex"] dd')).toHaveText('Female');
  await expect(doctorBanner.locator('[data-field="age"] dd')).toHaveText(/^\d+ y$/);
  await expect(doctorBanner.locator('[data-field="video-visit"]')).toHaveCount(0);

  // Station: the link collapses once the clinician is in; numerics and the chat input stay in the window.
  await expect(linkBox).toHaveJSProperty('open', false);
  await expect(tile(nurse, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await expectInWindow(nurse, tile(nurse, 'spo2'));
  await expectInWindow(nurse, tile(nurse, 'pulseRate'));
  await expectInWindow(nurse, nurse.locator('[data-role="chat-input"]'));

  // Clinician: device states in the station's words.
  for (const [deviceId, words] of stationWords) {
    await expect(doctor.locator(`[data-device-id="${deviceId}"] [data-role="device-state"]`)).toHaveText(words);
  }

  // A blood pressure, so that every kind of numeric the station shares is on the page.
  const cuff = doctor.locator('.clinician-device').filter({ has: doctor.locator('[data-action="request-measurement"]') }).first();
  await cuff.locator('[data-action="request-measurement"]').click();
  await nurse.locator('[data-action="confirm-measurement-request"]').click({ timeout: 20_000 });
  // Taking a still moves nothing: measured after Playwright has brought the button into view (its own
  // scrolling, which a busy machine's transient status lines can make necessary, is not the app's).
  const snapshot = doctor.locator('[data-action="snapshot"]');
  await snapshot.scrollIntoViewIfNeeded();
  const scrollTop = () => doctor.evaluate(() => document.scrollingElement!.scrollTop);
  const [before, topBefore] = [await numericBoxes(doctor), await scrollTop()];
  await snapshot.click();
  await expect(doctor.locator('[data-role="snapshot-status"]')).toHaveAttribute('data-state', 'saved', { timeout: 20_000 });
  expect(await scrollTop()).toBe(topBefore);
  expect((await numericBoxes(doctor)).slice(0, before.length).map((box) => box.y)).toEqual(before.map((box) => box.y));
  await expect(tile(doctor, 'systolic')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
  // Temperature and weight too: then every numeric the station shares is on the page.
  for (const device of [/thermometer/i, /scale/i]) {
    await doctor.locator('.clinician-device').filter({ hasText: device }).locator('[data-action="request-measurement"]').click();
    await nurse.locator('[data-role="measurement-request"]').filter({ hasText: device }).locator('[data-action="confirm-measurement-request"]').click({ timeout: 20_000 });
  }
  await expect(tile(doctor, 'bodyTemperature')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
  await expect(tile(doctor, 'bodyWeight')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });

  // The alarm comes with the desaturation: banner at both ends, inside the window.
  const doctorAlarm = doctor.locator('.clinician-alarms [data-alarm-priority]').first();
  await expect(doctorAlarm).toBeVisible({ timeout: 90_000 });
  await expectInWindow(doctor, doctorAlarm);
  await expectInWindow(nurse, nurse.locator('.app-banners [data-alarm-priority]').first());
  await expectInWindow(nurse, tile(nurse, 'spo2'));
  await expectInWindow(nurse, nurse.locator('[data-role="chat-input"]'));

  const video = doctor.locator('.call-remote');
  const checkClinicianView = async () => {
    const videoBox = await boxOf(video);
    await expectInWindow(doctor, doctor.locator('.clinician-waveform canvas').first());
    const shown = await numerics(doctor).all();
    expect(await Promise.all(shown.map((numeric) => numeric.getAttribute('data-metric')))).toEqual(expect.arrayContaining(SHARED_NUMERICS));
    for (const numeric of shown) {
      await expectInWindow(doctor, numeric);
      expect(await fontPx(numeric.locator('[data-role="value"]')), `${await numeric.getAttribute('data-metric')} value size`).toBeGreaterThanOrEqual(40);
      // The unit belongs to the value: it must not spill out of its tile (and be clipped).
      const tileBox = await boxOf(numeric);
      for (const unit of await numeric.locator('[data-role="unit"]').all()) {
        const unitBox = await boxOf(unit);
        expect(unitBox.x + unitBox.width, `${await numeric.getAttribute('data-metric')} unit inside its tile`).toBeLessThanOrEqual(tileBox.x + tileBox.width);
      }
      // Beside the video: to its right, overlapping it in height.
      expect(tileBox.x).toBeGreaterThanOrEqual(videoBox.x + videoBox.width);
      expect(tileBox.y).toBeLessThan(videoBox.y + videoBox.height);
    }
    await expectInWindow(doctor, doctorAlarm);
    await expectInWindow(doctor, doctorBanner.locator('[data-field="identifier"]'));
    expect(await doctor.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth)).toBe(true);
  };
  await checkClinicianView();
  const vitalsColumn = doctor.locator('.call-vitals');
  const videoLargeWidth = (await boxOf(video)).width;
  expect(videoLargeWidth).toBeGreaterThan((await boxOf(vitalsColumn)).width);

  // NEWS2 one click away at 1366x768, over the video, not over the numerics.
  const news2 = doctor.locator('#clinician-news2 [data-news2-state]');
  await expect(news2).toBeHidden();
  await doctor.locator('[data-action="show-news2"]').click();
  await expectInWindow(doctor, news2);
  await screenshot(doctor, 'visit-clinician-news2-laptop');
  expect(await seriousAxeViolations(doctor)).toEqual([]);
  await doctor.locator('[data-action="close-news2"]').click();
  await expect(news2).toBeHidden();

  // "Vitals large": the vitals column takes the room; the choice survives a reload.
  await doctor.locator('[data-action="call-layout"][data-layout="vitals-large"]').click();
  await expect(doctor.locator('.call-stage')).toHaveAttribute('data-layout', 'vitals-large');
  expect((await boxOf(vitalsColumn)).width).toBeGreaterThan((await boxOf(video)).width);
  await checkClinicianView();
  await doctor.reload();
  await doctor.locator('[data-action="join-visit"]').click();
  await expect(doctor.locator('[data-role="vitals-link"]')).toHaveAttribute('data-linked', 'true', { timeout: 30_000 });
  await expect(doctor.locator('.call-stage')).toHaveAttribute('data-layout', 'vitals-large');
  await expect(doctor.locator('[data-action="call-layout"][data-layout="vitals-large"]')).toHaveAttribute('aria-pressed', 'true');
  await expect(tile(doctor, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await doctor.locator('[data-action="call-layout"][data-layout="video-large"]').click();

  // 1920x1080: NEWS2 in full beside the video, without a click.
  await doctor.setViewportSize(VIEWPORTS.kiosk);
  await expect(doctor.locator('[data-action="show-news2"]')).toBeHidden();
  await expectInWindow(doctor, news2);
  await checkClinicianView();

  for (const [size, viewport] of Object.entries(SIZES)) {
    await doctor.setViewportSize(viewport);
    await nurse.setViewportSize(viewport);
    // The patient's name in full beside the title, at 1024 px too.
    expect(await doctorBanner.locator('[data-field="name"] dd').evaluate((name) => name.scrollWidth <= name.clientWidth), `name cut short at ${size}`).toBe(true);
    await screenshot(doctor, `visit-clinician-${size}`);
    await screenshot(nurse, `visit-station-${size}`);
  }
  await nurse.setViewportSize(VIEWPORTS.laptop);
  expect(await seriousAxeViolations(nurse)).toEqual([]);
});
