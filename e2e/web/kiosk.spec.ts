/**
 * Kiosk mode in a browser against web mode, at the 1920×1080 of a kiosk touch screen: an
 * administrator turns the station into a kiosk (every screen signed out, the staff-mode patient's
 * readings hidden), a patient's visit shows their live values, takes a blood pressure and opens the camera for a video visit; Finish stops
 * the camera, clears what the page stored and reloads, and the next visit starts with none of the
 * previous patient's values. Only an administrator's sign-in leaves kiosk mode.
 *
 * The tests run in order on one station: each one starts from where the previous one left it.
 */
import { type Page } from '@playwright/test';
import { expect, screenshot, seriousAxeViolations, signedInUser, test, tile, tileValue, useWebStation, VIDEO_VISIT_LAUNCH_OPTIONS, VIEWPORTS } from './fixtures';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: VIEWPORTS.kiosk, launchOptions: VIDEO_VISIT_LAUNCH_OPTIONS });

const station = useWebStation();

const welcome = (page: Page) => page.locator('[data-screen="kiosk-welcome"]');
const finishButton = (page: Page) => page.locator('[data-action="finish-kiosk-visit"]');
/** Finish shows "Your visit summary"; its Done ends the visit. */
async function finishVisit(page: Page): Promise<void> {
  await finishButton(page).click();
  await expect(page.locator('[data-role="kiosk-summary"] [data-role="summary-banner"]')).toBeVisible();
  await page.locator('[data-action="kiosk-summary-done"]').click();
}

/** When the previous patient's time ended: kiosk mode turned on, then each Finish (station wall clock, shared by this machine). */
let previousVisitFinishedAt = 0;

/** The spot measurements a staff-mode patient leaves behind, by the device that takes each. */
const SPOT_MEASUREMENTS = [
  { device: /pressure/i, metric: 'systolic' },
  { device: /thermometer/i, metric: 'bodyTemperature' },
  { device: /scale/i, metric: 'bodyWeight' },
] as const;

/** The values a new patient must not see: no spot measurement, and only SpO₂ measured since the previous patient's time ended. */
async function expectNoEarlierReadings(page: Page): Promise<void> {
  await expect(tileValue(page, 'spo2')).toHaveText(/^\d+$/);
  for (const { metric } of SPOT_MEASUREMENTS) await expect(tileValue(page, metric)).toHaveText('---');
  const measuredAt = await tile(page, 'spo2').locator('time').getAttribute('datetime');
  expect(Date.parse(measuredAt!)).toBeGreaterThanOrEqual(previousVisitFinishedAt);
}

/**
 * Counts the camera and microphone tracks the page starts and the ones it stops, across reloads:
 * a track the page never stopped itself would have stayed live until the reload tore it down.
 */
async function watchMediaTracks(page: Page): Promise<{ started: number; stopped: number }> {
  const counts = { started: 0, stopped: 0 };
  await page.exposeFunction('__kioskSpecTrack', (what: 'started' | 'stopped') => void counts[what]++);
  await page.addInitScript(() => {
    const report = (window as unknown as { __kioskSpecTrack(what: string): void }).__kioskSpecTrack;
    const stop = MediaStreamTrack.prototype.stop;
    MediaStreamTrack.prototype.stop = function (this: MediaStreamTrack) {
      if (this.readyState === 'live') report('stopped');
      stop.call(this);
    };
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      for (const _track of stream.getTracks()) report('started');
      return stream;
    };
  });
  return counts;
}

