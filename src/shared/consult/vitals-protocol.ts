/**
 * The live-vitals protocol on a visit's WebRTC data channel, between the station's screen (the
 * publisher) and the clinician's page. JSON text messages, each checked against these schemas with
 * size limits on every field; a hostile or broken message is rejected with an error, never thrown.
 *
 * Reliability: everything the clinician must not miss (numerics, device states, alarms, NEWS2,
 * who the patient is, chat, measurement-request progress, snapshot notices, acknowledgement answers) travels as an `item` with a sequence number
 * from one station-wide counter. The clinician acks its highest contiguous seq; after a reconnect
 * its `hello` names that seq and the station replays everything after it from a bounded log (or,
 * when the log no longer reaches back, sends its whole current state and says how many items were
 * lost). Waveform chunks are unsequenced and may be dropped under backpressure.
 *
 * The clinician's own reliable messages (chat, measurement requests, alarm acknowledgements, snapshot chunks) carry ids; it
 * sends them again after a reconnect until the station's item confirming them arrives, and the
 * station ignores ids it has already handled.
 */
import { z } from 'zod';
import { MAX_JSON_DEPTH, parseBoundedJson } from '../bounded-json';
import { DeviceInfoSchema, StationReadingSchema } from '../contract';
import { AlarmStateSchema, News2StateSchema, PresentedAlarmSchema } from '../contract-clinical';
import { CurrentPatientSchema } from '../contract-records';
import { ALARM_PRIORITIES } from '../clinical/alarm-presentation';
import { WAVEFORM_ENCODINGS } from './waveform-codec';
import { SnapshotChunkSchema } from './snapshot-chunk';
import { AddendumTextSchema, NoteRevisionSchema, NoteSectionsSchema, VisitNoteSchema } from '../visit-notes';

export { MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_CHUNKS, SNAPSHOT_CHUNK_CHARS, SnapshotChunkSchema, type SnapshotChunk } from './snapshot-chunk';

/** Versions this build speaks, newest first. */
export const VITALS_PROTOCOL_VERSIONS = [1] as const;
export const VITALS_PROTOCOL_VERSION = VITALS_PROTOCOL_VERSIONS[0];

/** Largest message either side sends or accepts (UTF-16 code units of the JSON text). */
export const MAX_VITALS_MESSAGE_CHARS = 64 * 1024;
export const MAX_READINGS_PER_ITEM = 200;
export const MAX_DEVICES = 64;
export const MAX_ALARMS_SENT = 40;
export const MAX_NEWS2_TREND_SENT = 120;
export const MAX_CHAT_CHARS = 1_000;
export const MAX_WAVEFORM_SAMPLES = 4_096;
/** A note item carries the newest addenda to the note, at most this many. */
export const MAX_NOTE_ADDENDA_SENT = 3;

const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const time = z.number().finite();
const id = z.string().min(1).max(64);
const deviceId = z.string().min(1).max(200);
/** The station's alarm ids are at most 40 characters (contract-clinical acknowledgeAlarm). */
const alarmId = z.string().min(1).max(40);

/** The alarm presentation the clinician sees: active alarms only, not the station's log or limits. */
export const ConsultAlarmsSchema = z.object({
  /** Station time the presentation was published. */
  now: time,
  alarms: z.array(PresentedAlarmSchema).max(MAX_ALARMS_SENT),
  audiblePriority: z.enum(ALARM_PRIORITIES).nullable(),
  /** A pause of the alarm audio at the station (the station's alone: the clinician cannot pause it). */
  audioPause: AlarmStateSchema.shape.audioPause,
});
export type ConsultAlarms = z.infer<typeof ConsultAlarmsSchema>;

export const MEASUREMENT_REQUEST_STATUSES = ['awaiting-confirmation', 'started', 'declined', 'failed'] as const;
export type MeasurementRequestStatus = (typeof MEASUREMENT_REQUEST_STATUSES)[number];

export const CHAT_AUTHORS = ['station', 'clinician'] as const;
export type ChatAuthor = (typeof CHAT_AUTHORS)[number];

