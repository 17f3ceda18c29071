/**
 * The clinical part of the station contract: alarm state and NEWS2 as the core pushes them, and the
 * operator commands a screen (or, later, the clinician's side of a visit) may send. contract.ts
 * spreads these into stationMethods and stationEvents, so every transport validates them alike.
 *
 * Both events carry the whole current state, not deltas: a newer payload replaces an older one
 * without losing anything, which is what lets a slow or hidden screen coalesce them safely.
 */
import { z } from 'zod';
import { ROLES } from './clinical/actor';
import { TECHNICAL_CONDITIONS } from './clinical/technical-conditions';
import { ALARM_METRICS } from './clinical/alarm-limits';
import { ALARM_PRIORITIES } from './clinical/alarm-presentation';
import { CONSCIOUSNESS_LEVELS, NEWS2_PARAMETERS, NEWS2_RISKS, News2InputSchema } from './clinical/news2';
import { METRICS, METRIC_DEFINITIONS, UCUM_UNITS } from './vitals';

const time = z.number().finite();
const text = (max: number) => z.string().max(max);

export const ActorSchema = z.object({ id: text(200), name: text(200), role: z.enum(ROLES) });

const AlarmPrioritySchema = z.enum(ALARM_PRIORITIES);

export const AlarmSchema = z.object({
  id: text(40),
  key: text(500),
  kind: z.enum(['physiological', 'technical']),
  technicalCondition: z.enum(TECHNICAL_CONDITIONS).nullable(),
  metric: z.enum(METRICS).nullable(),
  deviceId: text(200).nullable(),
  message: text(500),
  basePriority: AlarmPrioritySchema,
  priority: AlarmPrioritySchema,
  escalates: z.boolean(),
  value: z.number().finite().nullable(),
  unit: z.enum(UCUM_UNITS).nullable(),
  limit: z.number().finite().nullable(),
  conditionPresent: z.boolean(),
  latched: z.boolean(),
  raisedAt: time,
  conditionEndedAt: time.nullable(),
  acknowledged: z.object({ by: ActorSchema, at: time }).nullable(),
  escalatedAt: time.nullable(),
  recurrences: z.number().int().nonnegative(),
});

export const PresentedAlarmSchema = z.object({
  alarm: AlarmSchema,
  visual: z.object({
    colourName: z.enum(['red', 'yellow', 'cyan']),
    colour: text(40),
    flashHz: z.number().nonnegative(),
    dutyCycle: z.number().positive().max(1),
    marker: text(3),
    ariaLive: z.enum(['assertive', 'polite']),
  }),
  audible: z.boolean(),
  announcement: text(1_000),
});
export type PresentedAlarmPayload = z.infer<typeof PresentedAlarmSchema>;

export const AlarmLogEntrySchema = z.object({
  alarmId: text(40),
  key: text(500),
  kind: z.enum(['physiological', 'technical']),
  message: text(500),
  priority: AlarmPrioritySchema,
  firstValue: z.number().finite().nullable(),
  worstValue: z.number().finite().nullable(),
  unit: z.enum(UCUM_UNITS).nullable(),
  limit: z.number().finite().nullable(),
  raisedAt: time,
  clearedAt: time.nullable(),
  acknowledgedAt: time.nullable(),
  acknowledgedBy: ActorSchema.nullable(),
  escalatedAt: time.nullable(),
  recurrences: z.number().int().nonnegative(),
});
export type AlarmLogEntryPayload = z.infer<typeof AlarmLogEntrySchema>;

const MetricLimitsSchema = z.object({ low: z.number().finite().nullable(), high: z.number().finite().nullable() });

export const LimitChangeRecordSchema = z.object({
  metric: z.enum(ALARM_METRICS),
  side: z.enum(['low', 'high']),
  oldValue: z.number().finite().nullable(),
  newValue: z.number().finite(),
  by: ActorSchema,
  at: time,
  reason: text(500).nullable(),
});
export type LimitChangeRecordPayload = z.infer<typeof LimitChangeRecordSchema>;

/** Newest log entries and limit changes the event carries; the station keeps the rest. */
export const MAX_ALARM_LOG_SHOWN = 200;
export const MAX_LIMIT_CHANGES_SHOWN = 200;

export const AlarmStateSchema = z.object({
  /** Highest priority first, then oldest first. */
  alarms: z.array(PresentedAlarmSchema).max(200),
  audiblePriority: AlarmPrioritySchema.nullable(),
  audioPause: z.object({ by: ActorSchema, at: time, until: time }).nullable(),
  /** Newest last. */
  log: z.array(AlarmLogEntrySchema).max(MAX_ALARM_LOG_SHOWN),
  limits: z.record(z.enum(ALARM_METRICS), MetricLimitsSchema),
  limitChanges: z.array(LimitChangeRecordSchema).max(MAX_LIMIT_CHANGES_SHOWN),
  /**
   * The kiosk waits between visits with no patient connected, so no alarm is raised until the next
   * visit starts; a staff station never stands by.
   */
  standby: z.boolean(),
});
export type AlarmStatePayload = z.infer<typeof AlarmStateSchema>;

const manualEntry = <T extends z.ZodType>(value: T) => z.object({ value, enteredBy: ActorSchema, enteredAt: time });

