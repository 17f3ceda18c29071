/**
 * The consultation server's wire protocol, shared by the server (src/node/consult), the station and
 * the clinician's browser page. One WebSocket per participant at SIGNAL_PATH; the first message is
 * `join` with a visit token; after that the server relays WebRTC signals (simple-peer's signal
 * objects) and small app messages between the station and the clinician of that visit only.
 *
 * Seats: a visit has one station seat and one clinician seat. The first join with a visit's link
 * token claims the seat and the `welcome` message hands back a seat token; only that seat token can
 * take the seat again (after a dropped connection, or to replace a connection still open), so a
 * forwarded link cannot seat a third participant. Keep the seat token for the page's lifetime.
 *
 * Checking: instead of `join`, a connection may send `check` with a token: the server answers
 * `joinable` (and closes with 1000) when a join with that token would be seated now, or refuses it
 * exactly as it would refuse the join. The clinician's page checks before it asks for the camera.
 *
 * Negotiation: the station is always simple-peer's initiator. After `peer` `rejoined` both sides
 * discard their peer object and negotiate a fresh one (simple-peer cannot restart ICE).
 */
import { z } from 'zod';

export const SIGNAL_PATH = '/signal';
export const VISITS_PATH = '/api/visits';
export const ICE_SERVERS_PATH = '/api/ice-servers';
/** The clinician link carries its token in the fragment so it never reaches a server log or a Referer. */
export const LINK_TOKEN_PARAM = 'token';

export const ROLES = ['station', 'clinician'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Largest message a participant may send; an SDP with many candidates stays well below it. */
export const MAX_SIGNAL_MESSAGE_BYTES = 64 * 1024;
/** Largest server message or relayed bus event: one client message with the envelope around it. */
export const MAX_RELAYED_MESSAGE_CHARS = 2 * MAX_SIGNAL_MESSAGE_BYTES;
/** Largest app message payload (serialised JSON): live vitals and alarm commands, not files. */
export const MAX_APP_PAYLOAD_BYTES = 16 * 1024;

const token = z.string().min(1).max(2_000);

const IceCandidateSchema = z.object({
  candidate: z.string().max(2_000),
  sdpMid: z.string().max(100).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1_000).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/** Exactly the objects simple-peer emits from 'signal'; anything else is not relayed. */
export const SignalDataSchema = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['offer', 'answer', 'pranswer', 'rollback']), sdp: z.string().max(MAX_SIGNAL_MESSAGE_BYTES) }),
  z.object({ type: z.literal('candidate'), candidate: IceCandidateSchema }),
  z.object({ type: z.literal('renegotiate'), renegotiate: z.literal(true) }),
  z.object({
    type: z.literal('transceiverRequest'),
    transceiverRequest: z.object({
      kind: z.enum(['audio', 'video']),
      init: z.object({ direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional() }).optional(),
    }),
  }),
]);
export type SignalData = z.infer<typeof SignalDataSchema>;

const AppPayloadSchema = z.json().refine((value) => JSON.stringify(value).length <= MAX_APP_PAYLOAD_BYTES, {
  message: `app payload is larger than ${MAX_APP_PAYLOAD_BYTES} bytes`,
});

export const ConsultClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('join'), token }),
  /** Instead of join: would a join with this token be seated now? Seats nobody. */
  z.object({ type: z.literal('check'), token }),
  z.object({ type: z.literal('signal'), data: SignalDataSchema }),
  z.object({ type: z.literal('app'), payload: AppPayloadSchema }),
  /** Station only: let the waiting clinician in. */
  z.object({ type: z.literal('admit') }),
  /** Either side: the visit is over for both; its tokens stop working. */
  z.object({ type: z.literal('end') }),
  /** Fresh TURN credentials for a long visit. */
  z.object({ type: z.literal('ice-servers') }),
]);
export type ConsultClientMessage = z.infer<typeof ConsultClientMessageSchema>;

