/**
 * Sign-in and access in web mode, through the station's own screens: first-run enrolment of the
 * administrator (who manages users and sees no patient data), refused sign-ins (wrong password,
 * wrong code, a replayed code, throttling), locking on demand (vitals gone, alarms still shown)
 * and by inactivity, role enforcement of the alarm-limit editor, and a page script that opens its
 * own contract socket without signing in. Screenshots of the enrolment, a refused sign-in, the
 * lock screen and the users screen go to test-results/screens/.
 */
import type { Page } from '@playwright/test';
import { confSettingsStorage } from '../../src/node/settings/json-storage';
import { saveSettings } from '../../src/node/settings/settings';
import { accountWithSecret, base32Decode, currentStep, secretOfOtpauthUri } from './accounts';
import {
  VIEWPORTS,
  answersTo,
  eventsSince,
  expect,
  screenshot,
  seriousAxeViolations,
  signInAs,
  signInForm,
  signedInUser,
  submitSignIn,
  test,
  tile,
  tileValue,
  useWebStation,
  watchContract,
  type ContractMessage,
} from './fixtures';

const PATIENT_EVENTS = ['frame', 'devices', 'news2'] as const;
const signInError = (page: Page) => page.locator('[data-role="sign-in-error"]');
const lockScreen = (page: Page) => page.locator('[data-screen="locked"]');

/** Submits the sign-in form and waits for the station's answer to it. */
async function attemptSignIn(page: Page, traffic: readonly ContractMessage[], details: { username: string; password: string; code: string }): Promise<void> {
  const answered = answersTo(traffic, 'signIn').length;
  await submitSignIn(page, details);
  await expect.poll(() => answersTo(traffic, 'signIn').length).toBe(answered + 1);
}

/** The text of `element` and the offsets of the characters that start a new line on the screen. */
function lineStarts(element: Element): { text: string; starts: number[] } {
  const text = element.textContent ?? '';
  const tops: number[] = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let offset = 0; offset < (node.textContent ?? '').length; offset++) {
      const range = document.createRange();
      range.setStart(node, offset);
      range.setEnd(node, offset + 1);
      tops.push(Math.round(range.getBoundingClientRect().top));
    }
  }
  return { text, starts: tops.flatMap((top, index) => (top > (tops[index - 1] ?? top) ? [index] : [])) };
}

/** The enrolment address wraps (it is longer than its column) and only right after a separator. */
async function expectUriWrapsAtSeparators(page: Page): Promise<void> {
  const { text, starts } = await page.locator('[data-role="totp-uri"]').evaluate(lineStarts);
  expect(starts.length).toBeGreaterThan(0);
  // Each break shown as "…before|after…", so a failure names where the address was cut.
  const around = (start: number) => `${text.slice(start - 6, start)}|${text.slice(start, start + 6)}`;
  expect(starts.map(around)).toEqual(starts.filter((start) => '/:?&='.includes(text.charAt(start - 1))).map(around));
}

async function signOut(page: Page): Promise<void> {
  await page.locator('[data-action="sign-out"]').click();
  await expect(signInForm(page)).toBeVisible();
}

