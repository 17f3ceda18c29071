/**
 * The one contract between the station core and every screen (Electron preload, web-mode
 * WebSocket, tests). Each method and event has a zod schema; every boundary validates with it.
 */
import { z } from 'zod';
import { MEASUREMENT_SOURCES, METRICS, UCUM_UNITS, loincOf, mdcOf, type MeasurementSource, type Metric, type UcumUnit } from './vitals';
import { SIGNAL_CONDITIONS } from './readings';
import { visitMethods } from './contract-visit';
import { consultVitalsMethods } from './contract-consult-vitals';
import { clinicalEvents, clinicalMethods } from './contract-clinical';
import { accessEvents, accessMethods } from './contract-access';
import { kioskMethods } from './contract-kiosk';
import { recordsEvents, recordsMethods } from './contract-records';
import { monitorSettingsEvents, monitorSettingsMethods } from './contract-monitor-settings';
import { syncMethods } from './contract-sync';
import { visitNotesMethods } from './contract-visit-notes';
import { measurementRequestMethods } from './contract-measurement-requests';
import { summaryMethods } from './contract-summary';
import { wearableEvents, wearableMethods } from './contract-wearables';

export const DEVICE_STATES = ['connecting', 'streaming', 'measuring', 'idle', 'probe-off', 'disconnected', 'error'] as const;

export const DeviceInfoSchema = z.object({
  id: z.string().max(200),
  driverId: z.string().max(100),
  name: z.string().max(200),
  transport: z.enum(['hid', 'serial', 'ble', 'simulated']),
  state: z.enum(DEVICE_STATES),
  condition: z.enum(SIGNAL_CONDITIONS),
  /** Why the device is in this state, in words a nurse understands. */
  reason: z.string().max(500).optional(),
  /** What the user should do next (plug in, put finger in, install the udev rule, ...). */
  action: z.string().max(1000).optional(),
  canRequestMeasurement: z.boolean(),
  /** The parameters this kind of device measures (its driver's manifest), so the monitor shows a tile for each. */
  metrics: z.array(z.enum(METRICS)).max(METRICS.length),
  /** Wireless devices: received signal strength (dBm, last advertisement) and battery (%, read at connection). */
  radio: z
    .strictObject({ rssiDbm: z.number().int().min(-127).max(20), batteryPercent: z.number().int().min(0).max(100).optional() })
    .optional(),
});
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;

/**
 * Where a reading's value comes from: `live` was measured now (a streaming oximeter, a cuff that just
 * finished), `stored` was downloaded from the device's memory and carries the device's own time.
 * Readings the device marks invalid never become StationReadings at all.
 */
export const READING_PROVENANCES = ['live', 'stored'] as const;
export type ReadingProvenance = (typeof READING_PROVENANCES)[number];

/** The standard codes of a metric in a unit measured by a kind of device, as every such reading carries them (loincOf, mdcOf in vitals.ts). */
export function readingCodes(metric: Metric, source: MeasurementSource | null, unit: UcumUnit): { loinc: string[]; mdc: number | null } {
  return { loinc: loincOf(metric, unit).map((coding) => coding.code), mdc: mdcOf(metric, source)?.code ?? null };
}

