/**
 * Electron main: the thin shell around the station core. It hardens the shell (sandbox everywhere,
 * app:// instead of file://, default-deny navigation and permissions), runs createStation in this
 * process and serves the contract to the window over validated IPC.
 */
import { app, BrowserWindow, dialog, safeStorage, session } from 'electron';
import electronUpdater from 'electron-updater';
import { fileURLToPath } from 'node:url';
import { createConsultServer } from '../node/consult/server';
import { logError } from '../shared/log-text';
import { CLINICIAN_PAGE_PATH, type ConsultServerHandle } from '../node/station/consult-seam';
import { parseStartArgs, UsageError, type StartOptions } from '../node/station/start-options';
import { stationOptionsFromSettings } from '../node/station/settings-options';
import { createStation, StationOptionsError, type Station } from '../node/station/station';
import { embeddedVisitConnector, remoteVisitConnector, type VisitConnector } from '../node/station/visits';
import { consultServerSources } from '../node/web/content-security-policy';
import { chooseConsultation } from '../node/settings/consultation';
import { loadSettings } from '../node/settings/settings';
import { APP_ORIGIN, APP_SCHEME } from './app-origin';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { clinicianModeFrom, type ClinicianMode } from './clinician-mode';
import { electronSettingsStorage } from './electron-settings-storage';
import { desktopKeyProvider } from './keychain-key-provider';
import { KioskShell } from './kiosk-shell';
import { refuseForeignContent, restrictPermissions } from './security';
import { serveStationOverIpc, type StationIpc } from './station-ipc';
import { startUpdates } from './updates';
import { createStationWindow } from './window';
import { printPdfInHiddenWindow } from './pdf-printer';

const log = (message: string) => process.stderr.write(`[main] ${message}\n`);
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

function startOptions(): (StartOptions & { clinician: ClinicianMode | null }) | null {
  try {
    return { ...parseStartArgs(process.argv.slice(1), 'electron'), clinician: clinicianModeFrom(process.argv.slice(1)) };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return null;
  }
}

app.enableSandbox();
registerAppScheme();
refuseForeignContent(log);

const options = startOptions();
let station: Station | undefined;
let consult: ConsultServerHandle | undefined;
let ipc: StationIpc | undefined;
let stopUpdates: (() => void) | undefined;
/** Locks the station's windows while it is a kiosk, and clears them after every kiosk visit. */
const kioskShell = new KioskShell();

/** A clinician's workstation: only the visit page, no station core and no devices. */
async function startClinician(mode: ClinicianMode): Promise<void> {
  await app.whenReady();
  restrictPermissions(session.defaultSession);
  // Without a link the paste screen may reach any TLS consultation server.
  serveRenderer(rendererDir, mode.serverOrigin ? consultServerSources(mode.serverOrigin) : ['https:', 'wss:']);
  const open = () => createStationWindow(preloadPath, mode.pageUrl);
  open();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
}

async function start(options: StartOptions): Promise<void> {
  await app.whenReady();
  restrictPermissions(session.defaultSession);
  const stationLog = (message: string) => log(`station: ${message}`);
  const settingsStorage = electronSettingsStorage(options.dataDir);
  const settings = loadSettings(settingsStorage, stationLog);
  const consultation = chooseConsultation(options, settings, process.env, stationLog);
  let visits: VisitConnector | null =
    consultation.serverUrl === undefined ? null : remoteVisitConnector(consultation.serverUrl, process.env.VITALBRIDGE_CONSULT_STATION_KEY);
  station = await createStation({
    dataDir: options.dataDir,
    keyProvider: desktopKeyProvider(options.dataDir, safeStorage, process.env, stationLog),
    ...stationOptionsFromSettings(settingsStorage, settings, stationLog),
    simulate: options.simulate,
    scenario: options.scenario,
    consult: () => visits,
    shell: kioskShell,
    printPdf: printPdfInHiddenWindow,
    log: stationLog,
  });
  if (consultation.serverUrl === undefined) {
    // The window's page is app://station, a registered standard scheme: its origin is exactly that, never the opaque "null".
    consult = await createConsultServer({
      ice: consultation.embeddedIce,
      staticDir: rendererDir,
      clinicianPath: CLINICIAN_PAGE_PATH,
      customSchemes: [APP_SCHEME],
      allowedOrigins: [APP_ORIGIN],
      onLog: (line) => log(`consult: ${line}`),
    });
    visits = embeddedVisitConnector(consult);
    process.stdout.write(`Consult server: ${consult.url}\n`);
  }
  const consultServerUrl = consultation.serverUrl ?? consult?.url;
  serveRenderer(rendererDir, consultServerUrl ? consultServerSources(consultServerUrl) : []);
  ipc = serveStationOverIpc(station, { log, onFault: (message, detail) => log(`${message}${detail instanceof Error ? `: ${logError(detail)}` : ''}`) });
  ipc.attach(kioskShell.attach(createStationWindow(preloadPath)));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) ipc?.attach(kioskShell.attach(createStationWindow(preloadPath)));
  });
  const { feedUrl, kioskInstallHour } = settings.updates;
  if (feedUrl !== null && app.isPackaged) {
    const running = station;
    stopUpdates = startUpdates({ updater: electronUpdater.autoUpdater, feedUrl, kioskInstallHour, activity: () => running.activity(), log: (line) => log(line) });
  }
}

// Quitting waits until the station has closed (the records' last commit); a second quit meanwhile
// (a repeated signal, conf's when-exit sending SIGTERM again) waits for the same close.
let stopping: Promise<void> | undefined;
let stopped = false;
app.on('before-quit', (event) => {
  kioskShell.allowQuit();
  if (stopped) return;
  event.preventDefault();
  stopping ??= (async () => {
    ipc?.close();
    stopUpdates?.();
    await Promise.all([station?.close(), consult?.close()]).catch((error: unknown) => log(`stopping failed: ${logError(error)}`));
    stopped = true;
    app.quit();
  })();
});
app.on('window-all-closed', () => app.quit());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

if (options === null) {
  app.exit(2);
} else if (options.help) {
  process.stdout.write('Usage: npm start -- [--simulate] [--scenario NAME] [--consult-server URL] [--data-dir DIR] | --clinician [VISIT-LINK]\n');
  app.exit(0);
} else {
  (options.clinician ? startClinician(options.clinician) : start(options)).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Station failed to start: ${reason}\n`);
    // Started from a desktop icon there is no terminal: the reason (e.g. the records module built for
    // another runtime, and the command that fixes it) must reach the person in a window.
    dialog.showErrorBox('VitalBridge could not start', reason);
    app.exit(error instanceof StationOptionsError ? 2 : 1);
  });
}
