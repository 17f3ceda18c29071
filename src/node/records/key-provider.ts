/**
 * Where the per-installation data key comes from. The records database is encrypted with one
 * random 256-bit key per installation; the desktop app keeps it sealed by the OS keychain
 * (Electron safeStorage, implemented in src/main), web mode and the CLI keep it in a key file.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const DATA_KEY_BYTES = 32;

export interface DataKeyProvider {
  /** The installation's key, created on first use when `create` is true; null when there is none yet. */
  getDataKey(options: { create: boolean }): Promise<Buffer | null>;
}

/** The station's own keys and its audit chain's: what the desktop app opens the records with also seals the audit key. */
export interface StationKeyProvider extends DataKeyProvider {
  /** The audit chain's HMAC key, kept the same way as the records key but in its own file, never the same key. */
  auditKeyProvider(): DataKeyProvider;
  /** The key that seals the FHIR sync's private signing key (src/node/sync/station-signing-key.ts), kept like the others in its own file. */
  syncKeyProvider(): DataKeyProvider;
}

export class DataKeyError extends Error {
  override name = 'DataKeyError';
}

/** Where one key lives: as a plain hex file (web mode, CLI), or sealed by the OS keychain (desktop app). */
export interface KeyFile {
  readonly plain: string;
  readonly sealed: string;
  /** For messages: "data key", "audit key". */
  readonly label: string;
}

export const DATA_KEY_FILE: KeyFile = { plain: 'data.key', sealed: 'data.key.sealed', label: 'data key' };
export const AUDIT_KEY_FILE: KeyFile = { plain: 'audit.key', sealed: 'audit.key.sealed', label: 'audit key' };
export const SYNC_KEY_FILE: KeyFile = { plain: 'sync.key', sealed: 'sync.key.sealed', label: 'sync key' };
export const KEY_FILE_NAME = DATA_KEY_FILE.plain;

/**
 * Web mode / CLI: the key as hex in `<dataDir>/data.key` (the audit key in `audit.key`), mode 0600.
 * Anyone who can read that file as this OS user can open the records, so the folder must stay the
 * user's own.
 */
export class FileKeyProvider implements StationKeyProvider {
  readonly path: string;

  constructor(
    private readonly dataDir: string,
    private readonly log: (line: string) => void = () => {},
    private readonly file: KeyFile = DATA_KEY_FILE,
  ) {
    this.path = join(dataDir, file.plain);
  }

  auditKeyProvider(): DataKeyProvider {
    return new FileKeyProvider(this.dataDir, this.log, AUDIT_KEY_FILE);
  }

  syncKeyProvider(): DataKeyProvider {
    return new FileKeyProvider(this.dataDir, this.log, SYNC_KEY_FILE);
  }

  async getDataKey({ create }: { create: boolean }): Promise<Buffer | null> {
    const existing = this.read();
    if (existing) {
      this.log(`records: ${this.file.label} read from ${this.file.plain} (mode 0600) in the data folder; web mode keeps it in a file, not the OS keychain`);
      return existing;
    }
    if (!create) return null;
    const key = randomBytes(DATA_KEY_BYTES);
    // Another process (CLI next to web mode) may have created one meanwhile: theirs wins, ours is dropped.
    if (!writeFileExclusively(this.path, Buffer.from(key.toString('hex')))) return this.read();
    this.log(`records: created a new ${this.file.label} in ${this.file.plain} (mode 0600) in the data folder; web mode keeps it in a file, not the OS keychain`);
    return key;
  }

  private read(): Buffer | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new DataKeyError(`cannot read the ${this.file.label} file ${this.file.plain}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
    }
    if (!new RegExp(`^[0-9a-f]{${DATA_KEY_BYTES * 2}}$`).test(text)) {
      throw new DataKeyError(`the ${this.file.label} file ${this.file.plain} is damaged (expected ${DATA_KEY_BYTES * 2} hex digits)`);
    }
    if (process.platform !== 'win32' && (statSync(this.path).mode & 0o077) !== 0) {
      // Tighten rather than refuse: the station must still start, and the key is no worse off than before.
      chmodSync(this.path, 0o600);
      this.log(`records: ${this.file.plain} was readable by others; its mode is now 0600`);
    }
    return Buffer.from(text, 'hex');
  }
}

/**
 * Temp file + fsync + hard link, so a crash never leaves a half-written key that would lock the
 * records away, and an existing key is never replaced. False when the file already exists.
 */
export function writeFileExclusively(path: string, content: Buffer): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
  if (process.platform !== 'win32') {
    const folder = openSync(dirname(path), 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  }
  return true;
}
