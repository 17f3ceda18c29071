/**
 * Accounts for a station under test, written straight into its data folder before or while it
 * runs: the records database opened with the key file web mode uses (data.key), users created by
 * the station's own UserDirectory. Hashed at the test scrypt cost (stored with each hash, so the
 * station verifies them as cheaply), which keeps sign-ins fast.
 *
 * A TOTP code works once per 30 s step per user, so every sign-in in a test uses a fresh account;
 * an account hands out each step's code once and refuses to hand out one the station would not
 * accept yet.
 */
import { randomBytes } from 'node:crypto';
import { openRecordsDatabase } from '../../src/node/records/database';
import { FileKeyProvider } from '../../src/node/records/key-provider';
import { TEST_SCRYPT_COST } from '../../src/node/records/test-support';
import { UserDirectory } from '../../src/node/identity/users';
import { hotp, TOTP_DRIFT_STEPS, totpStep } from '../../src/node/identity/totp';
import type { StationRole } from '../../src/shared/roles';

/** The TOTP step of the wall clock, which the station under test shares. */
export const currentStep = (): number => totpStep(Date.now());

/** Roles that sign in with a password and a TOTP code (kiosk accounts have no second factor). */
export type StaffRole = Exclude<StationRole, 'kiosk'>;

export interface StationAccount {
  username: string;
  password: string;
  role: StaffRole;
  /** The code of one TOTP step. */
  code(step: number): string;
  /** A code the station has not seen from this account: the current step's, or the next one's if that was handed out. */
  freshCode(): string;
  /** The step of the newest code handed out by freshCode, or null. */
  lastStep(): number | null;
}

export function accountWithSecret(username: string, password: string, role: StaffRole, secret: Buffer): StationAccount {
  let last: number | null = null;
  return {
    username,
    password,
    role,
    code: (step) => hotp(secret, step),
    freshCode() {
      const now = currentStep();
      const step = last === null ? now : Math.max(now, last + 1);
      if (step > now + TOTP_DRIFT_STEPS) throw new Error(`${username}: every code the station accepts now was used; use a fresh account`);
      last = step;
      return hotp(secret, step);
    },
    lastStep: () => last,
  };
}

/** Creates accounts in one station's data folder, numbered per role: nurse-1, nurse-2, ... */
export class StationAccounts {
  readonly #numbers = new Map<StaffRole, number>();

  constructor(readonly dataDir: string) {}

  async create(role: StaffRole): Promise<StationAccount> {
    const number = (this.#numbers.get(role) ?? 0) + 1;
    this.#numbers.set(role, number);
    const username = `${role}-${number}`;
    const password = randomBytes(12).toString('base64url');
    // The station has the database open too; SQLite's WAL and the busy timeout database.ts sets
    // (5 s) let this short write wait for the station's own commits instead of failing.
    const db = await openRecordsDatabase({ dataDir: this.dataDir, keyProvider: new FileKeyProvider(this.dataDir) });
    try {
      const { user } = await new UserDirectory(db, Date.now, TEST_SCRYPT_COST).create({ username, role, password });
      if (!user.totpSecret) throw new Error(`${username} was created without a TOTP secret`);
      return accountWithSecret(username, password, role, user.totpSecret);
    } finally {
      db.close();
    }
  }
}

/** The secret of an otpauth:// URI as the station shows it at enrolment. */
export function secretOfOtpauthUri(uri: string): Buffer {
  const secret = new URL(uri).searchParams.get('secret');
  if (!secret) throw new Error(`no secret in ${uri}`);
  return base32Decode(secret);
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as authenticator apps read it; spaces (grouping) ignored. */
export function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.replace(/\s+/g, '').toUpperCase()) {
    const digit = BASE32_ALPHABET.indexOf(char);
    if (digit < 0) throw new Error(`"${char}" is not a base32 digit`);
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}
