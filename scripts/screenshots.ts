/**
 * `npm run screenshots`: the README's pictures of the screens, taken from a real web-mode station
 * (the end-to-end tests' harness: simulated peripherals, a throw-away data folder, the patient
 * desaturating ten times faster than real time so that an alarm comes) at 1366x768, so they show
 * what the code shows today. Needs the built renderer (`npm run build`) and the system Chromium.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, expect, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from '../e2e/chromium-flags';
import { signIn } from '../e2e/web/sign-in';
import { startWebStation, type WebStation } from '../e2e/web/web-station';

const USAGE = `Usage: npm run screenshots [-- --out DIR]

Starts a simulated web-mode station, signs in and writes the README's screenshots at 1366x768:
monitor.png, monitor-alarm.png, history.png, clinician-visit.png, kiosk-welcome.png.
  --out DIR   where to write them (default: docs/screens)
  --help      this text
Needs \`npm run build\` first and Chromium (${CHROMIUM_PATH}, or CHROMIUM_PATH).`;

const VIEWPORT = { width: 1366, height: 768 };
/** The desaturation reaches the SpO2 alarm about 10 s of wall time into the scenario at ten times speed. */
const ALARM_TIMEOUT_MS = 90_000;

function parseArguments(argv: readonly string[]): { out: string } | 'help' {
  let out = resolve(import.meta.dirname, '..', 'docs', 'screens');
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--help' || argument === '-h') return 'help';
    if (argument === '--out' && argv[i + 1]) out = resolve(argv[++i]!);
    else throw new Error(`unknown option ${argument} (see --help)`);
  }
  return { out };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseArguments>;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  await mkdir(options.out, { recursive: true });
  const station = await startWebStation(['--scenario', 'desaturation', '--scenario-speed', '10']);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS, '--autoplay-policy=no-user-gesture-required'] });
  try {
    await takeAll(browser, station, options.out);
  } finally {
    await browser.close();
    await station.stop();
  }
  return 0;
}

async function takeAll(browser: Browser, station: WebStation, out: string): Promise<void> {
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: resolve(out, `${name}.png`) });
    process.stdout.write(`wrote ${resolve(out, `${name}.png`)}\n`);
  };
  const open = async (url: string) => {
    const context = await browser.newContext({ viewport: VIEWPORT, permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    await page.goto(url);
    return page;
  };

  const nurse = await open(station.url);
  await signIn(nurse, station.accounts);
  await expect(nurse.locator('[data-metric="spo2"]')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await shot(nurse, 'monitor');
  await expect(nurse.locator('.app-banners [data-alarm-priority]').first()).toBeVisible({ timeout: ALARM_TIMEOUT_MS });
  await shot(nurse, 'monitor-alarm');

  await nurse.locator('[data-screen-link="history"]').click();
  await expect(nurse.locator('.history')).toBeVisible();
  await shot(nurse, 'history');

  await nurse.locator('[data-action="start-visit"]').click();
  await nurse.locator('[data-action="consent-accept"]').click();
  const link = (await nurse.locator('[data-role="visit-link"]').innerText({ timeout: 20_000 })).trim();
  const doctor = await open(link);
  await doctor.locator('[data-action="join-visit"]').click();
  await nurse.locator('[data-action="admit"]').click({ timeout: 20_000 });
  await expect(doctor.locator('[data-role="vitals-link"]')).toHaveAttribute('data-linked', 'true', { timeout: 30_000 });
  await expect(doctor.locator('[data-metric="spo2"]')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  // Playing is not enough: the picture is black until the first frame has arrived.
  await expect.poll(() => doctor.locator('video[data-role="remote-video"]').evaluate((video: HTMLVideoElement) => !video.paused && video.readyState >= 2 && video.videoWidth > 0), { timeout: 30_000 }).toBe(true);
  await shot(doctor, 'clinician-visit');
  await nurse.locator('[data-action="end-visit"]').click();
  await doctor.context().close();

  const admin = await open(station.url);
  await signIn(admin, station.accounts, 'administrator');
  await admin.locator('[data-screen-link="kiosk"]').click();
  await admin.locator('[data-action="enable-kiosk"]').click();
  await expect(admin.locator('[data-screen="kiosk-welcome"]')).toBeVisible();
  await shot(admin, 'kiosk-welcome');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`screenshots failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