export const ItemBodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('readings'), readings: z.array(StationReadingSchema).min(1).max(MAX_READINGS_PER_ITEM) }),
  z.object({ kind: z.literal('devices'), devices: z.array(DeviceInfoSchema).max(MAX_DEVICES) }),
  z.object({ kind: z.literal('alarms'), alarms: ConsultAlarmsSchema }),
  z.object({ kind: z.literal('news2'), news2: News2StateSchema }),
  /**
   * The station's current patient as its own screen is allowed to see them (a kiosk: the given name
   * only), so the physician knows whom the vitals belong to; null while the station does not know
   * (its answer after a change of patient is on its way).
   */
  z.object({ kind: z.literal('patient'), patient: CurrentPatientSchema.nullable() }),
  z.object({ kind: z.literal('chat'), id, from: z.enum(CHAT_AUTHORS), text: z.string().min(1).max(MAX_CHAT_CHARS), at: time }),
  z.object({
    kind: z.literal('measurement'),
    requestId: id,
    deviceId,
    status: z.enum(MEASUREMENT_REQUEST_STATUSES),
    detail: z.string().max(500).nullable(),
  }),
  z.object({ kind: z.literal('snapshot-saved'), snapshotId: id, ok: z.boolean(), detail: z.string().max(500).nullable() }),
  /** The station core's answer to the clinician's acknowledge request; the alarm itself follows as an `alarms` item. */
  z.object({ kind: z.literal('alarm-acknowledged'), requestId: id, alarmId, ok: z.boolean(), detail: z.string().max(500).nullable() }),
  /**
   * The clinician's own visit note as the station's records keep it (null before the first save),
   * with the addenda to it; sent in answer to each note message (`inReplyTo`, with `problem` when
   * the station refused it) and when the page asks for its note after a (re)load.
   */
  z.object({
    kind: z.literal('note'),
    note: VisitNoteSchema.nullable(),
    addenda: z.array(VisitNoteSchema).max(MAX_NOTE_ADDENDA_SENT),
    inReplyTo: z.discriminatedUnion('kind', [z.object({ kind: z.literal('open') }), z.object({ kind: z.literal('draft'), revision: NoteRevisionSchema }), z.object({ kind: z.literal('request'), requestId: id })]),
    problem: z.string().max(500).nullable(),
  }),
]);
export type ItemBody = z.infer<typeof ItemBodySchema>;
export type ConsultNoteItem = Extract<ItemBody, { kind: 'note' }>;
export type ItemKind = ItemBody['kind'];

export const WaveformMessageSchema = z.object({
  type: z.literal('waveform'),
  deviceId,
  metric: z.enum(['pleth', 'ecg']),
  rateHz: z.number().positive().max(10_000),
  startedAt: time,
  encoding: z.enum(WAVEFORM_ENCODINGS),
  count: z.number().int().min(0).max(MAX_WAVEFORM_SAMPLES),
  base: z.number().finite(),
  // f32 is the widest: 4 bytes per sample, 4/3 characters per byte.
  data: z.string().max(Math.ceil((MAX_WAVEFORM_SAMPLES * 4) / 3) + 4),
});
export type WaveformMessage = z.infer<typeof WaveformMessageSchema>;

export const StationMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    version: z.number().int().positive(),
    /** Station wall clock when sent, and the hello's sentAt echoed: together they give the clock offset. */
    now: time,
    helloSentAt: time,
    /** Identifies this publisher's seq counter; a new epoch (station screen reloaded) restarts numbering. */
    epoch: id,
    /**
     * The seq the items that follow continue from. When the log could not reach back to the hello's
     * lastSeq (or the epoch changed), the station follows with its whole current state as new items.
     */
    resumeFrom: seq,
    /** Items the clinician can never receive (dropped from the bounded log before being acked). */
    lost: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('incompatible'), supported: z.array(z.number().int().positive()).max(16) }),
  z.object({ type: z.literal('item'), seq: seq.min(1), body: ItemBodySchema }),
  WaveformMessageSchema,
  z.object({ type: z.literal('error'), message: z.string().max(500) }),
]);
export type StationMessage = z.infer<typeof StationMessageSchema>;

export const ClinicianMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    versions: z.array(z.number().int().positive()).min(1).max(16),
    /** The epoch and highest contiguous seq held, null for a fresh page. */
    resume: z.object({ epoch: id, lastSeq: seq }).nullable(),
    /** Clinician clock when sent; echoed in the welcome. */
    sentAt: time,
  }),
  z.object({ type: z.literal('ack'), seq }),
  z.object({ type: z.literal('request-measurement'), requestId: id, deviceId }),
  z.object({ type: z.literal('chat'), id, text: z.string().min(1).max(MAX_CHAT_CHARS) }),
  z.object({ type: z.literal('acknowledge-alarm'), requestId: id, alarmId }),
  SnapshotChunkSchema.extend({ type: z.literal('snapshot-chunk') }),
  /** The clinician's visit note (issue 14): ask for it (after a load), save a draft revision, sign it, add an addendum. */
  z.object({ type: z.literal('note-open') }),
  z.object({ type: z.literal('note-draft'), revision: NoteRevisionSchema, sections: NoteSectionsSchema }),
  z.object({ type: z.literal('note-sign'), requestId: id, noteId: id, revision: NoteRevisionSchema }),
  z.object({ type: z.literal('note-addendum'), requestId: id, noteId: id, text: AddendumTextSchema }),
]);
export type ClinicianMessage = z.infer<typeof ClinicianMessageSchema>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, text: unknown): ParseResult<T> {
  if (typeof text !== 'string') return { ok: false, error: 'message is not text' };
  const json = parseBoundedJson(text, { maxChars: MAX_VITALS_MESSAGE_CHARS, maxDepth: MAX_JSON_DEPTH });
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) return { ok: false, error: `invalid message: ${z.prettifyError(parsed.error).slice(0, 400)}` };
  return { ok: true, message: parsed.data };
}

export const parseStationMessage = (text: unknown): ParseResult<StationMessage> => parseWith(StationMessageSchema, text);
export const parseClinicianMessage = (text: unknown): ParseResult<ClinicianMessage> => parseWith(ClinicianMessageSchema, text);

/** The newest version both sides speak, or null. */
export function negotiateVersion(offered: readonly number[]): number | null {
  return VITALS_PROTOCOL_VERSIONS.find((version) => offered.includes(version)) ?? null;
}
