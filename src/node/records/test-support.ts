/** Test helpers: a fresh data folder with an open records database, on a clock the test moves. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditLog, readAuditEntries, type AuditLog } from '../audit/audit-log';
import { Authenticator, type AuthenticatorOptions } from '../identity/authenticator';
import type { ScryptCost } from '../identity/password';
import { UserDirectory } from '../identity/users';
import { openRecordsDatabase, type RecordsDb } from './database';
import { FileKeyProvider, type DataKeyProvider, type StationKeyProvider } from './key-provider';
import { RecordStore } from './store';

/** Cheap enough for tests to hash dozens of passwords; production uses DEFAULT_SCRYPT_COST. */
export const TEST_SCRYPT_COST: ScryptCost = { logN: 10, r: 8, p: 1 };

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'vb-records-'));
}

const trackedDirs: string[] = [];

/** A temporary data folder that removeTrackedTempDirs deletes (a test file's afterEach). */
export function trackedTempDir(): string {
  const dir = tempDataDir();
  trackedDirs.push(dir);
  return dir;
}

export function removeTrackedTempDirs(): void {
  for (const dir of trackedDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A folder's keys as a real provider hands them out: for a new folder none until asked to create
 * one, then `key`; for an `existing` one, `key` at once. The audit and sync keys are different keys derived from it.
 */
export function memoryKeyProvider(key: Buffer, { existing }: { existing: boolean }): StationKeyProvider {
  const provider = (value: Buffer): DataKeyProvider => ({ getDataKey: async ({ create }) => (create || existing ? value : null) });
  return {
    ...provider(key),
    auditKeyProvider: () => provider(createHash('sha256').update('audit key of ').update(key).digest()),
    syncKeyProvider: () => provider(createHash('sha256').update('sync key of ').update(key).digest()),
  };
}

export const newKeyProvider = (key: Buffer): StationKeyProvider => memoryKeyProvider(key, { existing: false });

export class TestClock {
  constructor(public time = Date.UTC(2025, 0, 15, 9, 0, 0)) {}
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface TestStation {
  dataDir: string;
  db: RecordsDb;
  clock: TestClock;
  store: RecordStore;
  audit: AuditLog;
  users: UserDirectory;
  auth: Authenticator;
}

export async function openTestStation(dataDir = tempDataDir(), authOptions: AuthenticatorOptions = {}): Promise<TestStation> {
  const clock = new TestClock();
  const db = await openRecordsDatabase({ dataDir, keyProvider: new FileKeyProvider(dataDir) });
  const audit = await openAuditLog(db, { dataDir, keyProvider: new FileKeyProvider(dataDir).auditKeyProvider(), now: clock.now });
  const users = new UserDirectory(db, clock.now, TEST_SCRYPT_COST);
  return { dataDir, db, clock, store: new RecordStore(db, clock.now), audit, users, auth: new Authenticator(users, audit, { now: clock.now, ...authOptions }) };
}

/** The audit trail of a data folder's records (who, role, action, object), opened and closed again. */
export async function auditTrail(dataDir: string) {
  const station = await openTestStation(dataDir);
  try {
    return readAuditEntries(station.db).map(({ actor, role, action, object }) => ({ actor, role, action, object }));
  } finally {
    station.db.close();
  }
}
