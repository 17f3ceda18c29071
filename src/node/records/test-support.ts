/** Test helpers: a fresh data folder with an open records database, on a clock the test moves. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log';
import { Authenticator, type AuthenticatorOptions } from '../identity/authenticator';
import type { ScryptCost } from '../identity/password';
import { UserDirectory } from '../identity/users';
import { openRecordsDatabase, type RecordsDb } from './database';
import { FileKeyProvider, type DataKeyProvider } from './key-provider';
import { RecordStore } from './store';

/** Cheap enough for tests to hash dozens of passwords; production uses DEFAULT_SCRYPT_COST. */
export const TEST_SCRYPT_COST: ScryptCost = { logN: 10, r: 8, p: 1 };

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'vb-records-'));
}

/** A new folder's key as a real provider hands it out: none until asked to create one, then `key`. */
export const newKeyProvider = (key: Buffer): DataKeyProvider => ({ getDataKey: async ({ create }) => (create ? key : null) });

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
  const audit = new AuditLog(db, clock.now);
  const users = new UserDirectory(db, clock.now, TEST_SCRYPT_COST);
  return { dataDir, db, clock, store: new RecordStore(db, clock.now), audit, users, auth: new Authenticator(users, audit, { now: clock.now, ...authOptions }) };
}
