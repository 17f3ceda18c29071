/**
 * Notices a Garmin watch plugged in as a USB drive. Where the OS mounts removable drives:
 * Linux under /media/$USER (udisks2 on Debian and Ubuntu) or /run/media/$USER (Fedora, Arch);
 * macOS under /Volumes; Windows as drive letters. A mount folder is watched (fs.watch: inotify,
 * FSEvents) and looked at again when it changes; drive letters give no event, and a mount folder
 * may not exist before the first drive, so those are looked at every `pollMs` (5 s: a person
 * plugging a watch in waits that long at most). Only the drive's GARMIN folder and
 * GarminDevice.xml are looked at here: nothing of the person's data is read before they agree.
 */
import { EventEmitter } from 'node:events';
import { watch as watchFolder, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { garminFolder, readWatchIdentity } from './watch-folder';
import type { WatchIdentity } from './watch-identity';

export interface MountPlaces {
  /** Folders whose sub-folders are mounted drives. */
  parents: string[];
  /** Drives' own roots (Windows drive letters). */
  drives: string[];
}

export function mountPlaces(platform: NodeJS.Platform, user: string): MountPlaces {
  if (platform === 'win32') return { parents: [], drives: [...'DEFGHIJKLMNOPQRSTUVWXYZ'].map((letter) => `${letter}:\\`) };
  if (platform === 'darwin') return { parents: ['/Volumes'], drives: [] };
  return { parents: [join('/media', user), join('/run/media', user)], drives: [] };
}

export interface ConnectedWatch {
  /** The drive's root (the mount point). */
  drive: string;
  /** Its GARMIN folder. */
  garmin: string;
  identity: WatchIdentity;
}

export interface WatchDetectorEvents {
  connected: [ConnectedWatch];
  disconnected: [ConnectedWatch];
  /** A drive with a GARMIN folder whose GarminDevice.xml could not be read: said once, then ignored until it is unplugged. */
  problem: [{ drive: string; message: string }];
}

export class WatchDetector extends EventEmitter<WatchDetectorEvents> {
  readonly #watches = new Map<string, ConnectedWatch>();
  readonly #problems = new Set<string>();
  readonly #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | null = null;
  #scanning: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(
    private readonly places: MountPlaces,
    private readonly pollMs = 5000,
  ) {
    super();
  }

  /** Starts watching; resolves after the first look, so a watch already plugged in is reported by then. */
  async start(): Promise<void> {
    let unwatched = this.places.drives.length > 0;
    for (const parent of this.places.parents) {
      try {
        this.#watchers.push(watchFolder(parent, () => void this.rescan()));
      } catch {
        unwatched = true; // no such folder yet: looked at by the timer
      }
    }
    if (unwatched) this.#timer = setInterval(() => void this.rescan(), this.pollMs);
    this.#timer?.unref();
    await this.rescan();
  }

  stop(): void {
    this.#stopped = true;
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    if (this.#timer) clearInterval(this.#timer);
  }

  connected(): ConnectedWatch[] {
    return [...this.#watches.values()];
  }

  /** Looks at every place again; calls while a look runs are folded into one more look after it. */
  rescan(): Promise<void> {
    if (this.#scanning) {
      this.#again = true;
      return this.#scanning;
    }
    this.#scanning = (async () => {
      do {
        this.#again = false;
        await this.#scan();
      } while (this.#again && !this.#stopped);
      this.#scanning = null;
    })();
    return this.#scanning;
  }

  async #scan(): Promise<void> {
    const drives = [...this.places.drives];
    for (const parent of this.places.parents) {
      try {
        drives.push(...(await readdir(parent)).map((name) => join(parent, name)));
      } catch {
        // not there (no drive mounted yet)
      }
    }
    const present = new Set<string>();
    for (const drive of drives) {
      const garmin = await garminFolder(drive);
      if (garmin === null) continue;
      present.add(drive);
      if (this.#watches.has(drive) || this.#problems.has(drive)) continue;
      try {
        const watch = { drive, garmin, identity: await readWatchIdentity(garmin) };
        this.#watches.set(drive, watch);
        if (!this.#stopped) this.emit('connected', watch);
      } catch (error) {
        this.#problems.add(drive);
        this.emit('problem', { drive, message: error instanceof Error ? error.message : String(error) });
      }
    }
    for (const [drive, watch] of this.#watches) {
      if (present.has(drive)) continue;
      this.#watches.delete(drive);
      if (!this.#stopped) this.emit('disconnected', watch);
    }
    for (const drive of this.#problems) if (!present.has(drive)) this.#problems.delete(drive);
  }
}
