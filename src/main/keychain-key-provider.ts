/**
 * The desktop app's data key, sealed by the OS keychain through Electron safeStorage (DPAPI on
 * Windows, Keychain on macOS, kwallet/libsecret on Linux): the random key is stored only as
 * safeStorage.encryptString output in `<dataDir>/data.key.sealed`, useless without this user's
 * keychain. The audit chain's key is sealed the same way in `audit.key.sealed`.
 *
 * When safeStorage cannot protect the key — no keychain, or Linux's "basic_text" backend, which
 * "encrypts" with a password built into Chromium — the station refuses to start: a medical device
 * must not quietly keep the key to its records next to them. An installation that accepts that
 * risk (a locked-down kiosk without a keyring) can opt into the plain key file with
 * VITALBRIDGE_ALLOW_KEY_FILE=1; it is then logged at every start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  AUDIT_KEY_FILE,
  DATA_KEY_BYTES,
  DATA_KEY_FILE,
  DataKeyError,
  FileKeyProvider,
  KEY_FILE_NAME,
  SYNC_KEY_FILE,
  writeFileExclusively,
  type DataKeyProvider,
  type KeyFile,
  type StationKeyProvider,
} from '../node/records/key-provider';

export const SEALED_KEY_FILE_NAME = DATA_KEY_FILE.sealed;

/** The part of Electron's safeStorage this needs (injected, so it can be tested without Electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export class KeychainKeyProvider implements StationKeyProvider {
  readonly path: string;

  constructor(
    private readonly dataDir: string,
    private readonly safeStorage: SafeStorageLike,
    private readonly log: (line: string) => void,
    private readonly file: KeyFile = DATA_KEY_FILE,
  ) {
    this.path = join(dataDir, file.sealed);
  }

  auditKeyProvider(): DataKeyProvider {
    return new KeychainKeyProvider(this.dataDir, this.safeStorage, this.log, AUDIT_KEY_FILE);
  }

  syncKeyProvider(): DataKeyProvider {
    return new KeychainKeyProvider(this.dataDir, this.safeStorage, this.log, SYNC_KEY_FILE);
  }

  async getDataKey({ create }: { create: boolean }): Promise<Buffer | null> {
    this.assertKeychainProtects();
    if (existsSync(this.path)) return this.unseal();
    // A folder first used by web mode or the CLI has its key in data.key: seal that key too, so the
    // desktop app opens the same records. The plain file stays for web mode, and the log says so.
    const fileKey = existsSync(join(this.dataDir, this.file.plain)) ? await new FileKeyProvider(this.dataDir, () => {}, this.file).getDataKey({ create: false }) : null;
    if (fileKey) {
      this.seal(fileKey);
      this.log(`records: sealed the existing ${this.file.plain} key with the OS keychain; delete ${this.file.plain} once this folder is no longer used by web mode or the CLI`);
      return this.unseal();
    }
    if (!create) return null;
    if (!this.seal(randomBytes(DATA_KEY_BYTES))) this.log('records: another process created the data key first; using theirs');
    else this.log(`records: created a new ${this.file.label}, sealed with the OS keychain in ${this.file.sealed}`);
    return this.unseal();
  }

  private assertKeychainProtects(): void {
    const backend = this.safeStorage.getSelectedStorageBackend?.();
    if (!this.safeStorage.isEncryptionAvailable() || backend === 'basic_text') {
      throw new DataKeyError(
        `the OS keychain cannot protect the records key (${backend === 'basic_text' ? 'no keyring service: safeStorage would use a built-in password' : 'safeStorage is unavailable'}); ` +
          'start a keyring (GNOME Keyring, KWallet) for this user, or accept a plain key file with VITALBRIDGE_ALLOW_KEY_FILE=1',
      );
    }
  }

  private seal(key: Buffer): boolean {
    return writeFileExclusively(this.path, this.safeStorage.encryptString(key.toString('hex')));
  }

  private unseal(): Buffer {
    let text: string;
    try {
      text = this.safeStorage.decryptString(readFileSync(this.path));
    } catch {
      throw new DataKeyError(`${this.file.sealed} cannot be unsealed by this user's keychain (another user, another machine, or a reset keychain)`);
    }
    if (!new RegExp(`^[0-9a-f]{${DATA_KEY_BYTES * 2}}$`).test(text)) throw new DataKeyError(`${this.file.sealed} is damaged`);
    return Buffer.from(text, 'hex');
  }
}

/** The provider the desktop app uses: the keychain, or the key file only when explicitly allowed. */
export function desktopKeyProvider(dataDir: string, safeStorage: SafeStorageLike, env: NodeJS.ProcessEnv, log: (line: string) => void): StationKeyProvider {
  if (env.VITALBRIDGE_ALLOW_KEY_FILE === '1') {
    log(`records: WARNING: VITALBRIDGE_ALLOW_KEY_FILE=1: the records key is a plain file (${KEY_FILE_NAME}) in the data folder, not sealed by the OS keychain`);
    return new FileKeyProvider(dataDir, log);
  }
  return new KeychainKeyProvider(dataDir, safeStorage, log);
}
