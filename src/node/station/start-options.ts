/**
 * The options both start commands share (docs/automation-interface.md): `npm start` (Electron) and
 * `npm run start:web`. Web mode parses strictly; Electron ignores the switches Chromium and test
 * drivers add to its command line.
 */
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../data-dir';

export interface StartOptions {
  /** Web mode only; 0 lets the system choose. */
  port: number;
  simulate: boolean;
  scenario?: string;
  /** Scenario time runs this many times faster than real time (training drills, acceptance tests). */
  scenarioSpeed?: number;
  /** An external consultation server; without it the settings', else an embedded one. */
  consultServer?: string;
  /** --relay-only given: media only through TURN (overrides the settings). */
  relayOnly?: true;
  dataDir: string;
  help: boolean;
  /** Capture files attached as replayed devices, in the order given. */
  replay: string[];
  /** --watch-mounts DIR: look for a watch among DIR's sub-folders instead of the OS's mount folders (a fake watch in tests). */
  watchMounts?: string;
}

/** Bad command-line input: print the message and exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const START_WEB_USAGE = `Usage: npm run start:web -- [--port N] [--simulate] [--scenario NAME] [--scenario-speed N] [--consult-server URL] [--relay-only] [--data-dir DIR] [--replay FILE]... [--watch-mounts DIR]

Runs the station core in this Node process and serves its screen on 127.0.0.1 only.
Prints "Station UI: <url>" (the address carries this launch's access token).
  --port N               port to listen on (default: any free port)
  --simulate             attach the simulated peripherals
  --scenario NAME        the clinical scenario the simulated patient plays (needs --simulate)
  --scenario-speed N     play scenarios N times faster than real time, 1 to 100 (default 1)
  --consult-server URL   use this consultation server instead of the embedded one (default: settings)
  --relay-only           the embedded server offers relayed (TURN) media paths only (default: settings)
  --data-dir DIR         where the station keeps its files (default: the per-user data folder)
  --replay FILE          attach a device capture (.cap) as a device: its real driver plays it once, at
                         the speed it was recorded; repeat the flag to attach several
  --watch-mounts DIR     look for a Garmin watch among DIR's sub-folders instead of where the OS mounts
                         removable drives (a copy of a watch's drive, or a fake one in tests)
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
        'scenario-speed': { type: 'string' },
        'consult-server': { type: 'string' },
        'relay-only': { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        replay: { type: 'string', multiple: true },
        'watch-mounts': { type: 'string' },
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
  const speedText = text(values['scenario-speed']);
  const scenarioSpeed = speedText === undefined ? undefined : Number(speedText);
  if (scenarioSpeed !== undefined && !(scenarioSpeed >= 1 && scenarioSpeed <= 100)) {
    throw new UsageError(`--scenario-speed must be a number from 1 to 100, not "${speedText}"`);
  }
  const replay = (values.replay ?? []).filter((file): file is string => typeof file === 'string');
  if (replay.includes('')) throw new UsageError('--replay needs a capture file');
  const dataDir = text(values['data-dir']);
  if (dataDir === '') throw new UsageError('--data-dir needs a folder');
  const watchMounts = text(values['watch-mounts']);
  if (watchMounts === '') throw new UsageError('--watch-mounts needs a folder');
  return {
    ...(watchMounts !== undefined ? { watchMounts } : {}),
    port,
    simulate: values.simulate === true,
    scenario: text(values.scenario),
    scenarioSpeed,
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