export const IceServerSchema = z.object({
  urls: z.union([z.string().max(500), z.array(z.string().max(500)).max(20)]),
  username: z.string().max(500).optional(),
  credential: z.string().max(500).optional(),
});
/** What a client passes to RTCPeerConnection (simple-peer `config`). */
export const IceConfigSchema = z.object({
  iceServers: z.array(IceServerSchema).max(20),
  /** 'relay' when the deployment wants media through TURN only (no host or reflexive candidates). */
  iceTransportPolicy: z.enum(['all', 'relay']),
  /** When the TURN credentials stop working (ms since epoch); null without TURN. */
  expiresAt: z.number().nullable(),
});
export type IceConfig = z.infer<typeof IceConfigSchema>;

export const END_REASONS = ['ended-by-station', 'ended-by-clinician', 'expired'] as const;
export type EndReason = (typeof END_REASONS)[number];

export const CONSULT_ERROR_CODES = [
  'bad-message',
  'not-joined',
  'already-joined',
  'bad-token',
  'seat-taken',
  'visit-gone',
  'forbidden',
  'not-admitted',
  'peer-absent',
  'rate-limited',
  'unavailable',
] as const;
export type ConsultErrorCode = (typeof CONSULT_ERROR_CODES)[number];

export const ConsultServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    visitId: z.string().max(100),
    role: RoleSchema,
    /** The token that takes this seat back after a drop; the link token no longer does. */
    seatToken: token,
    /** Whether the clinician is past the lobby. */
    admitted: z.boolean(),
    /** Whether the other participant is connected now. */
    peerPresent: z.boolean(),
    /** Whether this side starts the WebRTC negotiation (the station). */
    initiator: z.boolean(),
    /** A clinician still in the lobby gets no TURN credentials; they come with `admitted`. */
    ice: IceConfigSchema,
  }),
  /** The other participant arrived for the first time, came back after a drop, or dropped. */
  z.object({ type: z.literal('peer'), event: z.enum(['joined', 'rejoined', 'left']), admitted: z.boolean() }),
  /** To the clinician, with the TURN credentials withheld in the lobby; to the station, without. */
  z.object({ type: z.literal('admitted'), ice: IceConfigSchema.optional() }),
  /** The answer to a `check` whose join would be seated; the connection then closes. */
  z.object({ type: z.literal('joinable') }),
  z.object({ type: z.literal('signal'), data: SignalDataSchema }),
  z.object({ type: z.literal('app'), payload: z.json() }),
  z.object({ type: z.literal('ice-servers'), ice: IceConfigSchema }),
  z.object({ type: z.literal('ended'), reason: z.enum(END_REASONS) }),
  z.object({ type: z.literal('error'), code: z.enum(CONSULT_ERROR_CODES), message: z.string().max(500) }),
]);
export type ConsultServerMessage = z.infer<typeof ConsultServerMessageSchema>;

/** WebSocket close codes the server uses (besides 1001 going away, 1008 policy, 1009 too big). */
export const CONSULT_CLOSE_CODES = {
  visitEnded: 4000,
  /** The same seat was taken by a newer connection (a reconnect). */
  replaced: 4001,
  badJoin: 4400,
  badToken: 4401,
  seatTaken: 4409,
  visitGone: 4410,
  joinTimeout: 4408,
  unavailable: 4503,
} as const;

export const CreateVisitRequestSchema = z.object({
  /** Admit the clinician without the station's confirmation. */
  autoAdmit: z.boolean().default(false),
  /** How long the visit and its tokens live; the server caps it. */
  ttlSeconds: z.number().int().min(60).max(24 * 3600).optional(),
});
export type CreateVisitRequest = z.input<typeof CreateVisitRequestSchema>;

export const CreatedVisitSchema = z.object({
  visitId: z.string().max(100),
  stationToken: token,
  clinicianToken: token,
  /** The absolute address the clinician opens (clinician token in the fragment). */
  clinicianUrl: z.string().max(3_000),
  expiresAt: z.number(),
});
export type CreatedVisit = z.infer<typeof CreatedVisitSchema>;

/** GET /api/visits/<visitId> (station key): whether the visit's admitted clinician is connected now. */
export const VisitPresenceSchema = z.object({ clinicianConnected: z.boolean() });
export type VisitPresence = z.infer<typeof VisitPresenceSchema>;
