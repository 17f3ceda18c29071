/**
 * npm run bench:startup [-- --smoke]: how long web mode (`npm run start:web -- --simulate`, the
 * station core in Node with its 4 simulated devices) takes from its process starting
 *  - to printing "Station UI:" (the screen can be opened), and
 *  - to the first live reading shown on a screen (SpO₂ on its tile), the page opened at once and a
 *    nurse signed in by script (the sign-in's own time is printed apart),
 * on a new installation (a data folder holding only its staff accounts: a screen shows readings only
 * to someone signed in) and on one holding a year of a clinic kiosk's records (bench/kiosk-year.ts),
 * and the core's memory (RSS) once idle with the screen open. The baseline, measured in the same run,
 * is the floor every start pays: the same Node loading tsx and exiting.
 * Goals: "Station UI" under 3 s, first reading under 5 s, idle RSS under 250 MB.
 */
import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import { StationAccounts } from '../e2e/web/accounts';
import { submitSignIn } from '../e2e/web/sign-in';
import { startWebStation } from '../e2e/web/web-station';
import { ensureRendererBuild } from '../src/node/web/renderer-build';
import { launchChromium, percentile } from './chromium';
import { writeKioskHistory } from './kiosk-year';
import { smokeOr } from './smoke';

const projectRoot = resolve(import.meta.dirname, '..');
const RUNS = smokeOr(5, 1);
const HISTORY_DAYS = smokeOr(365, 2);
/** The screen stays open this long before the idle station's memory is read. */
const IDLE_MS = smokeOr(30_000, 2_000);

interface Start {
  uiMs: number;
  signInMs: number;
  readingMs: number;
}

/** The floor: Node starting with the tsx loader (as start:web does) and exiting at once. */
async function bareStartMs(): Promise<number> {
  const started = performance.now();
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', ''], { cwd: projectRoot, stdio: 'ignore' });
    child.once('error', fail);
    child.once('exit', () => done());
  });
  return performance.now() - started;
}

async function residentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kb / 1024;
}

async function startOnce(browser: Browser, dataDir: string, accounts: StationAccounts, measureIdle: boolean): Promise<Start & { idleRssMb: number | null }> {
  const nurse = await accounts.create('nurse');
  const started = performance.now();
  const station = await startWebStation([], { folder: { dataDir, accounts } });
  const uiMs = performance.now() - started;
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  try {
    await page.goto(station.url);
    const signInFrom = performance.now();
    await submitSignIn(page, { username: nurse.username, password: nurse.password, code: nurse.freshCode() });
    await page.locator('[data-role="signed-in-user"]').waitFor();
    const signInMs = performance.now() - signInFrom;
    await page.waitForFunction(() => /^\d{2,3}$/.test(document.querySelector('[data-metric="spo2"] [data-role="value"]')?.textContent ?? ''));
    const readingMs = performance.now() - started;
    let idleRssMb: number | null = null;
    if (measureIdle) {
      await sleep(IDLE_MS);
      idleRssMb = await residentMb(station.pid);
    }
    return { uiMs, signInMs, readingMs, idleRssMb };
  } finally {
    await page.close();
    await station.stop();
  }
}

const median = (values: readonly number[]) => percentile(values, 50);
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function main(): Promise<void> {
  await ensureRendererBuild({ projectRoot, outDir: join(projectRoot, 'out', 'renderer') }, (line) => console.error(line));
  console.log(`bench:startup — ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${RUNS} start(s) each`);
  const floor: number[] = [];
  for (let run = 0; run < RUNS; run += 1) floor.push(await bareStartMs());
  console.log(`baseline: node --import tsx, empty program: median ${ms(median(floor))}`);

  const browser = await launchChromium();
  const folders: { name: string; dataDir: string }[] = [];
  try {
    const fresh = await mkdtemp(join(tmpdir(), 'vb-startup-fresh-'));
    const year = await mkdtemp(join(tmpdir(), 'vb-startup-year-'));
    folders.push({ name: 'new installation', dataDir: fresh }, { name: `${HISTORY_DAYS} days of kiosk records`, dataDir: year });
    const generated = performance.now();
    const history = await writeKioskHistory(year, HISTORY_DAYS);
    console.log(`generated ${HISTORY_DAYS} days: ${history.patients} patients, ${history.readings} readings in ${ms(performance.now() - generated)}`);

    for (const { name, dataDir } of folders) {
      const accounts = new StationAccounts(dataDir);
      const starts: Start[] = [];
      let idle: number | null = null;
      for (let run = 0; run < RUNS; run += 1) {
        const start = await startOnce(browser, dataDir, accounts, run === 0 && name === 'new installation');
        idle ??= start.idleRssMb;
        starts.push(start);
      }
      const ui = median(starts.map((s) => s.uiMs));
      const reading = median(starts.map((s) => s.readingMs));
      console.log(
        `${name}: "Station UI" median ${ms(ui)} (goal < 3000, ${(ui / median(floor)).toFixed(1)}× baseline), ` +
          `first reading median ${ms(reading)} (goal < 5000; of which scripted sign-in ${ms(median(starts.map((s) => s.signInMs)))})` +
          (idle === null ? '' : `; idle core RSS ${idle.toFixed(0)} MB (goal < 250)`),
      );
    }
  } finally {
    await browser.close();
    for (const { dataDir } of folders) await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
