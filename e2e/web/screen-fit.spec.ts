/**
 * Every screen at every common laptop, desktop and kiosk size (1024x768, 1280x800, 1366x768,
 * 1920x1080, 2560x1440, portrait 1080x1920): no interactive element or numeric overlaps another,
 * and the page never scrolls sideways (document.scrollingElement.scrollWidth > innerWidth). The
 * screens: a nurse's (monitor, history, alarms and limits, NEWS2, training), an administrator's
 * (records, users, kiosk settings), the station's and the clinician's side of a video visit, and
 * the kiosk's welcome and visit. Each check waits for the screen's content, never for time.
 */
import type { Page } from '@playwright/test';
import { VIDEO_VISIT_LAUNCH_OPTIONS, expect, test, tile, useWebStation } from './fixtures';

test.use({ launchOptions: VIDEO_VISIT_LAUNCH_OPTIONS });

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
  { width: 2560, height: 1440 },
  { width: 1080, height: 1920 },
] as const;

const station = useWebStation();

/**
 * Problems of the page as it is: sideways overflow, and every pair of visible interactive elements
 * or numerics whose boxes (clipped by their scrolling ancestors) overlap by more than a pixel.
 */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const scroller = document.scrollingElement!;
    const describe = (element: Element) => {
      const hook = ['data-action', 'data-metric', 'data-screen-link', 'data-role', 'id', 'name'].find((name) => element.hasAttribute(name));
      return `${element.tagName.toLowerCase()}${hook ? `[${hook}="${element.getAttribute(hook)}"]` : ''} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
    };
    if (scroller.scrollWidth > window.innerWidth) {
      // Name the innermost elements that stick out, so that the failure says what to fix.
      const outside = [...document.body.querySelectorAll('*')].filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1);
      const innermost = outside.filter((element) => !outside.some((other) => other !== element && element.contains(other)));
      problems.push(`scrolls sideways: ${scroller.scrollWidth} > ${window.innerWidth}; sticking out: ${innermost.slice(0, 4).map(describe).join(', ')}`);
    }
    const clipped = (element: Element): DOMRect | null => {
      let rect = element.getBoundingClientRect();
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const box = parent.getBoundingClientRect();
        const left = Math.max(rect.left, box.left);
        const top = Math.max(rect.top, box.top);
        const right = Math.min(rect.right, box.right);
        const bottom = Math.min(rect.bottom, box.bottom);
        if (right <= left || bottom <= top) return null;
        rect = new DOMRect(left, top, right - left, bottom - top);
      }
      return rect;
    };
    const elements = [...document.querySelectorAll('button, a[href], input, select, textarea, summary, [role="button"], [data-role="value"]')].filter((element) => {
      const style = getComputedStyle(element);
      return style.visibility !== 'hidden' && (element as HTMLElement).offsetParent !== null && element.getBoundingClientRect().width > 0;
    });
    const boxes = elements.map((element) => ({ element, rect: clipped(element) })).filter((entry): entry is { element: Element; rect: DOMRect } => entry.rect !== null);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
        const width = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
        const height = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
        if (width > 1 && height > 1) problems.push(`overlap ${Math.round(width)}x${Math.round(height)} px: ${describe(a.element)} and ${describe(b.element)}`);
      }
    }
    return problems;
  });
}

/** Checks the page at every size; `ready` waits for the screen's content after each resize. */
async function checkAtEverySize(page: Page, name: string, ready: () => Promise<void>): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await ready();
    // Layout settles in the frame after a resize.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    expect.soft(await layoutProblems(page), `${name} at ${size.width}x${size.height}`).toEqual([]);
  }
}

/**
 * Every screen the signed-in user's navigation offers, each opened from the first screen: the
 * patient banner's link (the visit notes) shows on the clinical screens only.
 */
async function checkNavigationScreens(page: Page): Promise<void> {
  const links = await page.locator('[data-screen-link]').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-screen-link')!));
  for (const screen of links) {
    await page.locator(`[data-screen-link="${links[0]}"]`).click();
    await page.locator(`[data-screen-link="${screen}"]`).click();
    await expect(page.locator('.app')).toHaveAttribute('data-screen', screen);
    const main = page.locator('.app > main:not([hidden])');
    await checkAtEverySize(page, `screen ${screen}`, () => expect(main).not.toBeEmpty());
  }
}

test('the nurse’s and the administrator’s screens fit every size', async ({ browser }) => {
  test.setTimeout(300_000);
  for (const role of ['nurse', 'administrator'] as const) {
    const page = await browser.newPage();
    await page.goto(station.url);
    await station.signIn(page, role);
    if (role === 'nurse') await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
    await checkNavigationScreens(page);
    await page.close();
  }
});

test('both ends of a video visit fit every size', async ({ browser }) => {
  test.setTimeout(300_000);
  const nurse = await browser.newPage();
  await nurse.goto(station.url);
  await station.signIn(nurse);
  await nurse.locator('[data-action="start-visit"]').click();
  await nurse.locator('[data-action="consent-accept"]').click();
  const link = (await nurse.locator('[data-role="visit-link"]').innerText({ timeout: 20_000 })).trim();
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const doctor = await context.newPage();
  await doctor.goto(link);
  await doctor.locator('[data-action="join-visit"]').click();
  await nurse.locator('[data-action="admit"]').click({ timeout: 20_000 });
  await expect(doctor.locator('[data-role="vitals-link"]')).toHaveAttribute('data-linked', 'true', { timeout: 30_000 });
  // Layout needs the numerics on screen; whether they are current is visit-layout.spec.ts's concern.
  const showsReading = (page: Page) => () => expect(tile(page, 'spo2')).toHaveAttribute('data-state', /^(live|stale)$/, { timeout: 30_000 });
  await checkAtEverySize(doctor, 'clinician page', showsReading(doctor));
  await checkAtEverySize(nurse, 'station visit', showsReading(nurse));
  await nurse.locator('[data-action="end-visit"]').click();
  await context.close();
  await nurse.close();
});

test('the kiosk’s welcome and visit fit every size', async ({ browser }) => {
  test.setTimeout(300_000);
  const page = await browser.newPage();
  await page.goto(station.url);
  await station.signIn(page, 'administrator');
  await page.locator('[data-screen-link="kiosk"]').click();
  await page.locator('[data-action="enable-kiosk"]').click();
  const welcome = page.locator('[data-screen="kiosk-welcome"]');
  await checkAtEverySize(page, 'kiosk welcome', () => expect(welcome).toBeVisible());
  await page.locator('[data-action="start-kiosk-visit"]').click();
  await checkAtEverySize(page, 'kiosk visit', () => expect(page.locator('[data-action="finish-kiosk-visit"]')).toBeVisible());
});
