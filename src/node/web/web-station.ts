/**
 * `npm run start:web`: the station core in a plain Node process, its screen served on 127.0.0.1.
 * stdout carries exactly the announced lines (`Station UI: <url>`, `Consult server: <url>`);
 * everything else goes to stderr.
 */
import { join } from 'node:path';
import { logError } from '../../shared/log-text';
import { FileKeyProvider } from '../records/key-provider';
import { chooseConsultation } from '../settings/consultation';
import { confSettingsStorage } from '../settings/json-storage';
import { loadSettings, SettingsError } from '../settings/settings';
import { stationOptionsFromSettings } from '../station/settings-options';
import { createStation, StationOptionsError, type Station } from '../station/station';
import { embeddedVisitConnector, remoteVisitConnector, type VisitConnector } from '../station/visits';
import type { ConsultServerHandle, StartEmbeddedConsultServer } from '../station/consult-seam';
import { parseStartArgs, START_WEB_USAGE, UsageError } from '../station/start-options';
import { consultServerSources } from './content-security-policy';
import { ensureRendererBuild } from './renderer-build';
import { startWebHost, type WebHost } from './web-host';

export interface WebStationDependencies {
  projectRoot: string;
  /** Runs the consultation server in-process when no --consult-server is given. */
  startConsultServer?: StartEmbeddedConsultServer;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
}

export interface RunningWebStation {
  readonly host: WebHost;
  readonly consultServerUrl: string | null;
  stop(): Promise<void>;
}

/** Starts web mode; throws UsageError for bad arguments. Resolves null after printing --help. */
export async function startWebStation(argv: readonly string[], deps: WebStationDependencies): Promise<RunningWebStation | null> {
  const stdout = deps.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stderr = deps.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const options = parseStartArgs(argv, 'web');
  if (options.help) {
    stdout(START_WEB_USAGE.trimEnd());
    return null;
  }
  const rendererDir = join(deps.projectRoot, 'out', 'renderer');
  await ensureRendererBuild({ projectRoot: deps.projectRoot, outDir: rendererDir }, stderr);

  let station: Station | undefined;
  let consult: ConsultServerHandle | undefined;
  let host: WebHost | undefined;
  const stationLog = (message: string) => stderr(`[station] ${message}`);
  const settingsStorage = confSettingsStorage(options.dataDir);
  const settings = loadSettings(settingsStorage, stationLog);
  let consultation;
  try {
    consultation = chooseConsultation(options, settings, process.env, stationLog);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(error.message);
    throw error;
  }
  const consultServer = consultation.serverUrl;
  let visits: VisitConnector | null = consultServer === undefined ? null : remoteVisitConnector(consultServer, process.env.VITALBRIDGE_CONSULT_STATION_KEY);
  const stop = async () => {
    await host?.close();
    await consult?.close();
    await station?.close();
  };
  try {
    station = await createStation({
      dataDir: options.dataDir,
      keyProvider: new FileKeyProvider(options.dataDir, stationLog),
      ...stationOptionsFromSettings(settingsStorage, settings, stationLog),
      simulate: options.simulate,
      scenario: options.scenario,
      replay: options.replay,
      ...(options.watchMounts !== undefined ? { wearableMounts: { parents: [options.watchMounts], drives: [] } } : {}),
      consult: () => visits,
      scenarioSpeed: options.scenarioSpeed,
      log: stationLog,
    });
    if (consultServer === undefined && deps.startConsultServer) consult = await deps.startConsultServer({ dataDir: options.dataDir, ice: consultation.embeddedIce });
    if (consult) visits = embeddedVisitConnector(consult);
    const consultServerUrl = consultServer ?? consult?.url ?? null;
    host = await startWebHost({
      host: station,
      rendererDir,
      port: options.port,
      connectSources: consultServerUrl ? consultServerSources(consultServerUrl) : [],
      onFault: (message, detail) => stderr(`[web] ${message}${detail instanceof Error ? `: ${logError(detail)}` : ''}`),
    });
    consult?.allowOrigin(host.origin);
    stdout(`Station UI: ${host.url}`);
    if (consult) stdout(`Consult server: ${consult.url}`);
    const running = host;
    return { host: running, consultServerUrl, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    if (error instanceof StationOptionsError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The process around startWebStation: exit codes per the automation interface, clean stop on
 * signals. The handlers are in place before startup begins: a stop requested while the renderer
 * builds or the station starts (or in the instant between the `Station UI:` line and the end of
 * startup) waits for startup to finish and then stops cleanly, instead of killing the process with
 * the signal's default action (exit status 143 for SIGTERM) and leaving its children behind.
 */
export async function runWebStationProcess(deps: WebStationDependencies): Promise<void> {
  let running: RunningWebStation | null = null;
  let stopRequested = false;
  let stopping = false;
  const stopAndExit = (station: RunningWebStation) => {
    stopping = true;
    station.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  // Once a stop is under way, further signals change nothing: the stop waits for the records' last
  // commit and must not be cut short. conf's file writes (atomically, through when-exit) even send
  // the first signal to this process again by themselves. SIGKILL remains for an operator who cannot wait.
  const onSignal = () => {
    if (stopping || stopRequested) return;
    if (running) stopAndExit(running);
    else stopRequested = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    running = await startWebStation(process.argv.slice(2), deps);
  } catch (error) {
    const usage = error instanceof UsageError;
    process.stderr.write(`${usage ? '' : 'Web station failed: '}${error instanceof Error ? error.message : String(error)}\n`);
    if (usage) process.stderr.write(START_WEB_USAGE);
    process.exit(usage ? 2 : 1);
  }
  if (!running) {
    // --help: nothing runs, nothing to stop.
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return;
  }
  if (stopRequested) stopAndExit(running);
}