test('an administrator turns the station into a kiosk: every screen, a nurse’s included, shows the welcome', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const nurseContext = await browser.newContext({ viewport: VIEWPORTS.laptop });
  const nursePage = await nurseContext.newPage();
  await nursePage.goto(station.url);
  await station.signIn(nursePage, 'nurse');
  await expect(tileValue(nursePage, 'spo2')).toHaveText(/^\d+$/);
  // The staff-mode patient has a blood pressure, a temperature and a weight when kiosk mode is turned on.
  for (const { device } of SPOT_MEASUREMENTS) await nursePage.locator('[data-device-id]').filter({ hasText: device }).locator('[data-action="request-measurement"]').click();
  for (const { metric } of SPOT_MEASUREMENTS) await expect(tileValue(nursePage, metric)).toHaveText(/^\d+(\.\d+)?$/, { timeout: 60_000 });

  await page.goto(station.url);
  await station.signIn(page, 'administrator');
  await page.locator('[data-screen-link="kiosk"]').click();
  await screenshot(page, 'kiosk-settings');
  previousVisitFinishedAt = Date.now();
  await page.locator('[data-action="enable-kiosk"]').click();

  for (const screen of [page, nursePage]) {
    await expect(welcome(screen)).toBeVisible();
    await expect(screen.locator('[data-metric]')).toHaveCount(0);
    await expect(screen.locator('[data-screen-link]')).toHaveCount(0);
  }
  await nurseContext.close();
  await expect(page.locator('[data-action="start-kiosk-visit"]')).toHaveText('Start');
  // Nobody is connected between visits: the station raises no alarm, and the welcome says so.
  await expect(page.locator('[data-alarm-standby]')).toHaveText('Alarms are paused until a visit starts.');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, 'kiosk-welcome');
});

test('the first visit after turning kiosk mode on shows none of the staff-mode patient’s values; Finish stops the camera, clears the page’s storage and reloads it', async ({ page }) => {
  expect(previousVisitFinishedAt).toBeGreaterThan(0);
  const tracks = await watchMediaTracks(page);
  await page.goto(station.url);
  await page.locator('[data-action="start-kiosk-visit"]').click();
  await expect(finishButton(page)).toBeVisible();
  await expectNoEarlierReadings(page);
  // Only what the kiosk's devices measure: no tile waits for heart rate or respiration.
  for (const unmeasured of ['heartRate', 'respiratoryRate']) await expect(tile(page, unmeasured)).toHaveCount(0);
  await expect(page.locator('canvas[data-waveform="pleth"]')).toBeVisible();
  for (const [size, viewport] of Object.entries({ laptop: VIEWPORTS.laptop, narrow: { width: 1024, height: 768 } })) {
    await page.setViewportSize(viewport);
    await screenshot(page, `kiosk-first-visit-${size}`);
    // Every number the patient reads fits inside its tile: none is squeezed under the measure panel.
    for (const metric of ['spo2', 'pulseRate', ...SPOT_MEASUREMENTS.map((spot) => spot.metric)]) {
      const [shown, within] = await Promise.all([tileValue(page, metric).boundingBox(), tile(page, metric).first().boundingBox()]);
      expect(shown!.y + shown!.height, `${metric} at ${size}`).toBeLessThanOrEqual(within!.y + within!.height);
    }
  }
  await page.setViewportSize(VIEWPORTS.kiosk);

  // The patient takes their blood pressure; the cuff only ever measures when asked.
  await page.locator('[data-device-id] [data-action="request-measurement"]', { hasText: /cuff|blood pressure/i }).click();
  await expect(tileValue(page, 'systolic')).toHaveText(/^\d+$/, { timeout: 30_000 });
  await page.evaluate(() => {
    sessionStorage.setItem('kiosk-spec', 'left by the visit');
    localStorage.setItem('kiosk-spec', 'left by the visit');
  });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, 'kiosk-visit');

  await page.locator('[data-action="start-visit"]').click();
  await page.locator('[data-action="consent-accept"]').click();
  const localVideo = page.locator('video[data-role="local-video"]');
  await expect.poll(() => localVideo.evaluate((video: HTMLVideoElement) => video.srcObject !== null)).toBe(true);
  expect(tracks.started).toBeGreaterThan(0);
  await screenshot(page, 'kiosk-video-visit');

  previousVisitFinishedAt = Date.now();
  await finishVisit(page);
  await expect(welcome(page)).toBeVisible();
  await expect.poll(() => tracks.stopped).toBe(tracks.started);
  await expect(page.locator('video')).toHaveCount(0);
  expect(await page.evaluate(() => [sessionStorage.getItem('kiosk-spec'), localStorage.getItem('kiosk-spec'), sessionStorage.length, localStorage.length])).toEqual([null, null, 0, 0]);
  // The reload's marker is gone from the address once the cleared page loaded; the launch token stays.
  expect(new URL(page.url()).searchParams.has('clear-kiosk-screen')).toBe(false);
  expect(new URL(page.url()).searchParams.get('token')).toBe(new URL(station.url).searchParams.get('token'));
  await expect(page.locator('[data-metric]')).toHaveCount(0);
});

