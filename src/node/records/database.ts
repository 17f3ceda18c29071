/**
 * Opens the station's encrypted records database: one SQLCipher-format file in the data folder,
 * whole file (and its WAL) encrypted with the installation's random data key.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_KEY_BYTES, DataKeyError, type DataKeyProvider } from './key-provider';
import { recordsBinding } from './native-binding';
import { migrate, type Migration, MIGRATIONS, SchemaVersionError, schemaVersion } from './migrations';

export type RecordsDb = Database.Database;

/** A fixed, non-identifying name: nothing about patients ever appears in file names. */
export const RECORDS_FILE_NAME = 'records.db';

export class WrongDataKeyError extends Error {
  override name = 'WrongDataKeyError';
  constructor() {
    super('the data key does not open this database (wrong key, or the file is not a VitalBridge records database); nothing was changed');
  }
}

export class RecordsNotFoundError extends Error {
  override name = 'RecordsNotFoundError';
}

/** The folder has a data key, so it held records, but its database file is gone or empty. */
export class RecordsLostError extends Error {
  override name = 'RecordsLostError';
  constructor(dataDir: string, state: 'missing' | 'empty') {
    super(
      `the data folder ${dataDir} has a records key but its records database ${RECORDS_FILE_NAME} is ${state === 'missing' ? 'missing' : 'empty (0 bytes)'}; ` +
        'nothing was changed. Restore records.db from a backup; only for a new installation that never held records, remove the key and start again',
    );
  }
}

/** A zero-byte file is what a lost or truncated database looks like; SQLite would open it as a new, empty one. */
function databaseFileState(path: string): 'missing' | 'empty' | 'present' {
  try {
    return statSync(path).size === 0 ? 'empty' : 'present';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

export interface OpenRecordsOptions {
  dataDir: string;
  keyProvider: DataKeyProvider;
  /**
   * 'inspect' is for tools that only read (audit-verify): the database must exist, is opened
   * read-only, and is neither created nor migrated.
   */
  mode?: 'read-write' | 'inspect';
  migrations?: readonly Migration[];
}

export async function openRecordsDatabase({ dataDir, keyProvider, mode = 'read-write', migrations = MIGRATIONS }: OpenRecordsOptions): Promise<RecordsDb> {
  const path = join(dataDir, RECORDS_FILE_NAME);
  const state = databaseFileState(path);
  const exists = state === 'present';
  const inspect = mode === 'inspect';
  // A fresh installation is a folder with neither a key nor a database. A key without its database
  // means the records were lost: starting afresh would hand the station (and its first
  // administrator's enrolment) to whoever holds the screen, and bury the loss.
  if (!exists && (await keyProvider.getDataKey({ create: false }))) throw new RecordsLostError(dataDir, state === 'empty' ? 'empty' : 'missing');
  if (!exists && inspect) throw new RecordsNotFoundError(`there is no records database in ${dataDir}`);
  const key = await keyProvider.getDataKey({ create: !exists });
  if (!key) {
    throw new DataKeyError('the records database exists but its data key is missing; restore the key (or the keychain entry) it was created with');
  }
  if (key.length !== DATA_KEY_BYTES) throw new DataKeyError(`the data key must be ${DATA_KEY_BYTES} bytes, got ${key.length}`);
  if (!exists) mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const db = new Database(path, { fileMustExist: exists, readonly: inspect, timeout: 5_000, nativeBinding: recordsBinding() });
  try {
    // Before anything touches the file: SQLite creates -wal and -shm with the database's mode.
    if (!exists && process.platform !== 'win32') chmodSync(path, 0o600);
    db.pragma(`cipher='sqlcipher'`);
    // A raw 256-bit key (x'..'): the key is random, so SQLCipher's password KDF would only slow every open.
    db.pragma(`key="x'${key.toString('hex')}'"`);
    assertKeyOpens(db);
    if (inspect) {
      const version = schemaVersion(db);
      if (version > migrations.length) throw new SchemaVersionError(`the records database has schema version ${version}, newer than this VitalBridge knows (${migrations.length})`);
      return db;
    }
    db.pragma('journal_mode = WAL');
    // FULL: every committed reading, acknowledgement and audit entry survives power loss, not just
    // a crash of the process; the cost is one fsync per commit, small at vital-sign rates.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Erased rows are overwritten in the file rather than left in free pages.
    db.pragma('secure_delete = ON');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The first read decrypts page 1; with the wrong key SQLite reports "file is not a database". */
function assertKeyOpens(db: RecordsDb): void {
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new WrongDataKeyError();
    throw error;
  }
}
