import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecordsDatabase } from '../node/records/database';
import { FileKeyProvider, KEY_FILE_NAME } from '../node/records/key-provider';
import { RecordStore } from '../node/records/store';
import { tempDataDir } from '../node/records/test-support';
import { loadStationSigningKey } from '../node/sync/station-signing-key';
import { desktopKeyProvider, KeychainKeyProvider, SEALED_KEY_FILE_NAME, type SafeStorageLike } from './keychain-key-provider';

/** Stands in for Electron safeStorage: AES-like sealing is not the point, only that the file is not the key. */
function fakeKeychain(backend = 'gnome_libsecret', secret = randomBytes(16)): SafeStorageLike {
  const mask = (bytes: Buffer) => Buffer.from(bytes.map((byte, i) => byte ^ secret[i % secret.length]!));
  return {
    isEncryptionAvailable: () => backend !== 'unavailable',
    getSelectedStorageBackend: () => backend,
    encryptString: (text) => Buffer.concat([Buffer.from('sealed:'), mask(Buffer.from(text))]),
    decryptString: (sealed) => {
      if (!sealed.subarray(0, 7).equals(Buffer.from('sealed:'))) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return mask(sealed.subarray(7)).toString();
    },
  };
}

describe('keychain key provider (Electron safeStorage)', () => {
  it('creates a sealed key that opens the same records again, and never writes the key in the clear', async () => {
    const dataDir = tempDataDir();
    const keychain = fakeKeychain();
    const lines: string[] = [];
    const db = await openRecordsDatabase({ dataDir, keyProvider: new KeychainKeyProvider(dataDir, keychain, (line) => lines.push(line)) });
    new RecordStore(db).createPatient({ givenName: 'Ada', familyName: 'Lovelace', birthDate: null, gender: 'female', identifier: null });
    db.close();
    expect(existsSync(join(dataDir, KEY_FILE_NAME))).toBe(false);
    expect(statSync(join(dataDir, SEALED_KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    const key = await new KeychainKeyProvider(dataDir, keychain, () => {}).getDataKey({ create: false });
    expect(readFileSync(join(dataDir, SEALED_KEY_FILE_NAME)).includes(Buffer.from(key!.toString('hex')))).toBe(false);
    const reopened = await openRecordsDatabase({ dataDir, keyProvider: new KeychainKeyProvider(dataDir, keychain, () => {}) });
    expect(new RecordStore(reopened).listPatientIds()).toHaveLength(1);
    reopened.close();
    expect(lines).toEqual([`records: created a new data key, sealed with the OS keychain in ${SEALED_KEY_FILE_NAME}`]);
  });

  it.each([['unavailable'], ['basic_text']])('refuses to start when safeStorage is %s, creating nothing', async (backend) => {
    const dataDir = tempDataDir();
    const attempt = openRecordsDatabase({ dataDir, keyProvider: new KeychainKeyProvider(dataDir, fakeKeychain(backend), () => {}) });
    await expect(attempt).rejects.toThrow(/the OS keychain cannot protect the records key .*VITALBRIDGE_ALLOW_KEY_FILE=1/);
    expect(existsSync(join(dataDir, SEALED_KEY_FILE_NAME))).toBe(false);
    expect(existsSync(join(dataDir, 'records.db'))).toBe(false);
  });

  it('refuses a sealed key another keychain cannot unseal, with a clear error', async () => {
    const dataDir = tempDataDir();
    (await openRecordsDatabase({ dataDir, keyProvider: new KeychainKeyProvider(dataDir, fakeKeychain(), () => {}) })).close();
    writeFileSync(join(dataDir, SEALED_KEY_FILE_NAME), 'not sealed by us');
    await expect(openRecordsDatabase({ dataDir, keyProvider: new KeychainKeyProvider(dataDir, fakeKeychain(), () => {}) })).rejects.toThrow(
      `${SEALED_KEY_FILE_NAME} cannot be unsealed by this user's keychain`,
    );
  });

  it("seals a web-mode folder's key file so the desktop app opens the same records, and says the plain file remains", async () => {
    const dataDir = tempDataDir();
    const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
    new RecordStore(db).createPatient({ givenName: 'Ada', familyName: 'Lovelace', birthDate: null, gender: 'female', identifier: null });
    db.close();
    const lines: string[] = [];
    const desktop = await openRecordsDatabase({ dataDir, keyProvider: new KeychainKeyProvider(dataDir, fakeKeychain(), (line) => lines.push(line)) });
    expect(new RecordStore(desktop).listPatientIds()).toHaveLength(1);
    desktop.close();
    expect(existsSync(join(dataDir, SEALED_KEY_FILE_NAME))).toBe(true);
    expect(lines[0]).toMatch(/sealed the existing data.key key with the OS keychain; delete data.key once/);
  });

  it('uses the plain key file only when explicitly allowed, and logs a warning every time', async () => {
    const lines: string[] = [];
    const dataDir = tempDataDir();
    expect(desktopKeyProvider(dataDir, fakeKeychain('basic_text'), {}, (line) => lines.push(line))).toBeInstanceOf(KeychainKeyProvider);
    expect(lines).toEqual([]);
    const allowed = desktopKeyProvider(dataDir, fakeKeychain('basic_text'), { VITALBRIDGE_ALLOW_KEY_FILE: '1' }, (line) => lines.push(line));
    expect(allowed).toBeInstanceOf(FileKeyProvider);
    expect(lines[0]).toMatch(/^records: WARNING: VITALBRIDGE_ALLOW_KEY_FILE=1: the records key is a plain file/);
  });

  it('seals the sync key in its own file, and opens a signing key pair the CLI created in the same folder', async () => {
    const dataDir = tempDataDir();
    const fromCli = await loadStationSigningKey(dataDir, new FileKeyProvider(dataDir).syncKeyProvider());
    const keychain = fakeKeychain();
    const desktop = new KeychainKeyProvider(dataDir, keychain, () => {});
    expect((await loadStationSigningKey(dataDir, desktop.syncKeyProvider())).publicJwk).toEqual(fromCli.publicJwk);
    expect(existsSync(join(dataDir, 'sync.key.sealed'))).toBe(true);
    const syncKey = await desktop.syncKeyProvider().getDataKey({ create: false });
    expect(syncKey!.equals((await desktop.getDataKey({ create: true }))!)).toBe(false);
  });
});
