/**
 * npm run bench:render [-- --smoke]: the station's sweep renderer against Smoothie Charts and uPlot, each drawing
 * the same four 500 Hz channels in a 10 s window on a 1200×600 canvas in Chromium for 8 s. Prints
 * frames per second and the renderer main thread's busy share (CDP Performance TaskDuration and
 * ScriptDuration deltas over wall time). Goal: 60 fps with at most half the busy time of the better
 * comparison.
 */
import { resolve } from 'node:path';
import { createServer } from 'vite';
import { launchChromium } from './chromium';
import { smokeOr } from './smoke';

const MEASURE_MS = smokeOr(8_000, 1_000);
const SCREENSHOT_DIR = resolve(import.meta.dirname, '..', 'test-results', 'bench');
const WARM_UP_MS = smokeOr(1_000, 200);
const CONTENDERS = ['sweep', 'smoothie', 'uplot'] as const;
type Contender = (typeof CONTENDERS)[number];

interface Result {
  contender: Contender;
  fps: number;
  taskShare: number;
  scriptShare: number;
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, 'render');
  const server = await createServer({ root, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0, fs: { allow: [resolve(import.meta.dirname, '..')] } } });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('vite did not report its port');
  const browser = await launchChromium();
  const results: Result[] = [];
  try {
    for (const contender of CONTENDERS) results.push(await measure(browser, `http://127.0.0.1:${address.port}/?contender=${contender}`, contender));
  } finally {
    await browser.close();
    await server.close();
  }
  report(results);
}

async function measure(browser: Awaited<ReturnType<typeof launchChromium>>, url: string, contender: Contender): Promise<Result> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__bench?.ready === true || window.__bench?.error !== null);
    const error = await page.evaluate(() => window.__bench.error);
    if (error) throw new Error(`${contender}: ${error}`);
    await page.waitForTimeout(WARM_UP_MS);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    const metrics = async () => {
      const { metrics: list } = await cdp.send('Performance.getMetrics');
      const value = (name: string) => list.find((metric) => metric.name === name)?.value ?? Number.NaN;
      return { task: value('TaskDuration'), script: value('ScriptDuration'), frames: await page.evaluate(() => window.__bench.frames) };
    };
    const before = await metrics();
    const startedAt = performance.now();
    await page.waitForTimeout(MEASURE_MS);
    const after = await metrics();
    const wallSeconds = (performance.now() - startedAt) / 1000;
    // Kept so a person can check each contender drew the same traces.
    await page.locator('#stage').screenshot({ path: resolve(SCREENSHOT_DIR, `render-${contender}.png`) });
    return {
      contender,
      fps: (after.frames - before.frames) / wallSeconds,
      taskShare: (after.task - before.task) / wallSeconds,
      scriptShare: (after.script - before.script) / wallSeconds,
    };
  } finally {
    await page.close();
  }
}

function report(results: Result[]): void {
  const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
  console.log(`4 channels × 500 Hz, 10 s window, 1200×600 canvas, ${MEASURE_MS / 1000} s in Chromium (headless, software raster)`);
  console.log(['contender'.padEnd(10), 'fps'.padStart(6), 'main-thread busy'.padStart(17), 'script'.padStart(9)].join('  '));
  for (const result of results) {
    console.log([result.contender.padEnd(10), result.fps.toFixed(1).padStart(6), percent(result.taskShare).padStart(17), percent(result.scriptShare).padStart(9)].join('  '));
  }
  const ours = results.find((result) => result.contender === 'sweep')!;
  const best = results.filter((result) => result.contender !== 'sweep').sort((a, b) => a.taskShare - b.taskShare)[0]!;
  const ratio = ours.taskShare / best.taskShare;
  console.log(`sweep busy time is ${(ratio * 100).toFixed(0)} % of ${best.contender}'s (goal ≤ 50 %), at ${ours.fps.toFixed(1)} fps (goal 60).`);
  console.log(ratio <= 0.5 && ours.fps >= 59 ? 'Goal met.' : 'Goal NOT met.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
