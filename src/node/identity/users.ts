/**
 * The station's user accounts, kept in the encrypted records database: role, scrypt password
 * hash, TOTP secret (clinical and administrative roles), the last TOTP step used and the
 * failed-attempt state, so throttling survives a restart.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isStationRole, requiresSecondFactor, STATION_ROLES, type StationRole } from '../../shared/roles';
import type { RecordsDb } from '../records/database';
import { DEFAULT_SCRYPT_COST, hashPassword, type ScryptCost } from './password';
import { newTotpSecret, otpauthUri } from './totp';

export interface UserAccount {
  id: string;
  username: string;
  role: StationRole;
  passwordHash: string;
  totpSecret: Buffer | null;
  lastTotpStep: number | null;
  failedAttempts: number;
  throttledUntil: number;
  createdAt: number;
}

export class UserInputError extends Error {
  override name = 'UserInputError';
}

const NewUserSchema = z.object({
  username: z.string().trim().regex(/^[\p{L}\p{N}._-]{2,64}$/u, 'user names are 2–64 letters, digits, dots, dashes or underscores'),
  role: z.enum(STATION_ROLES),
  password: z.string(),
});

interface UserRow {
  id: string;
  username: string;
  role: string;
  password_hash: string;
  totp_secret: Buffer | null;
  last_totp_step: number | null;
  failed_attempts: number;
  throttled_until: number;
  created_at: number;
}

function fromRow(row: UserRow): UserAccount {
  if (!isStationRole(row.role)) throw new Error('a user account has an unknown role');
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    lastTotpStep: row.last_totp_step,
    failedAttempts: row.failed_attempts,
    throttledUntil: row.throttled_until,
    createdAt: row.created_at,
  };
}

export class UserDirectory {
  constructor(
    private readonly db: RecordsDb,
    private readonly now: () => number = Date.now,
    readonly scryptCost: ScryptCost = DEFAULT_SCRYPT_COST,
  ) {}

  /**
   * Creates an account. Roles that need a second factor get a fresh TOTP secret; the enrolment URI
   * is returned once, for the new user's authenticator app, and never shown again.
   */
  async create(input: { username: string; role: StationRole; password: string }): Promise<{ user: UserAccount; totpEnrolmentUri: string | null }> {
    const parsed = NewUserSchema.safeParse(input);
    if (!parsed.success) throw new UserInputError(parsed.error.issues.map((issue) => issue.message).join('; '));
    const { username, role, password } = parsed.data;
    if (this.findByUsername(username)) throw new UserInputError('that user name is taken');
    const passwordHash = await hashPassword(password, this.scryptCost);
    const totpSecret = requiresSecondFactor(role) ? newTotpSecret() : null;
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO users (id, username, role, password_hash, totp_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, username, role, passwordHash, totpSecret, this.now());
    return { user: this.require(id), totpEnrolmentUri: totpSecret ? otpauthUri(totpSecret, username) : null };
  }

  /** Every account, oldest first, for the administrator's user list. */
  list(): UserAccount[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY created_at, username').all() as UserRow[]).map(fromRow);
  }

  count(role?: StationRole): number {
    const row = (role === undefined ? this.db.prepare('SELECT count(*) AS n FROM users').get() : this.db.prepare('SELECT count(*) AS n FROM users WHERE role = ?').get(role)) as { n: number };
    return row.n;
  }

  findByUsername(username: string): UserAccount | null {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username.trim()) as UserRow | undefined;
    return row ? fromRow(row) : null;
  }

  get(id: string): UserAccount | null {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? fromRow(row) : null;
  }

  require(id: string): UserAccount {
    const user = this.get(id);
    if (!user) throw new UserInputError('no such user');
    return user;
  }

  remove(id: string): void {
    if (this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes === 0) throw new UserInputError('no such user');
  }

  recordFailure(id: string, failedAttempts: number, throttledUntil: number): void {
    this.db.prepare('UPDATE users SET failed_attempts = ?, throttled_until = ? WHERE id = ?').run(failedAttempts, throttledUntil, id);
  }

  /**
   * A successful sign-in: failures cleared and the TOTP step consumed in one statement, and only
   * if no other sign-in consumed this or a later step meanwhile. False when it lost that race.
   */
  recordSuccess(id: string, totpStep: number | null): boolean {
    return (
      this.db
        .prepare('UPDATE users SET failed_attempts = 0, throttled_until = 0, last_totp_step = coalesce(?, last_totp_step) WHERE id = ? AND (? IS NULL OR last_totp_step IS NULL OR last_totp_step < ?)')
        .run(totpStep, id, totpStep, totpStep).changes === 1
    );
  }
}