const respiratoryRange = METRIC_DEFINITIONS.respiratoryRate.plausible;
const RespiratoryRateSchema = z
  .number()
  .int({ error: 'the respiratory rate must be a whole number of breaths per minute' })
  .min(respiratoryRange.min, { error: `the respiratory rate must be between ${respiratoryRange.min} and ${respiratoryRange.max} /min` })
  .max(respiratoryRange.max, { error: `the respiratory rate must be between ${respiratoryRange.min} and ${respiratoryRange.max} /min` });

export const ManualNews2EntriesSchema = z.object({
  respiratoryRate: manualEntry(RespiratoryRateSchema).optional(),
  consciousness: manualEntry(z.enum(CONSCIOUSNESS_LEVELS)).optional(),
  onOxygen: manualEntry(z.boolean()).optional(),
  spo2Scale2: manualEntry(z.boolean()).optional(),
});

const News2InputNameSchema = z.enum(['respiratoryRate', 'spo2', 'spo2Scale', 'onOxygen', 'systolic', 'pulse', 'consciousness', 'temperature']);

const ProvenanceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('device'), deviceId: text(200), metric: z.enum(METRICS), receivedAt: time }),
  z.object({ kind: z.literal('manual'), enteredBy: ActorSchema, enteredAt: time }),
  z.object({ kind: z.literal('default'), detail: text(500) }),
]);

const News2RiskSchema = z.enum(NEWS2_RISKS);

export const News2AssessmentSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    input: News2InputSchema,
    provenance: z.record(News2InputNameSchema, ProvenanceSchema),
    result: z.object({
      total: z.number().int().min(0).max(20),
      risk: News2RiskSchema,
      scores: z.record(z.enum(NEWS2_PARAMETERS), z.number().int().min(0).max(3)),
      redScoreParameters: z.array(z.enum(NEWS2_PARAMETERS)).max(NEWS2_PARAMETERS.length),
      clinicalResponse: z.object({ monitoring: text(500), response: text(1_000) }),
    }),
  }),
  z.object({
    ok: z.literal(false),
    problems: z
      .array(z.object({ input: News2InputNameSchema, reason: z.enum(['missing', 'stale', 'invalid']), detail: text(500) }))
      .min(1)
      .max(20),
  }),
]);
export type News2AssessmentPayload = z.infer<typeof News2AssessmentSchema>;

export const News2TrendPointSchema = z.object({ at: time, total: z.number().int().min(0).max(20), risk: News2RiskSchema });
export type News2TrendPoint = z.infer<typeof News2TrendPointSchema>;
export const MAX_NEWS2_TREND_POINTS = 720;

export const News2StateSchema = z.object({
  manual: ManualNews2EntriesSchema,
  assessment: News2AssessmentSchema,
  /** One point per change of the score over the visit, oldest first. */
  trend: z.array(News2TrendPointSchema).max(MAX_NEWS2_TREND_POINTS),
});
export type News2StatePayload = z.infer<typeof News2StateSchema>;

/** What a nurse (or, for Scale 2, a clinician) enters by hand; at least one observation per entry. */
export const News2ObservationSchema = z
  .strictObject({
    respiratoryRate: RespiratoryRateSchema.optional(),
    consciousness: z.enum(CONSCIOUSNESS_LEVELS).optional(),
    onOxygen: z.boolean().optional(),
    spo2Scale2: z.boolean().optional(),
  })
  .refine((entry) => Object.values(entry).some((value) => value !== undefined), { error: 'enter at least one observation' });
export type News2Observation = z.infer<typeof News2ObservationSchema>;

export const ScenarioCatalogueSchema = z.object({
  /** False when the station runs without the simulator (real devices only). */
  available: z.boolean(),
  current: text(100).nullable(),
  scenarios: z.array(z.object({ name: text(100), title: text(200), description: text(1_000) })).max(100),
});
export type ScenarioCatalogue = z.infer<typeof ScenarioCatalogueSchema>;

export const ClinicalStateSchema = z.object({
  /** Who the station acts as for this screen; decides which commands the screen offers. */
  actor: ActorSchema,
  alarms: AlarmStateSchema,
  news2: News2StateSchema,
});
export type ClinicalState = z.infer<typeof ClinicalStateSchema>;

export const clinicalMethods = {
  getClinicalState: { input: z.undefined(), output: ClinicalStateSchema },
  acknowledgeAlarm: {
    input: z.strictObject({
      alarmId: text(40).min(1),
      /**
       * Relayed from the clinician of this visit over the call's data channel: the acknowledgement is
       * the remote physician's, not the station screen's (see remoteClinicianActor).
       */
      forRemoteClinician: z.strictObject({ visitId: text(100).min(1) }).optional(),
    }),
    output: AlarmStateSchema,
  },
  pauseAlarmAudio: { input: z.strictObject({ durationMs: z.number().finite().optional() }), output: AlarmStateSchema },
  setAlarmLimits: {
    input: z.strictObject({
      metric: z.enum(ALARM_METRICS),
      low: z.number().finite().optional(),
      high: z.number().finite().optional(),
      reason: text(500).optional(),
    }),
    output: AlarmStateSchema,
  },
  enterNews2Observation: { input: News2ObservationSchema, output: News2StateSchema },
  listScenarios: { input: z.undefined(), output: ScenarioCatalogueSchema },
  playScenario: { input: z.strictObject({ name: text(100).min(1) }), output: ScenarioCatalogueSchema },
} as const;

export const clinicalEvents = {
  alarms: AlarmStateSchema,
  news2: News2StateSchema,
} as const;