test.describe('first run', () => {
  const station = useWebStation([], { firstRun: true });
  const ADMIN_PASSWORD = 'first administrator pass';
  const NURSE_PASSWORD = 'initial nurse pass';

  test('a new station enrols its administrator, who signs in with the shown key, manages users and gets no patient data', async ({ page, browser }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(VIEWPORTS.laptop);
    const traffic = watchContract(page);
    await page.goto(station.url);
    const enrol = page.locator('[data-screen="enrol"]');
    await expect(enrol).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'access-enrol-laptop');
    await enrol.getByLabel('User name').fill('admin.first');
    await enrol.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await enrol.getByLabel('Repeat password').fill(ADMIN_PASSWORD);
    await enrol.locator('[data-action="enrol"]').click();

    // The one-time enrolment: the URI, the same key grouped for typing, and a QR code.
    const uri = (await page.locator('[data-role="totp-uri"]').innerText()).trim();
    expect(uri).toMatch(/^otpauth:\/\/totp\/VitalBridge:admin\.first\?secret=[A-Z2-7]{32}&/);
    const secret = secretOfOtpauthUri(uri);
    expect(base32Decode(await page.locator('[data-role="totp-secret"]').innerText())).toEqual(secret);
    await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'access-totp-enrolment-laptop');
    await page.locator('[data-action="enrolment-done"]').click();

    // Signed in with a code computed from the key on the screen, as an authenticator app would.
    await signInAs(page, accountWithSecret('admin.first', ADMIN_PASSWORD, 'administrator', secret));
    await expect(page.locator('[data-screen-link="users"]')).toBeVisible();
    for (const clinical of ['monitor', 'history', 'alarms', 'news2']) await expect(page.locator(`[data-screen-link="${clinical}"]`)).toHaveCount(0);
    await expect(page.locator('[data-metric]')).toHaveCount(0);

    await page.locator('[data-screen-link="users"]').click();
    await page.getByLabel('User name').fill('nurse.first');
    await page.getByLabel('Role').selectOption('nurse');
    await page.getByLabel('Initial password').fill(NURSE_PASSWORD);
    await page.locator('[data-action="create-user"]').click();
    const nurseUri = (await page.locator('[data-role="totp-uri"]').innerText()).trim();
    expect(nurseUri).toMatch(/^otpauth:\/\/totp\/VitalBridge:nurse\.first\?secret=/);
    await expectUriWrapsAtSeparators(page);
    await expect(page.locator('[data-user="nurse.first"]')).toContainText('Nurse');
    await expect(page.locator('[data-user="admin.first"]')).toContainText('Administrator');
    // The alarm sound's state sits under the header's title: without an alarm the screen starts
    // right under the header, with no row spent on it.
    await expect(page.getByRole('banner').locator('[data-role="alarm-sound"]')).toHaveText('Alarm sound on');
    const usersTop = await page.getByRole('main').evaluate((main) => main.getBoundingClientRect().top);
    const headerBottom = await page.getByRole('banner').evaluate((header) => header.getBoundingClientRect().bottom);
    expect(usersTop - headerBottom).toBeLessThan(24);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'access-users-laptop');

    // The new nurse signs in at another screen with what the administrator handed over, and sees
    // live vitals there while the administrator's screen, open all along, gets none of them.
    const nursePage = await browser.newPage();
    const nurseTraffic = watchContract(nursePage);
    await nursePage.goto(station.url);
    await signInAs(nursePage, accountWithSecret('nurse.first', NURSE_PASSWORD, 'nurse', secretOfOtpauthUri(nurseUri)));
    await expect(tile(nursePage, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    await expect.poll(() => eventsSince(nurseTraffic, 'frame')).toBeGreaterThan(5);
    for (const event of PATIENT_EVENTS) expect(eventsSince(traffic, event), event).toBe(0);
    await expect(page.locator('[data-metric]')).toHaveCount(0);
    await nursePage.close();
  });
});

