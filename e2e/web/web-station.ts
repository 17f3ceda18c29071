/**
 * Starts web mode (`start:web`) as a child process for one test file: simulated peripherals, a
 * free port, a throw-away data folder. Resolves with the tokenised `Station UI:` URL, the data
 * folder, and the accounts the tests create in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { StationAccounts } from './accounts';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
/** First start may rebuild the renderer. */
const START_TIMEOUT_MS = 120_000;

export interface WebStation {
  url: string;
  dataDir: string;
  /** The station process's id (for its memory use, signals). */
  pid: number;
  /** Accounts written into this station's records while it runs. */
  accounts: StationAccounts;
  /** Everything the process wrote to stderr so far, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

export interface WebStationSetup {
  /**
   * A new installation with no accounts, which offers the administrator's enrolment. Otherwise
   * an administrator is enrolled before the start, as on a station in use, and tests sign in.
   */
  firstRun?: boolean;
  /** Runs on the data folder before the station starts (settings, more accounts). */
  prepare?(dataDir: string): Promise<void>;
  /**
   * An existing station's folder and its accounts (a restart on the same records): nobody is
   * enrolled, and stop() leaves the folder to the caller.
   */
  folder?: { dataDir: string; accounts: StationAccounts };
  /** More Node options for the station process, before its entry point (the soak test's probe: `--import`). */
  nodeArgs?: readonly string[];
}

export async function startWebStation(extraArgs: readonly string[] = [], setup: WebStationSetup = {}): Promise<WebStation> {
  const dataDir = setup.folder?.dataDir ?? (await mkdtemp(join(tmpdir(), 'vitalbridge-e2e-')));
  const accounts = setup.folder?.accounts ?? new StationAccounts(dataDir);
  const removeFolder = () => (setup.folder ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  try {
    if (!setup.firstRun && !setup.folder) await accounts.create('administrator');
    await setup.prepare?.(dataDir);
  } catch (error) {
    await removeFolder();
    throw error;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', ...(setup.nodeArgs ?? []), 'src/node/web/main.ts', '--simulate', '--port', '0', '--data-dir', dataDir, ...extraArgs], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A station that dies mid-test (a crash, a native fault) says so in the failure report.
  child.once('exit', (code, signal) => (stderr += `[e2e] the station process exited (code ${code}, signal ${signal})\n`));
  const stop = async () => {
    await stopProcess(child);
    await removeFolder();
  };
  try {
    const url = await stationUiAnnounced(child, () => stderr);
    return { url, dataDir, pid: child.pid!, accounts, stderr: () => stderr, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Resolves with the address of the `Station UI:` line a web-mode process prints, the moment it
 * appears; rejects with WebStationExit if the process exits first, or after `timeoutMs` without it.
 */
export function stationUiAnnounced(child: ChildProcess, stderr: () => string, timeoutMs = START_TIMEOUT_MS): Promise<string> {
  return new Promise<string>((resolveUrl, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`web mode printed no "Station UI:" line within ${timeoutMs} ms\n${stderr()}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^Station UI: (\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new WebStationExit(code, stderr()));
    });
  });
}

/** Web mode ended before it served the screen (bad arguments exit 2). */
export class WebStationExit extends Error {
  constructor(
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`web mode exited with ${code} before serving:\n${stderr}`);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(forced);
}