export const StationReadingSchema = z
  .object({
    deviceId: z.string().max(200),
    metric: z.enum(METRICS),
    value: z.number().finite(),
    unit: z.enum(UCUM_UNITS),
    /** LOINC codes of the metric (the FHIR vital-signs code first). */
    loinc: z.array(z.string().max(20)).max(4),
    /** 32-bit IEEE 11073-10101 MDC code (partition × 65536 + term code) for the metric and source; null when there is none. */
    mdc: z.number().int().nonnegative().max(0xffff_ffff).nullable(),
    /**
     * The kind of device that measured it, which some codes depend on (a cuff's pulse is not an
     * oximeter's); null only for a recorded reading from before the records kept it.
     */
    source: z.enum(MEASUREMENT_SOURCES).nullable(),
    /**
     * Readings that are parts of one measurement (a cuff's systolic, diastolic, mean and pulse) share
     * this id, whenever each part arrived; null for a reading that stands alone.
     */
    measurementId: z.string().max(100).nullable(),
    provenance: z.enum(READING_PROVENANCES),
    /** Device timestamp for stored readings, null for live ones. */
    deviceTime: z.string().max(40).nullable(),
    /** Station wall clock (ms since epoch) when the reading entered the hub. */
    receivedAt: z.number(),
    seq: z.number().int().nonnegative(),
  })
  .check((context) => {
    const reading = context.value;
    const expected = readingCodes(reading.metric, reading.source, reading.unit);
    if (reading.mdc !== expected.mdc || reading.loinc.join() !== expected.loinc.join()) {
      context.issues.push({ code: 'custom', input: reading, message: `codes of ${reading.metric} must be LOINC [${expected.loinc.join(', ')}], MDC ${expected.mdc}` });
    }
    if ((reading.provenance === 'stored') !== (reading.deviceTime !== null)) {
      context.issues.push({ code: 'custom', input: reading, message: 'a stored reading carries its device time and a live one none' });
    }
  });
export type StationReading = z.infer<typeof StationReadingSchema>;

/** A reading with the codes of its metric and source and the provenance its device time implies; alone unless a measurement id says otherwise. */
export function stationReading(fields: Omit<StationReading, 'loinc' | 'mdc' | 'provenance' | 'measurementId'> & { measurementId?: string | null }): StationReading {
  return { measurementId: null, ...fields, ...readingCodes(fields.metric, fields.source, fields.unit), provenance: fields.deviceTime === null ? 'live' : 'stored' };
}

export const RawScaleSchema = z
  .strictObject({ min: z.number().finite(), max: z.number().finite() })
  .refine((scale) => scale.max > scale.min, 'a raw scale spans from min up to a larger max');

export const WaveformBatchSchema = z.object({
  deviceId: z.string().max(200),
  metric: z.enum(['pleth', 'ecg']),
  rateHz: z.number().positive().max(10_000),
  /** Station wall clock of the first sample; consecutive chunks with a gap show the gap. */
  startedAt: z.number(),
  samples: z.array(z.number().finite()).max(100_000),
  /** The raw range the device declares for these samples (readings.ts RawScale); absent when it declares none. */
  scale: RawScaleSchema.optional(),
});
export type WaveformBatch = z.infer<typeof WaveformBatchSchema>;

/** One display frame's worth of news, coalesced by the core so the renderer never gets a message per sample. */
export const FrameBatchSchema = z.object({
  readings: z.array(StationReadingSchema).max(10_000),
  waveforms: z.array(WaveformBatchSchema).max(1_000),
});
export type FrameBatch = z.infer<typeof FrameBatchSchema>;

/** Where a page of the encounter's history ends: the next page holds the readings before it. */
export const HistoryCursorSchema = z.strictObject({ receivedAt: z.number().int().nonnegative(), id: z.number().int().nonnegative() });
export type HistoryCursor = z.infer<typeof HistoryCursorSchema>;
export const MAX_HISTORY_PAGE = 1_000;

export const EncounterHistoryPageSchema = z.object({
  /** Newest first; `seq` is the record's row id. */
  readings: z.array(StationReadingSchema).max(MAX_HISTORY_PAGE),
  /** Pass as `before` for the readings before these; null when there are none. */
  next: HistoryCursorSchema.nullable(),
});
export type EncounterHistoryPage = z.infer<typeof EncounterHistoryPageSchema>;

