/**
 * The video-visit part of the station contract: the patient's consent (recorded before any camera
 * starts), starting a visit on the consultation server and ending it. contract.ts spreads
 * visitMethods into stationMethods, so every transport validates them alike.
 */
import { z } from 'zod';

/**
 * What the patient agrees to, shown word for word on the consent screen and recorded with its
 * version, so an audit can tell exactly which text was accepted.
 */
export const VISIT_CONSENT_STATEMENT = {
  version: 'video-visit-consent/1',
  text: [
    'This visit connects you by video and sound with a clinician at another location.',
    'Your camera and microphone turn on only after you agree, and only for this visit. Nothing is recorded.',
    'The clinician also sees the readings of the devices connected to this station while the visit lasts.',
    'You can turn off your camera or microphone, or end the visit, at any time.',
  ],
} as const;

const id = z.string().min(1).max(100);

export const VisitConsentSchema = z.strictObject({
  statementVersion: z.literal(VISIT_CONSENT_STATEMENT.version),
  /** The patient agreed; declining records nothing and starts nothing. */
  accepted: z.literal(true),
});

export const RecordedConsentSchema = z.object({
  consentId: id,
  statementVersion: z.literal(VISIT_CONSENT_STATEMENT.version),
  /** Station wall clock (ms since epoch). */
  recordedAt: z.number(),
});
export type RecordedConsent = z.infer<typeof RecordedConsentSchema>;

/** Everything the station's screen needs to join the visit it started and to hand out the link. */
export const StartedVisitSchema = z.object({
  visitId: id,
  /** The station's join token for the signalling socket. */
  stationToken: z.string().min(1).max(2_000),
  /** ws(s)://…/signal of the consultation server. */
  signallingUrl: z.string().max(2_000),
  /** The absolute address the clinician opens in any browser. */
  clinicianUrl: z.string().max(3_000),
  expiresAt: z.number(),
});
export type StartedVisit = z.infer<typeof StartedVisitSchema>;

export const visitMethods = {
  recordVisitConsent: { input: VisitConsentSchema, output: RecordedConsentSchema },
  startVisit: { input: z.strictObject({ consentId: id }), output: StartedVisitSchema },
  /** Before the screen lets the waiting clinician in: checks the right and audits the admission. */
  admitClinician: { input: z.strictObject({ visitId: id }), output: z.undefined() },
  endVisit: { input: z.strictObject({ visitId: id }), output: z.undefined() },
} as const;
