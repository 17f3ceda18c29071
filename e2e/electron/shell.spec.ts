/**
 * The Electron shell, launched for real, as `npm install` left it (the records module built for
 * Electron beside the one for Node, src/node/records/native-binding.ts): hardened webPreferences, CSP on the page, a bridge that is
 * exactly the contract, and a live simulated reading reaching the window once a nurse signed in
 * (the account is written into the data folder before launch). Skipped, with the reason printed,
 * where the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { StationAccounts } from '../web/accounts';
import { signInAs } from '../web/sign-in';

const projectRoot = resolve(import.meta.dirname, '..', '..');

function electronBinary(): { path: string } | { missing: string } {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `electron/path.txt is absent: the Electron binary was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=${process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ?? 'unset'})` };
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `the Electron binary ${binary} does not exist` };
}

const binary = electronBinary();
if ('missing' in binary) console.log(`[e2e/electron] SKIPPED: ${binary.missing}`);
const mainEntry = join(projectRoot, 'out', 'main', 'index.js');

test.describe('Electron shell', () => {
  test.skip('missing' in binary, 'missing' in binary ? binary.missing : '');

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  test.beforeAll(async () => {
    test.skip(!existsSync(mainEntry), `run "npm run build" first: ${mainEntry} is missing`);
    dataDir = await mkdtemp(join(tmpdir(), 'vb-electron-'));
    // An installed station: its records (and their key file, which the app seals with the OS
    // keychain on first start) already hold the nurse who signs in.
    const nurse = await new StationAccounts(dataDir).create('nurse');
    // A test host often has no OS keychain (headless Linux: safeStorage's basic_text backend), where the
    // station rightly refuses to start; the test accepts the key file the accounts were written with.
    app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : undefined,
      args: [mainEntry, '--simulate', '--data-dir', dataDir],
      env: { ...process.env, VITALBRIDGE_ALLOW_KEY_FILE: '1' },
    });
    page = await app.firstWindow();
    await signInAs(page, nurse);
  });

  test.afterAll(async () => {
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('window runs sandboxed, context-isolated, without Node, from app://', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const window = BrowserWindow.getAllWindows()[0];
      const web = window?.webContents;
      // getLastWebPreferences (present at runtime, absent from the typings) reports what the renderer actually got.
      type Prefs = { contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean; webSecurity?: boolean; webviewTag?: boolean };
      const p = (web as unknown as { getLastWebPreferences?(): Prefs | null } | undefined)?.getLastWebPreferences?.();
      return { url: web?.getURL(), contextIsolation: p?.contextIsolation, sandbox: p?.sandbox, nodeIntegration: p?.nodeIntegration, webSecurity: p?.webSecurity, webviewTag: p?.webviewTag };
    });
    expect(prefs).toEqual({ url: 'app://station/index.html', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  });

  test('page is served with the station CSP', async () => {
    const csp = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
  });

  test('window.vitalbridge is exactly the contract', async () => {
    const shape = await page.evaluate(() => {
      const bridge = (window as unknown as { vitalbridge: Record<string, unknown> }).vitalbridge;
      return Object.keys(bridge).sort().map((key) => `${key}:${typeof bridge[key]}`);
    });
    expect(shape).toEqual(['invoke:function', 'on:function']);
    const refused = await page.evaluate(() =>
      (window as unknown as { vitalbridge: { invoke(m: string, i: unknown): Promise<unknown> } }).vitalbridge.invoke('requestMeasurement', { deviceId: 42 }).then(
        () => 'resolved',
        (error: Error) => error.message,
      ),
    );
    expect(refused).toMatch(/^bad-request:/);
  });

  test('a live simulated reading arrives in the window', async () => {
    const reading = await page.evaluate(
      () =>
        new Promise<{ metric: string; value: number }>((resolvePromise) => {
          const bridge = (window as unknown as { vitalbridge: { on(e: string, l: (f: { readings: Array<{ metric: string; value: number }> }) => void): () => void } }).vitalbridge;
          const off = bridge.on('frame', (frame) => {
            const first = frame.readings[0];
            if (!first) return;
            off();
            resolvePromise(first);
          });
        }),
    );
    expect(reading.value).toBeGreaterThan(0);
    await expect(page.locator('[data-metric="spo2"][data-state="live"]')).toBeVisible();
  });

  test('navigation away from the app and new windows are refused', async () => {
    await page.evaluate(() => window.open('https://example.com', '_blank'));
    expect(app.windows()).toHaveLength(1);
    await page.evaluate(() => {
      location.href = 'https://example.com';
    });
    await expect.poll(() => page.url()).toBe('app://station/index.html');
  });
});
