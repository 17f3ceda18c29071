/**
 * The options both start commands share (docs/automation-interface.md): `npm start` (Electron) and
 * `npm run start:web`. Web mode parses strictly; Electron ignores the switches Chromium and test
 * drivers add to its command line.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface StartOptions {
  /** Web mode only; 0 lets the system choose. */
  port: number;
  simulate: boolean;
  scenario?: string;
  /** An external consultation server; without it the settings', else an embedded one. */
  consultServer?: string;
  /** --relay-only given: media only through TURN (overrides the settings). */
  relayOnly?: true;
  dataDir: string;
  help: boolean;
  /** Capture files attached as replayed devices, in the order given. */
  replay: string[];
}

/** Bad command-line input: print the message and exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The platform's per-user data folder for the station. */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'VitalBridge');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'VitalBridge');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'vitalbridge');
}

export const START_WEB_USAGE = `Usage: npm run start:web -- [--port N] [--simulate] [--scenario NAME] [--consult-server URL] [--relay-only] [--data-dir DIR] [--replay FILE]...

Runs the station core in this Node process and serves its screen on 127.0.0.1 only.
Prints "Station UI: <url>" (the address carries this launch's access token).
  --port N               port to listen on (default: any free port)
  --simulate             attach the simulated peripherals
  --scenario NAME        the clinical scenario the simulated patient plays (needs --simulate)
  --consult-server URL   use this consultation server instead of the embedded one (default: settings)
  --relay-only           the embedded server offers relayed (TURN) media paths only (default: settings)
  --data-dir DIR         where the station keeps its files (default: the per-user data folder)
  --replay FILE          attach a device capture (.cap) as a device: its real driver plays it once, at
                         the speed it was recorded; repeat the flag to attach several
`;

export function parseStartArgs(argv: readonly string[], mode: 'web' | 'electron'): StartOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: mode === 'web',
      allowPositionals: mode === 'electron',
      options: {
        port: { type: 'string' },
        simulate: { type: 'boolean' },
        scenario: { type: 'string' },
        'consult-server': { type: 'string' },
        'relay-only': { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        replay: { type: 'string', multiple: true },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const portText = text(values.port);
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${portText}"`);
  const consultServer = text(values['consult-server']);
  if (consultServer !== undefined && !/^https?:$/.test(safeProtocol(consultServer))) {
    throw new UsageError(`--consult-server must be an http(s) URL, not "${consultServer}"`);
  }
  const replay = (values.replay ?? []).filter((file): file is string => typeof file === 'string');
  if (replay.includes('')) throw new UsageError('--replay needs a capture file');
  const dataDir = text(values['data-dir']);
  if (dataDir === '') throw new UsageError('--data-dir needs a folder');
  return {
    port,
    simulate: values.simulate === true,
    scenario: text(values.scenario),
    consultServer,
    relayOnly: values['relay-only'] === true ? true : undefined,
    dataDir: dataDir ?? defaultDataDir(),
    help: values.help === true,
    replay,
  };
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}
