/**
 * Issue 13, item 4: clients that flood the contract socket and never read their answers must not
 * grow the station without bound or starve a signed-in screen. Two signed-in clients, each its
 * own process (contract-flooder.ts, so its work does not slow the measuring test process), flood
 * `getSnapshot` without reading; once both flood, a nurse's screen counts its frames; the screen keeps 90 % of its frame rate and the station's resident memory
 * stays under 400 MB.
 *
 * HOSTILE_FLOOD_SECONDS sets the flood's length (default 8; the figure is for 20).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import type { StationAccount } from '../../e2e/web/accounts';
import { cpuSeconds, openScreen, residentBytes, screenConnected, signInAt, stationPerFile } from './web-station-harness';

const FLOOD_MS = Number(process.env.HOSTILE_FLOOD_SECONDS ?? 8) * 1_000;
const BASELINE_MS = 5_000;
const MAX_RSS_BYTES = 400 * 1024 * 1024;
const FLOODER = resolve(import.meta.dirname, 'contract-flooder.ts');

const stationOf = stationPerFile();

/** Starts contract-flooder.ts as its own process and resolves once it floods; `stop` ends it and resolves with its counts. */
async function startFlooder(account: StationAccount): Promise<{ stop(): Promise<string> }> {
  const credentials = { username: account.username, password: account.password, totp: account.freshCode() };
  const child = spawn(process.execPath, ['--import', 'tsx', FLOODER, JSON.stringify({ url: stationOf().url, credentials })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  await new Promise<void>((flooding, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('flooding\n')) flooding();
    });
    void exited.then((code) => fail(new Error(`the flooder stopped (${code}) before flooding: ${output}`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`the flooder failed (${code}): ${output}`);
      return output.replace('flooding\n', '').trim();
    },
  };
}

/** Frames the screen receives in `ms`, per second, the station's largest RSS and its share of a CPU meanwhile. */
async function observe(frames: () => number, ms: number): Promise<{ framesPerSecond: number; maxRss: number; cpu: number }> {
  const before = frames();
  const cpuBefore = await cpuSeconds(stationOf().pid);
  let maxRss = await residentBytes(stationOf().pid);
  const sampler = setInterval(() => {
    void residentBytes(stationOf().pid).then(
      (rss) => (maxRss = Math.max(maxRss, rss)),
      () => undefined,
    );
  }, 250);
  await new Promise((done) => setTimeout(done, ms));
  clearInterval(sampler);
  return { framesPerSecond: ((frames() - before) * 1_000) / ms, maxRss, cpu: ((await cpuSeconds(stationOf().pid)) - cpuBefore) / (ms / 1_000) };
}

it('keeps a signed-in screen at 90 % of its frame rate and the station under 400 MB while two clients flood without reading', async () => {
  const [nurse, ...flooderAccounts] = await Promise.all([stationOf().accounts.create('nurse'), stationOf().accounts.create('nurse'), stationOf().accounts.create('nurse')]);
  const screen = openScreen(stationOf());
  let frames = 0;
  screen.on('frame', () => (frames += 1));
  try {
    await screenConnected(screen);
    expect(await signInAt(screen, nurse!)).toMatchObject({ ok: true });
    const baseline = await observe(() => frames, BASELINE_MS);
    const flooders = await Promise.all(flooderAccounts.map((account) => startFlooder(account)));
    const during = await observe(() => frames, FLOOD_MS);
    const flooded = await Promise.all(flooders.map((flooder) => flooder.stop()));
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    console.info(
      `frames/s before ${baseline.framesPerSecond.toFixed(1)}, during a ${FLOOD_MS / 1000} s flood ${during.framesPerSecond.toFixed(1)}; ` +
        `RSS before ${mb(baseline.maxRss)} MB, during max ${mb(during.maxRss)} MB; station CPU before ${baseline.cpu.toFixed(2)}, during ${during.cpu.toFixed(2)}; ` +
        `flooders ${flooded.join(', ')}`,
    );
    expect(during.framesPerSecond).toBeGreaterThanOrEqual(0.9 * baseline.framesPerSecond);
    expect(during.maxRss).toBeLessThan(MAX_RSS_BYTES);
  } finally {
    screen.close();
  }
}, 120_000 + FLOOD_MS);
