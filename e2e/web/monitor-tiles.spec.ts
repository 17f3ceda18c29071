/**
 * The monitor shows only what can be measured: with the simulator's oximeter, cuff, thermometer,
 * scale and glucose meter, exactly their parameters get a tile (no "No reading yet" for heart rate
 * or respiration, which nothing here measures); a device that appears later adds its tile without
 * moving any other; and a parameter the station's settings always show gets its tile regardless.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from '@playwright/test';
import { WEB_SOCKET_PATH, type DeviceInfo } from '../../src/shared/contract';
import { expect, screenshot, seriousAxeViolations, test, tile, useWebStation } from './fixtures';

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;
const SIMULATED = ['bodyTemperature', 'bodyWeight', 'diastolic', 'glucose', 'meanArterialPressure', 'perfusionIndex', 'pulseRate', 'spo2', 'systolic'];
/** An ECG as the core would list it: it measures heart rate, which none of the simulated devices does. */
const ECG: DeviceInfo = { id: 'test-ecg', driverId: 'test-ecg', name: 'Test ECG', transport: 'hid', state: 'streaming', condition: 'ok', canRequestMeasurement: false, metrics: ['heartRate'] };

const shownMetrics = async (page: Page) => (await page.locator('.monitor [data-metric]').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-metric') ?? ''))).sort();

/** Every tile's and the NEWS2 summary's box on the monitor, rounded to the pixel. */
async function boxes(page: Page): Promise<Record<string, string>> {
  return page.locator('.monitor [data-metric], .monitor [data-action="open-news2"]').evaluateAll((elements) =>
    Object.fromEntries(
      elements.map((element) => {
        const box = element.getBoundingClientRect();
        return [element.getAttribute('data-metric') ?? 'news2-summary', [box.x, box.y, box.width, box.height].map(Math.round).join(',')];
      }),
    ),
  );
}

/**
 * Each value, unit and detail line (and the detail's parts) on the monitor that reaches outside its
 * tile's inner box (inside the border), which clips it: "<metric> <role>: <how far> px".
 */
function clippedTileParts(page: Page): Promise<string[]> {
  return page.locator('.monitor .tile').evaluateAll((tiles) =>
    tiles.flatMap((tile) => {
      const box = tile.getBoundingClientRect();
      const inner = { left: box.left + tile.clientLeft, top: box.top + tile.clientTop, right: box.left + tile.clientLeft + tile.clientWidth, bottom: box.top + tile.clientTop + tile.clientHeight };
      const parts = [...tile.querySelectorAll('[data-role="value"], [data-role="unit"], [data-role="detail"], [data-role="detail"] > *')];
      return parts.flatMap((part) => {
        const rect = part.getBoundingClientRect();
        const outside = Math.max(inner.left - rect.left, inner.top - rect.top, rect.right - inner.right, rect.bottom - inner.bottom);
        return outside > 0.5 ? [`${tile.getAttribute('data-metric')} ${part.getAttribute('data-role') ?? part.className}: ${Math.round(outside)} px`] : [];
      });
    }),
  );
}

/**
 * Passes the page's contract socket through, remembering the station's newest device list, so the
 * test can announce one more device to the page as the core announces a plugged-in one.
 */
async function relayContract(page: Page): Promise<{ addDevice(device: DeviceInfo): void }> {
  let route: WebSocketRoute | null = null;
  let devices: DeviceInfo[] = [];
  await page.routeWebSocket(
    (url) => url.pathname === WEB_SOCKET_PATH,
    (ws) => {
      route = ws;
      const server = ws.connectToServer();
      server.onMessage((message) => {
        const parsed = JSON.parse(String(message)) as { type?: string; event?: string; payload?: unknown; output?: { devices?: DeviceInfo[]; latest?: unknown } };
        if (parsed.type === 'event' && parsed.event === 'devices') devices = parsed.payload as DeviceInfo[];
        if (parsed.type === 'result' && parsed.output?.devices && parsed.output.latest) devices = parsed.output.devices;
        ws.send(message);
      });
    },
  );
  return {
    addDevice(device) {
      if (!route) throw new Error('the page has no contract socket');
      devices = [...devices, device];
      route.send(JSON.stringify({ type: 'event', event: 'devices', payload: devices }));
    },
  };
}

test.describe('with the simulated devices', () => {
  const station = useWebStation();

  test('only the simulated devices’ parameters get tiles, and a device added later moves no tile', async ({ page }) => {
    test.setTimeout(120_000);
    const contract = await relayContract(page);
    await page.setViewportSize(SIZES[0]);
    await page.goto(station.url);
    await station.signIn(page);
    await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    expect(await shownMetrics(page)).toEqual(SIMULATED);
    for (const unmeasured of ['heartRate', 'respiratoryRate']) await expect(tile(page, unmeasured)).toHaveCount(0);

    const before: Record<string, Record<string, string>> = {};
    for (const size of SIZES) {
      await page.setViewportSize(size);
      before[size.width] = await boxes(page);
      expect(await seriousAxeViolations(page), `${size.width}x${size.height}`).toEqual([]);
      await screenshot(page, `monitor-measurable-${size.width}x${size.height}`);
    }

    contract.addDevice(ECG);
    await expect(tile(page, 'heartRate')).toBeVisible();
    expect(await shownMetrics(page)).toEqual([...SIMULATED, 'heartRate'].sort());
    for (const size of SIZES) {
      await page.setViewportSize(size);
      const after = await boxes(page);
      // Every tile shown before, and the NEWS2 summary, is exactly where it was; the new tile is inside the grid.
      expect(Object.fromEntries(Object.keys(before[size.width]!).map((key) => [key, after[key]])), `${size.width}x${size.height}`).toEqual(before[size.width]);
      const grid = await page.locator('.monitor .tiles').boundingBox();
      const added = await tile(page, 'heartRate').boundingBox();
      expect(added!.y + added!.height, `${size.width}x${size.height}`).toBeLessThanOrEqual(grid!.y + grid!.height + 1);
      await screenshot(page, `monitor-device-added-${size.width}x${size.height}`);
    }
  });

  test('every tile’s value, unit and detail line is entirely inside its tile at every size', async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto(station.url);
    await station.signIn(page);
    await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    await expect(tile(page, 'spo2').locator('[data-role="detail"] time')).toBeVisible();
    for (const size of SIZES) {
      await page.setViewportSize(size);
      expect.soft(await clippedTileParts(page), `${size.width}x${size.height}`).toEqual([]);
      await screenshot(page, `monitor-tile-contents-${size.width}x${size.height}`);
    }
  });

  test('an administrator sets heart rate to always show: a nurse’s monitor shows its tile at once, and no longer once unset', async ({ page, browser }) => {
    test.setTimeout(120_000);
    await page.goto(station.url);
    await station.signIn(page);
    await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    await expect(tile(page, 'heartRate')).toHaveCount(0);

    const adminContext = await browser.newContext({ viewport: SIZES[0] });
    const admin = await adminContext.newPage();
    await admin.goto(station.url);
    await station.signIn(admin, 'administrator');
    await admin.locator('[data-screen-link="monitor-settings"]').click();
    const heartRate = admin.locator('input[data-always-show="heartRate"]');
    await expect(heartRate).toBeEnabled();
    await expect(heartRate).not.toBeChecked();
    await heartRate.check();
    await admin.locator('[data-action="save-monitor-settings"]').click();
    await expect(admin.locator('[data-role="monitor-settings-saved"]')).toBeVisible();
    for (const size of SIZES) {
      await admin.setViewportSize(size);
      expect(await seriousAxeViolations(admin), `${size.width}x${size.height}`).toEqual([]);
      await screenshot(admin, `monitor-settings-${size.width}x${size.height}`);
    }

    await expect(tile(page, 'heartRate')).toHaveAttribute('data-state', 'absent');
    expect(await shownMetrics(page)).toEqual([...SIMULATED, 'heartRate'].sort());
    await heartRate.uncheck();
    await admin.locator('[data-action="save-monitor-settings"]').click();
    await expect(admin.locator('[data-role="monitor-settings-saved"]')).toBeVisible();
    await expect(tile(page, 'heartRate')).toHaveCount(0);
    await adminContext.close();
  });
});

test.describe('with respiratory rate always shown', () => {
  const station = useWebStation([], {
    prepare: (dataDir) => writeFile(join(dataDir, 'settings.json'), JSON.stringify({ display: { alwaysShowMetrics: ['respiratoryRate'] } }), { mode: 0o600 }),
  });

  test('the station’s setting shows a parameter nothing measures', async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto(station.url);
    await station.signIn(page);
    await expect(tile(page, 'spo2')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    await expect(tile(page, 'respiratoryRate')).toHaveAttribute('data-state', 'absent');
    expect(await shownMetrics(page)).toEqual([...SIMULATED, 'respiratoryRate'].sort());
  });
});
