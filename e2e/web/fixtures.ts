/** Playwright setup shared by the web-mode tests: Debian Chromium, and helpers for the page hooks. */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FAKE_MEDIA_ARGS } from '../chromium-flags';
import { startWebStation, type WebStation } from './web-station';

export const SCREEN_DIR = resolve(import.meta.dirname, '..', '..', 'test-results', 'screens');
export const VIEWPORTS = { kiosk: { width: 1920, height: 1080 }, laptop: { width: 1366, height: 768 } } as const;

/** Debian's Chromium with the flags this headless host needs, whichever config runs the files. */
export const test = base.extend({
  launchOptions: [
    { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    { scope: 'worker' },
  ],
});
export { expect };

/** For `test.use` in the video-visit specs: fake camera and microphone, and video that plays without a click. */
export const VIDEO_VISIT_LAUNCH_OPTIONS = {
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS, ...FAKE_MEDIA_ARGS, '--autoplay-policy=no-user-gesture-required'],
};

/**
 * Starts web mode before the first test of the enclosing file or describe block and stops it after
 * the last. The returned station is readable once the tests run.
 */
export function useWebStation(extraArgs: readonly string[] = []): Pick<WebStation, 'url'> {
  let station: WebStation | undefined;
  test.beforeAll(async () => {
    test.setTimeout(150_000);
    station = await startWebStation(extraArgs);
  });
  test.afterAll(async () => {
    await station?.stop();
  });
  return {
    get url() {
      if (!station) throw new Error('the web station is read before its beforeAll hook started it');
      return station.url;
    },
  };
}

export const tile = (page: Page, metric: string) => page.locator(`[data-metric="${metric}"]`);
export const tileValue = (page: Page, metric: string) => tile(page, metric).locator('[data-role="value"]');

/** A fingerprint of the pleth canvas pixels, to see the trace move. */
export function canvasFingerprint(page: Page, metric: string): Promise<string> {
  return page.locator(`canvas[data-waveform="${metric}"]`).evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context || canvas.width === 0) return 'empty';
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let hash = 0;
    let lit = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i]! > 0) lit++;
      hash = (hash * 31 + data[i]!) | 0;
    }
    return `${lit}:${hash}`;
  });
}

/** Serious and critical axe findings, each as "rule: target". */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREEN_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREEN_DIR, `${name}.png`) });
}
