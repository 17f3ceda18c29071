import { describe, expect, it } from 'vitest';
import type { StationActivity } from '../node/updates/update-policy';
import { startUpdates, type Updater } from './updates';

/** electron-updater's autoUpdater as far as startUpdates uses it. */
class FakeUpdater implements Updater {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  feed: unknown = null;
  checks = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];
  readonly listeners = new Map<string, (value: never) => void>();
  setFeedURL(options: { provider: 'generic'; url: string }): void {
    this.feed = options;
  }
  checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    return Promise.resolve(null);
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
  on(event: string, listener: (value: never) => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  emit(event: string, value: unknown): void {
    this.listeners.get(event)!(value as never);
  }
}

function started(activity: StationActivity, hour: number) {
  const updater = new FakeUpdater();
  const timers = new Map<number, () => void>();
  const log: string[] = [];
  const current = { activity, hour };
  const stop = startUpdates({
    updater,
    feedUrl: 'https://updates.example.org/vitalbridge/',
    kioskInstallHour: 3,
    activity: () => current.activity,
    log: (line) => log.push(line),
    now: () => new Date(2026, 11, 8, current.hour),
    every: (ms, run) => {
      timers.set(ms, run);
      return () => timers.delete(ms);
    },
  });
  const decide = () => timers.get(60_000)!();
  return { updater, timers, log, current, stop, decide };
}

const kiosk: StationActivity = { kiosk: true, visitInProgress: false, alarmActive: false };

describe('desktop app updates', () => {
  it('reads the generic feed, downloads by itself and checks at once, then every 4 hours', () => {
    const { updater, timers, stop } = started(kiosk, 3);
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.example.org/vitalbridge/' });
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true, checks: 1 });
    timers.get(4 * 60 * 60 * 1000)!();
    expect(updater.checks).toBe(2);
    stop();
    expect(timers.size).toBe(0);
  });

  it('restarts a kiosk into a downloaded update only once its visit has ended, in its update hour', () => {
    const { updater, current, decide, log } = started({ ...kiosk, visitInProgress: true }, 3);
    decide();
    expect(updater.installs).toEqual([]);
    updater.emit('update-downloaded', { version: '0.2.0' });
    decide();
    decide();
    expect(updater.installs).toEqual([]);
    expect(log.filter((line) => line.includes('waits for'))).toEqual(['updates: 0.2.0 waits for the visit in progress to end']);
    current.activity = kiosk;
    decide();
    expect(updater.installs).toEqual([[true, true]]);
    decide();
    expect(updater.installs).toHaveLength(1);
  });

  it('never restarts a staff station: its update waits for the next quit', () => {
    const { updater, decide } = started({ kiosk: false, visitInProgress: false, alarmActive: false }, 3);
    updater.emit('update-downloaded', { version: '0.2.0' });
    decide();
    expect(updater.installs).toEqual([]);
  });

  it('logs a failed check or download and keeps the station running', () => {
    const { updater, log } = started(kiosk, 3);
    updater.emit('error', new Error('sha512 checksum mismatch'));
    expect(log).toEqual(['updates: "sha512 checksum mismatch"']);
  });
});
