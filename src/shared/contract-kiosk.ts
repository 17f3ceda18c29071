/**
 * The kiosk part of the station contract: a station an administrator turned into a patient
 * self-service kiosk. Every patient's visit is a session of its own, opened by the station when the
 * patient presses Start and scoped to a fresh anonymous patient; finishing it clears the screen for
 * the next person. Only an administrator's full sign-in (password and code) takes the station out of
 * kiosk mode. contract.ts spreads these into stationMethods; method-access.ts says who may call them.
 */
import { z } from 'zod';
import { AccessStateSchema, CredentialsSchema, SignInOutcomeSchema } from './contract-access';

/**
 * After a kiosk visit a web-mode page reloads itself with this query parameter; the server answers
 * that load with `Clear-Site-Data: "cache", "storage"` so the browser drops whatever the visit left
 * (not the cookies: the launch cookie stays).
 */
export const KIOSK_CLEAR_QUERY = 'clear-kiosk-screen';

export const kioskMethods = {
  /** An administrator turns the station into a kiosk; every screen is signed out. Kept across restarts. */
  enableKiosk: { input: z.undefined(), output: AccessStateSchema },
  /** The patient at the kiosk presses Start: this screen gets a session for the kiosk's current patient only. */
  startKioskVisit: { input: z.undefined(), output: AccessStateSchema },
  /** Ends the visit: its records are closed, the next patient starts blank, and the screen clears itself. */
  finishKioskVisit: { input: z.undefined(), output: AccessStateSchema },
  /**
   * An administrator's sign-in that takes the station out of kiosk mode and signs them in at this
   * screen; any other account is refused with `not-administrator`.
   */
  leaveKiosk: { input: CredentialsSchema, output: SignInOutcomeSchema },
} as const;
