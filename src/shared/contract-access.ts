/**
 * The sign-in part of the station contract: who is at this screen, first-run enrolment of the
 * administrator, sign-in, lock and unlock, and the administrator's user management. contract.ts
 * spreads these into stationMethods and stationEvents, so every transport validates them alike.
 *
 * Each screen (an Electron window, a web-mode page) has its own session: signing in at one screen
 * signs in nobody else, and the core pushes the `access` event whenever this screen's session
 * changes on its own (locked after inactivity, ended by a kiosk visit).
 */
import { z } from 'zod';
import { STATION_ROLES } from './roles';

/** scrypt's own lower bound lives in the core (password.ts); this keeps absurd inputs off the wire. */
const MAX_PASSWORD_CHARS = 1_024;

/** The shortest password the core accepts (password.ts enforces it); screens say so before asking. */
export const MIN_PASSWORD_LENGTH = 10;

export const UsernameSchema = z.string().trim().min(1, { error: 'enter your user name' }).max(64);

export const CredentialsSchema = z.strictObject({
  username: UsernameSchema,
  password: z.string().min(1, { error: 'enter your password' }).max(MAX_PASSWORD_CHARS),
  /** Six digits from the authenticator app; every role but kiosk needs one. */
  totp: z.string().regex(/^\d{6}$/, { error: 'the authenticator code is 6 digits' }).optional(),
});
export type Credentials = z.infer<typeof CredentialsSchema>;

export const SignedInUserSchema = z.object({
  userId: z.string().max(100),
  username: z.string().max(64),
  role: z.enum(STATION_ROLES),
  /** Locked sessions keep their place but show nothing clinical until the same person signs in again. */
  locked: z.boolean(),
  /** The one patient a kiosk session serves; null for staff. */
  patientScope: z.string().max(100).nullable(),
});
export type SignedInUser = z.infer<typeof SignedInUserSchema>;

export const KioskStateSchema = z.object({
  /** The station runs as a patient self-service kiosk (full screen; leaving needs an administrator). */
  enabled: z.boolean(),
  /** A patient's kiosk visit is under way. */
  visitOpen: z.boolean(),
});
export type KioskState = z.infer<typeof KioskStateSchema>;

export const AccessStateSchema = z.object({
  /** No account exists yet: the screen offers the first administrator's enrolment and nothing else. */
  needsEnrolment: z.boolean(),
  user: SignedInUserSchema.nullable(),
  /** How long without activity before a session locks itself. */
  inactivityLockMs: z.number().int().positive(),
  kiosk: KioskStateSchema,
});
export type AccessState = z.infer<typeof AccessStateSchema>;

/** `busy`: not checked, because the station or this screen has as many attempts under way as it takes; nothing was counted. */
export const SIGN_IN_REFUSALS = ['invalid-credentials', 'throttled', 'patient-required', 'not-administrator', 'busy'] as const;
export type SignInRefusal = (typeof SIGN_IN_REFUSALS)[number];

export const SignInOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), state: AccessStateSchema }),
  z.object({
    ok: z.literal(false),
    /** Never which factor was wrong: a refusal must not help guess the other one. */
    reason: z.enum(SIGN_IN_REFUSALS),
    /** For `throttled`: when the next attempt will be heard. */
    retryAfterMs: z.number().int().nonnegative().optional(),
  }),
]);
export type SignInOutcome = z.infer<typeof SignInOutcomeSchema>;

export const UserSummarySchema = z.object({
  id: z.string().max(100),
  username: z.string().max(64),
  role: z.enum(STATION_ROLES),
  createdAt: z.number(),
});
export type UserSummary = z.infer<typeof UserSummarySchema>;

export const NewUserSchema = z.strictObject({
  username: UsernameSchema,
  role: z.enum(STATION_ROLES),
  password: z.string().max(MAX_PASSWORD_CHARS),
});

export const CreatedUserSchema = z.object({
  user: UserSummarySchema,
  /**
   * otpauth:// URI for the new user's authenticator app; shown once at creation and never again.
   * Null for kiosk accounts, which have no second factor.
   */
  totpEnrolmentUri: z.string().max(1_000).nullable(),
});
export type CreatedUser = z.infer<typeof CreatedUserSchema>;

export const accessMethods = {
  getAccessState: { input: z.undefined(), output: AccessStateSchema },
  /** First run only: creates the administrator; refused once any account exists. */
  enrolAdministrator: { input: NewUserSchema.omit({ role: true }), output: CreatedUserSchema },
  signIn: { input: CredentialsSchema, output: SignInOutcomeSchema },
  lockSession: { input: z.undefined(), output: AccessStateSchema },
  /** Only the locked session's own user, with the full sign-in (password and a fresh code). */
  unlockSession: { input: CredentialsSchema, output: SignInOutcomeSchema },
  signOut: { input: z.undefined(), output: AccessStateSchema },
  /** The person at the screen is using it (typing, pointing): keeps the session from locking. */
  reportActivity: { input: z.undefined(), output: z.undefined() },
  listUsers: { input: z.undefined(), output: z.array(UserSummarySchema).max(10_000) },
  createUser: { input: NewUserSchema, output: CreatedUserSchema },
  removeUser: { input: z.strictObject({ userId: z.string().min(1).max(100) }), output: z.undefined() },
} as const;

export const accessEvents = {
  access: AccessStateSchema,
} as const;
