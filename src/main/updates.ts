/**
 * The desktop app's updates (electron-updater) from the generic feed an administrator set in
 * settings (updates.feedUrl). Downloads are verified by electron-updater against the feed's SHA-512
 * (and on Windows and macOS the installer's code signature) before they can be installed; when an
 * installed update restarts the app is src/node/updates/update-policy.ts's decision, asked once a
 * minute while one waits. Only a packaged app updates: a development checkout is updated with git.
 *
 * Written against the few updater members it uses, so it is tested with a fake where Electron cannot run.
 */
import { logError } from '../shared/log-text';
import { installDecision, type StationActivity } from '../node/updates/update-policy';

export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface UpdateOptions {
  updater: Updater;
  feedUrl: string;
  kioskInstallHour: number;
  activity: () => StationActivity;
  log: (line: string) => void;
  now?: () => Date;
  every?: (ms: number, run: () => void) => () => void;
}

const CHECK_EVERY_MS = 4 * 60 * 60 * 1000;
const DECIDE_EVERY_MS = 60 * 1000;

function repeat(ms: number, run: () => void): () => void {
  const timer = setInterval(run, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** Starts looking for updates; returns what stops it. */
export function startUpdates({ updater, feedUrl, kioskInstallHour, activity, log, now = () => new Date(), every = repeat }: UpdateOptions): () => void {
  updater.setFeedURL({ provider: 'generic', url: feedUrl });
  updater.autoDownload = true;
  // A staff station installs a downloaded update when it is quit, the one moment nobody is using it.
  updater.autoInstallOnAppQuit = true;
  let waiting: string | null = null;
  let lastReason: string | null = null;
  updater.on('update-downloaded', (info) => {
    waiting = info.version;
    log(`updates: version ${info.version} downloaded and verified`);
  });
  updater.on('error', (error) => log(`updates: ${logError(error)}`));
  const check = () => {
    updater.checkForUpdates().catch((error: unknown) => log(`updates: checking ${feedUrl} failed: ${logError(error)}`));
  };
  const decide = () => {
    if (waiting === null) return;
    const decision = installDecision(activity(), now(), kioskInstallHour);
    if (decision.install === 'now') {
      log(`updates: installing ${waiting} and restarting`);
      waiting = null;
      updater.quitAndInstall(true, true);
    } else if (decision.install === 'later' && decision.waitingFor !== lastReason) {
      lastReason = decision.waitingFor;
      log(`updates: ${waiting} waits for ${decision.waitingFor}`);
    }
  };
  check();
  const stops = [every(CHECK_EVERY_MS, check), every(DECIDE_EVERY_MS, decide)];
  return () => {
    for (const stop of stops) stop();
  };
}