export const SnapshotSchema = z.object({
  devices: z.array(DeviceInfoSchema),
  latest: z.array(StationReadingSchema),
  now: z.number(),
  /** The station's `display.locale` setting for dates and times; null or absent: the screen's own. */
  locale: z.string().max(35).nullable().optional(),
  /** The station's `devices.displayUnits` for glucose: the unit screens show it in (records keep the meter's); absent: the reading's own. */
  displayUnits: z.strictObject({ glucose: z.enum(['mg/dL', 'mmol/L']).optional() }).optional(),
  /** The station's `display.alwaysShowMetrics` setting: parameters the monitor shows even when nothing measures them. */
  alwaysShow: z.array(z.enum(METRICS)).max(METRICS.length).optional(),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const stationMethods = {
  getSnapshot: { input: z.undefined(), output: SnapshotSchema },
  /** The current encounter's recorded readings, newest first, a page at a time: the session history survives sign-ins and reloads. */
  getEncounterHistory: {
    input: z.strictObject({ before: HistoryCursorSchema.nullable(), limit: z.number().int().min(1).max(MAX_HISTORY_PAGE) }),
    output: EncounterHistoryPageSchema,
  },
  requestMeasurement: { input: z.object({ deviceId: z.string().max(200) }), output: z.undefined() },
  ...accessMethods,
  ...visitMethods,
  ...consultVitalsMethods,
  ...clinicalMethods,
  ...kioskMethods,
  ...recordsMethods,
  ...syncMethods,
  ...monitorSettingsMethods,
  ...visitNotesMethods,
  ...measurementRequestMethods,
  ...summaryMethods,
  ...wearableMethods,
} as const;

export const stationEvents = {
  devices: z.array(DeviceInfoSchema),
  frame: FrameBatchSchema,
  ...accessEvents,
  ...clinicalEvents,
  ...recordsEvents,
  ...monitorSettingsEvents,
  ...wearableEvents,
} as const;

export type StationMethodName = keyof typeof stationMethods;
export type StationEventName = keyof typeof stationEvents;
export type MethodInput<M extends StationMethodName> = z.infer<(typeof stationMethods)[M]['input']>;
export type MethodOutput<M extends StationMethodName> = z.infer<(typeof stationMethods)[M]['output']>;
export type EventPayload<E extends StationEventName> = z.infer<(typeof stationEvents)[E]>;

/** What the renderer sees, whichever transport carries it. */
export interface StationApi {
  invoke<M extends StationMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends StationEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/**
 * How an invoke ends, on every transport. Errors travel as data (not thrown across IPC or the socket)
 * so the caller gets a code it can act on instead of a transport-specific message.
 */
/** `busy`: refused unheard, the connection sent more than the station takes from one screen; try again later. */
export const INVOKE_ERROR_CODES = ['bad-request', 'unknown-method', 'forbidden', 'failed', 'disconnected', 'busy'] as const;
export type InvokeErrorCode = (typeof INVOKE_ERROR_CODES)[number];
export const InvokeErrorSchema = z.object({ code: z.enum(INVOKE_ERROR_CODES), message: z.string().max(2_000) });
export type InvokeError = z.infer<typeof InvokeErrorSchema>;
export type InvokeResult = { ok: true; output: unknown } | { ok: false; error: InvokeError };

/** Thrown by every StationApi implementation when an invoke fails. */
export class StationCallError extends Error {
  readonly code: InvokeErrorCode;
  constructor(error: InvokeError) {
    super(error.message);
    this.name = 'StationCallError';
    this.code = error.code;
  }
}

export const isStationMethod = (name: unknown): name is StationMethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(stationMethods, name);
export const isStationEvent = (name: unknown): name is StationEventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(stationEvents, name);

/** Electron IPC channels between preload and main; nothing else crosses the bridge. */
export const IPC_CHANNELS = { invoke: 'vitalbridge:invoke', event: 'vitalbridge:event' } as const;

/** The WebSocket path of web mode (the page's own origin, token in the query or session cookie). */
export const WEB_SOCKET_PATH = '/contract';

/** Web-mode messages from the page. `flow` is the page's backpressure signal (hidden tab → paused). */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  // input is absent for methods without one (JSON has no undefined).
  z.object({ type: z.literal('invoke'), id: z.number().int().nonnegative(), method: z.string().max(100), input: z.unknown().optional() }),
  z.object({ type: z.literal('flow'), paused: z.boolean() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** Web-mode messages to the page. */
export const ServerMessageSchema = z.union([
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), ok: z.literal(true), output: z.unknown().optional() }),
  // id is null when the request was too malformed to carry one.
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative().nullable(), ok: z.literal(false), error: InvokeErrorSchema }),
  z.object({ type: z.literal('event'), event: z.string().max(100), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