test('the next visit shows none of the previous patient’s values: no blood pressure, and only readings taken since', async ({ page }) => {
  expect(previousVisitFinishedAt).toBeGreaterThan(0);
  await page.goto(station.url);
  await page.locator('[data-action="start-kiosk-visit"]').click();
  await expect(finishButton(page)).toBeVisible();
  await expectNoEarlierReadings(page);
  await finishButton(page).click();
  // "Your visit summary" shows this visit only, naming nobody (an anonymous kiosk patient), with Print and Done.
  const summary = page.locator('[data-role="kiosk-summary"]');
  await expect(summary.locator('[data-role="summary-banner"]')).toHaveText('Your visit');
  await expect(summary.locator('[data-section="Vital signs"] tbody tr').first()).toBeVisible();
  await expect(summary.locator('[data-action="print-kiosk-summary"]')).toBeEnabled();
  // Web mode has no printer of its own: Print has the browser print this screen (the print CSS keeps the summary only).
  await page.evaluate(() => {
    const counted = window as unknown as { printRequests: number };
    counted.printRequests = 0;
    window.print = () => void (counted.printRequests += 1);
  });
  await summary.locator('[data-action="print-kiosk-summary"]').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { printRequests: number }).printRequests)).toBe(1);
  await expect(summary.locator('[data-role="print-notice"]')).toHaveCount(0);
  for (const [size, viewport] of [['1024', { width: 1024, height: 768 }], ['laptop', VIEWPORTS.laptop], ['1080p', VIEWPORTS.kiosk]] as const) {
    await page.setViewportSize(viewport);
    await screenshot(page, `kiosk-visit-summary-${size}`);
  }
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.locator('[data-action="kiosk-summary-done"]').click();
  await expect(welcome(page)).toBeVisible();
  await expect(page.locator('[data-role="kiosk-summary"]')).toHaveCount(0);
});

test('leaving kiosk mode takes an administrator’s sign-in: a nurse and a wrong code are refused', async ({ page }) => {
  const nurse = await station.accounts.create('nurse');
  const administrator = await station.accounts.create('administrator');
  await page.goto(station.url);
  await page.locator('[data-action="leave-kiosk"]').click();
  const form = page.locator('form.access-form');
  const leave = async (username: string, password: string, code: string) => {
    await form.getByLabel('User name').fill(username);
    await form.getByLabel('Password', { exact: true }).fill(password);
    await form.getByLabel('Authenticator code').fill(code);
    await form.locator('[data-action="confirm-leave-kiosk"]').click();
  };
  const refusal = page.locator('[data-role="sign-in-error"]');

  await leave(nurse.username, nurse.password, nurse.freshCode());
  await expect(refusal).toContainText('Only an administrator');
  const wrongCode = administrator.freshCode() === '000000' ? '111111' : '000000';
  await leave(administrator.username, administrator.password, wrongCode);
  await expect(refusal).toContainText('is not right');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, 'kiosk-leave');
  await expect(welcome(page)).toHaveCount(0);

  await leave(administrator.username, administrator.password, administrator.freshCode());
  await expect(signedInUser(page)).toContainText(administrator.username);
  await expect(page.locator('[data-screen-link="kiosk"]')).toBeVisible();
  await expect(page.locator('[data-screen="kiosk-welcome"]')).toHaveCount(0);
});
