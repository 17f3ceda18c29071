/**
 * Video visits as the station core runs them: it records the patient's consent, creates the visit on
 * the consultation server (the embedded one, or a remote one given by --consult-server with the
 * station key) and hands the station's screen what it needs to join. The screen itself carries the
 * call; the core only ends visits it started.
 */
import { randomUUID } from 'node:crypto';
import { CreatedVisitSchema, SIGNAL_PATH, VISITS_PATH, VisitPresenceSchema, type CreatedVisit, type CreateVisitRequest } from '../../shared/consult/protocol';
import type { MethodInput, MethodOutput } from '../../shared/contract';
import type { RecordedConsent } from '../../shared/contract-visit';
import type { Actor } from '../../shared/clinical/actor';
import type { InvocationContext } from './contract-session';
import type { HostedVisits } from './hosted-visits';

/** Where visits are created. */
export interface VisitConnector {
  /** The consultation server's base URL (http or https). */
  readonly serverUrl: string;
  createVisit(request: CreateVisitRequest): Promise<CreatedVisit>;
  /** Ends the visit for both sides; false when the server cannot be told (the screen then ends it over its socket). */
  endVisit(visitId: string): Promise<boolean>;
  /** Whether the visit's admitted clinician is connected now; false when the server cannot say. */
  clinicianConnected(visitId: string): Promise<boolean>;
}

/** The signalling socket address of a consultation server at `serverUrl`. */
export function signallingUrlOf(serverUrl: string): string {
  const url = new URL(SIGNAL_PATH, serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** The embedded server, known once it has started. */
export function embeddedVisitConnector(server: {
  readonly url: string;
  createVisit(request: CreateVisitRequest): Promise<CreatedVisit>;
  endVisit(visitId: string): Promise<boolean>;
  clinicianConnected(visitId: string): Promise<boolean>;
}): VisitConnector {
  return {
    serverUrl: server.url,
    createVisit: (request) => server.createVisit(request),
    endVisit: (visitId) => server.endVisit(visitId),
    clinicianConnected: (visitId) => server.clinicianConnected(visitId),
  };
}

/** A remote consultation server: POST /api/visits with the station key (VITALBRIDGE_CONSULT_STATION_KEY). */
export function remoteVisitConnector(serverUrl: string, stationKey: string | undefined, fetchImpl: typeof fetch = fetch): VisitConnector {
  return {
    serverUrl,
    async createVisit(request) {
      if (!stationKey) throw new Error('The consultation server needs the station key: set VITALBRIDGE_CONSULT_STATION_KEY');
      let response: Response;
      try {
        response = await fetchImpl(new URL(VISITS_PATH, serverUrl), {
          method: 'POST',
          headers: { Authorization: `Bearer ${stationKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new Error(`The consultation server at ${serverUrl} cannot be reached (${error instanceof Error ? error.message : String(error)})`);
      }
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const reason = (body as { error?: unknown } | null)?.error;
        throw new Error(`The consultation server refused the visit (${response.status}${typeof reason === 'string' ? `: ${reason.slice(0, 200)}` : ''})`);
      }
      const visit = CreatedVisitSchema.safeParse(body);
      if (!visit.success) throw new Error('The consultation server answered with something that is not a visit');
      return visit.data;
    },
    endVisit: async () => false,
    async clinicianConnected(visitId) {
      if (!stationKey) return false;
      const response = await fetchImpl(new URL(`${VISITS_PATH}/${encodeURIComponent(visitId)}`, serverUrl), {
        headers: { Authorization: `Bearer ${stationKey}` },
        signal: AbortSignal.timeout(5_000),
      }).catch(() => null);
      if (!response?.ok) return false;
      return VisitPresenceSchema.safeParse(await response.json().catch(() => null)).data?.clinicianConnected === true;
    },
  };
}

export interface VisitHandlers {
  recordVisitConsent(input: MethodInput<'recordVisitConsent'>, context: InvocationContext): MethodOutput<'recordVisitConsent'>;
  startVisit(input: MethodInput<'startVisit'>, context: InvocationContext): Promise<MethodOutput<'startVisit'>>;
  admitClinician(input: MethodInput<'admitClinician'>, context: InvocationContext): MethodOutput<'admitClinician'>;
  endVisit(input: MethodInput<'endVisit'>, context: InvocationContext): Promise<MethodOutput<'endVisit'>>;
}

/** A step of a video visit the audit trail records, with the consultation server's visit id. */
export interface VisitAuditEvent {
  actor: Actor;
  action: 'visit.start' | 'visit.admit-clinician' | 'visit.end';
  visitId: string;
}

export interface VisitServiceOptions {
  /** Null when no consultation server is available (startVisit then explains why). */
  connector: () => VisitConnector | null;
  now?: () => number;
  /** Consent records go here: the encrypted records and the audit trail, under the person who recorded it. */
  onConsent?: (consent: RecordedConsent, recordedBy: Actor) => void;
  /** Starting a visit, letting the clinician in and ending it go into the audit trail. */
  onAudit?: (event: VisitAuditEvent) => void;
  /** The visits this station hosts, each with the screen that started it. */
  hosted: HostedVisits;
}

/** A consent covers one visit started soon after it was given. */
const CONSENT_VALID_MS = 10 * 60_000;

export function createVisitHandlers(options: VisitServiceOptions): VisitHandlers {
  const now = options.now ?? Date.now;
  const consents = new Map<string, RecordedConsent>();
  const { hosted } = options;

  return {
    recordVisitConsent({ statementVersion }, { actor }) {
      const consent: RecordedConsent = { consentId: randomUUID(), statementVersion, recordedAt: now() };
      consents.set(consent.consentId, consent);
      options.onConsent?.(consent, actor);
      return consent;
    },
    async startVisit({ consentId }, { actor, screen }) {
      const consent = consents.get(consentId);
      if (!consent || now() - consent.recordedAt > CONSENT_VALID_MS) throw new Error('The patient has not consented to this visit (or the consent is older than 10 minutes): ask again');
      const connector = options.connector();
      if (!connector) throw new Error('No consultation server is available to this station');
      const visit = await connector.createVisit({ autoAdmit: false });
      consents.delete(consentId);
      hosted.started(visit.visitId, screen);
      options.onAudit?.({ actor, action: 'visit.start', visitId: visit.visitId });
      return {
        visitId: visit.visitId,
        stationToken: visit.stationToken,
        signallingUrl: signallingUrlOf(connector.serverUrl),
        clinicianUrl: visit.clinicianUrl,
        expiresAt: visit.expiresAt,
      };
    },
    // The screen lets the clinician in over its own signalling socket; asking here first puts the
    // admission under the signed-in person's right and into the audit trail. Only the screen that
    // started the visit carries its call, so only it admits (and then relays for the clinician).
    admitClinician({ visitId }, { actor, screen }) {
      if (!hosted.admit(visitId, screen)) throw new Error('This visit was not started at this screen, or it has ended');
      options.onAudit?.({ actor, action: 'visit.admit-clinician', visitId });
      return undefined;
    },
    async endVisit({ visitId }, { actor }) {
      // Only visits this station started: a screen cannot end someone else's visit by its id.
      if (!hosted.ended(visitId)) return undefined;
      options.onAudit?.({ actor, action: 'visit.end', visitId });
      await options.connector()?.endVisit(visitId);
      return undefined;
    },
  };
}