test.describe('a station in use', () => {
  // The desaturation raises a high-priority SpO₂ alarm a few seconds after the start; latched, it
  // stays on screen until acknowledged, which no test here does.
  const station = useWebStation(['--scenario', 'desaturation', '--scenario-speed', '10']);

  test('refuses a wrong password, a wrong code and a replayed code, and makes a repeatedly failing account wait', async ({ page }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(VIEWPORTS.laptop);
    const traffic = watchContract(page);
    await page.goto(station.url);
    const refused = /not right\. Check them and try again\./;

    // A wrong password; the code it came with was not spent, so the right password signs in.
    const first = await station.accounts.create('nurse');
    await attemptSignIn(page, traffic, { username: first.username, password: `${first.password}x`, code: first.code(currentStep()) });
    await expect(signInError(page)).toHaveText(refused);
    await expect(signInError(page)).toHaveAttribute('role', 'alert');
    await expect(signedInUser(page)).toHaveCount(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'access-sign-in-error-laptop');
    await signInAs(page, first);
    await signOut(page);

    // A wrong code.
    const second = await station.accounts.create('nurse');
    await attemptSignIn(page, traffic, { username: second.username, password: second.password, code: second.code(currentStep() - 5) });
    await expect(signInError(page)).toHaveText(refused);

    // A code that already signed in once is refused the second time; the next code is not.
    const third = await station.accounts.create('nurse');
    const code = third.freshCode();
    await attemptSignIn(page, traffic, { username: third.username, password: third.password, code });
    await expect(signedInUser(page)).toContainText(third.username);
    await signOut(page);
    await attemptSignIn(page, traffic, { username: third.username, password: third.password, code });
    await expect(signInError(page)).toHaveText(refused);
    await signInAs(page, third);
    await signOut(page);

    // Three failures are free; the fourth starts a 30 s wait, says so at once, and even the right details meet it.
    const fourth = await station.accounts.create('nurse');
    const throttled = /^Too many failed attempts for this account\. Try again in (29|30) s\.$/;
    for (let failure = 1; failure <= 4; failure++) {
      await attemptSignIn(page, traffic, { username: fourth.username, password: `wrong ${failure}`, code: fourth.code(currentStep()) });
      await expect(signInError(page)).toHaveText(failure < 4 ? refused : throttled);
    }
    await attemptSignIn(page, traffic, { username: fourth.username, password: fourth.password, code: fourth.freshCode() });
    await expect(signInError(page)).toHaveText(throttled);
    await expect(signedInUser(page)).toHaveCount(0);
  });

  test('locking on demand takes the vitals off the screen but not the alarm; the next code unlocks it', async ({ page }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(VIEWPORTS.laptop);
    const traffic = watchContract(page);
    await page.goto(station.url);
    const nurse = await station.signIn(page);
    await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    const alarm = page.locator('[data-alarm-priority="high"]').first();
    await expect(alarm).toBeVisible({ timeout: 60_000 });

    await page.locator('[data-action="lock"]').click();
    await expect(lockScreen(page)).toBeVisible();
    await expect.poll(() => answersTo(traffic, 'lockSession').map(({ ok }) => ok)).toEqual([true]);
    const lockedFrom = traffic.length;
    await expect(lockScreen(page).locator('[data-role="locked-user"]')).toHaveText(nurse.username);
    await expect(page.locator('[data-metric]')).toHaveCount(0);
    await expect(page.locator('canvas[data-waveform]')).toHaveCount(0);
    await expect(page.locator('[data-screen-link]')).toHaveCount(0);
    await expect(alarm).toBeVisible();
    await expect(alarm.locator('[data-role="alarm-message"]')).toContainText('SpO₂ low');
    await expect(page.getByRole('banner').locator('[data-role="alarm-sound"]')).toHaveText('Alarm sound on');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'access-locked-laptop');

    // Unlocking needs a code the sign-in did not use: the next step's is accepted within the drift window.
    await lockScreen(page).getByLabel('Password', { exact: true }).fill(nurse.password);
    await lockScreen(page).getByLabel('Authenticator code').fill(nurse.freshCode());
    // Everything the station sent since the lock, while the checks and typing above took their time, had no patient data.
    for (const event of PATIENT_EVENTS) expect(eventsSince(traffic, event, lockedFrom), event).toBe(0);
    const unlockedFrom = traffic.length;
    await lockScreen(page).locator('[data-action="unlock"]').click();
    await expect(lockScreen(page)).toHaveCount(0);
    await expect(tileValue(page, 'spo2')).toHaveText(/^\d{2,3}$/);
    await expect.poll(() => eventsSince(traffic, 'frame', unlockedFrom)).toBeGreaterThan(0);
    await expect(signedInUser(page)).toContainText(nurse.username);
  });

  test('only a physician gets the alarm-limit editor; their change is logged and reaches the nurse', async ({ page }) => {
    test.setTimeout(60_000);
    await page.setViewportSize(VIEWPORTS.laptop);
    await page.goto(station.url);
    await station.signIn(page, 'nurse');
    await page.locator('[data-screen-link="alarms"]').click();
    const nurseLimits = page.locator('[data-role="alarm-limits"]');
    await expect(nurseLimits).toBeVisible();
    await expect(page.locator('.limit-input')).toHaveCount(0);
    await expect(page.getByText('Only a physician may change alarm limits.')).toBeVisible();

    const doctor = await page.context().newPage();
    await doctor.setViewportSize(VIEWPORTS.laptop);
    await doctor.goto(station.url);
    const physician = await station.signIn(doctor, 'physician');
    await doctor.locator('[data-screen-link="alarms"]').click();
    const pulse = doctor.locator('[data-role="alarm-limits"] [data-limit-metric="pulseRate"]');
    // Out of its safe bounds: our message beside the field, nothing sent (no browser tooltip).
    await pulse.getByLabel(/^Pulse high limit/).fill('300');
    await pulse.getByLabel('Reason for changing the Pulse limits').fill('Athlete, resting rate high');
    await pulse.getByRole('button', { name: 'Save' }).click();
    await expect(pulse.locator('[data-role="limit-problem"]')).toHaveText('Pulse high limit must be between 60 and 200 /min');
    await expect(pulse.getByLabel(/^Pulse high limit/)).toHaveAttribute('aria-invalid', 'true');
    await expect(pulse.getByRole('status')).toHaveCount(0);
    // Inside the bounds but with no reason: refused, with the reason asked for.
    await pulse.getByLabel(/^Pulse high limit/).fill('130');
    await pulse.getByLabel('Reason for changing the Pulse limits').fill('');
    await pulse.getByRole('button', { name: 'Save' }).click();
    await expect(pulse.locator('[data-role="limit-problem"]')).toHaveText('Give the reason for this change: it is kept with the change.');
    await expect(doctor.locator('[data-role="limit-changes"]')).toHaveCount(0);
    await screenshot(doctor, 'access-limits-problems-laptop');
    await pulse.getByLabel('Reason for changing the Pulse limits').fill('Athlete, resting rate high');
    await pulse.getByRole('button', { name: 'Save' }).click();
    await expect(pulse.getByRole('status')).toHaveText('Saved');
    await expect(pulse.locator('[data-role="limit-problem"]')).toHaveCount(0);
    const log = doctor.locator('[data-role="limit-changes"]');
    await expect(log).toContainText('Pulse high 120 → 130');
    await expect(log).toContainText(`by ${physician.username} (Athlete, resting rate high)`);
    // A physician often changes limits because of an alarm: raise one (SpO2 under a 99 % limit) so the
    // banner area holds an alarm row above the patient banner, the tightest the editor gets.
    const spo2 = doctor.locator('[data-role="alarm-limits"] [data-limit-metric="spo2"]');
    await spo2.getByLabel(/^SpO₂ low limit/).fill('99');
    await spo2.getByLabel('Reason for changing the SpO₂ limits').fill('Test of the editor under an alarm');
    await spo2.getByRole('button', { name: 'Save' }).click();
    await expect(spo2.getByRole('status')).toHaveText('Saved');
    await expect(doctor.locator('.alarm-banner [data-alarm-priority]').first()).toBeVisible({ timeout: 30_000 });
    await screenshot(doctor, 'access-limits-physician-laptop');
    // The editor fits the laptop's panel: nothing scrolls sideways, so no measurement's name is cut off,
    // and nothing scrolls inside it, so every row is in sight at once.
    const overflow = await doctor.locator('[data-role="alarm-limits"]').evaluate((table) => {
      const scroller = table.parentElement!;
      return { sideways: scroller.scrollWidth - scroller.clientWidth, down: scroller.scrollHeight - scroller.clientHeight };
    });
    expect(overflow).toEqual({ sideways: 0, down: 0 });
    expect(await seriousAxeViolations(doctor)).toEqual([]);

    await expect(nurseLimits.locator('[data-limit-metric="pulseRate"]')).toContainText('130');
    await expect(page.locator('[data-role="limit-changes"]')).toContainText(`by ${physician.username}`);
    await doctor.close();
  });

  test('a page script opening its own contract socket without signing in is refused and gets no patient data', async ({ page }) => {
    test.setTimeout(60_000);
    const traffic = watchContract(page);
    await page.goto(station.url);
    await station.signIn(page);
    await expect.poll(() => eventsSince(traffic, 'frame')).toBeGreaterThan(0);

    const answer = await page.evaluate(async () => {
      const token = new URL(location.href).searchParams.get('token') ?? '';
      const socket = new WebSocket(`ws://${location.host}/contract?token=${encodeURIComponent(token)}`);
      // Kept open on the page for the rest of the test.
      (window as unknown as { hostileSocket: WebSocket }).hostileSocket = socket;
      await new Promise((opened, failed) => {
        socket.addEventListener('open', opened);
        socket.addEventListener('error', failed);
      });
      const result = new Promise<unknown>((resolve) =>
        socket.addEventListener('message', (message: MessageEvent<string>) => {
          const parsed = JSON.parse(message.data) as { type: string; id?: number };
          if (parsed.type === 'result' && parsed.id === 1) resolve(parsed);
        }),
      );
      socket.send(JSON.stringify({ type: 'invoke', id: 1, method: 'getSnapshot' }));
      return result;
    });
    expect(answer).toMatchObject({ type: 'result', id: 1, ok: false, error: { code: 'forbidden' } });

    // The signed-in screen beside it keeps getting frames; the script's socket gets none.
    const from = traffic.length;
    await expect.poll(() => eventsSince(traffic, 'frame', from)).toBeGreaterThan(10);
    const HOSTILE_SOCKET = 1;
    expect(answersTo(traffic, 'getSnapshot', HOSTILE_SOCKET).map(({ code }) => code)).toEqual(['forbidden']);
    for (const event of PATIENT_EVENTS) expect(eventsSince(traffic, event, 0, HOSTILE_SOCKET), event).toBe(0);
  });
});

test.describe('inactivity lock', () => {
  const station = useWebStation([], {
    prepare: async (dataDir) => {
      saveSettings(confSettingsStorage(dataDir), { access: { inactivityLockMinutes: 1 } });
    },
  });

  // The one slow test of the suite: it waits out the shortest lock delay the settings allow (1 min).
  test('an unused screen locks itself after the configured minute', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(station.url);
    // Taken before the sign-in: the screen's last activity is later, so the lock may not come sooner than a minute after it.
    const beforeSignIn = Date.now();
    const nurse = await station.signIn(page);
    await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    await expect(lockScreen(page)).toBeVisible({ timeout: 80_000 });
    expect(Date.now() - beforeSignIn).toBeGreaterThanOrEqual(60_000);
    await expect(lockScreen(page)).toContainText('locks itself after 1 minute without use');
    await expect(lockScreen(page).locator('[data-role="locked-user"]')).toHaveText(nurse.username);
    await expect(page.locator('[data-metric]')).toHaveCount(0);
  });
});
