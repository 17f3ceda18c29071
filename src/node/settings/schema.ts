/**
 * The station's settings: what an administrator may change, each with a safe default, validated
 * with zod on every read and write. Nothing secret lives here (the TURN secret comes from the
 * environment), and nothing here can switch a safety function off: alarm defaults are bounded by
 * the same rules a physician's per-patient change is.
 */
import { z } from 'zod';
import { ALARM_METRICS, adultDefaultLimits, METRIC_ALARM_RULES, type AlarmMetric, type MetricLimits } from '../../shared/clinical/alarm-limits';
import { DEFAULT_FHIR_SETTINGS, type FhirSettings } from '../fhir/export-settings';
import { METRICS } from '../../shared/vitals';
import { SYNC_VOLUMES } from '../records/minute-summaries';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../records/store';
import { checkedUrl } from '../sync/https-transport';
import { Hl7OutputSchema } from '../hl7/hl7-settings';

const httpUrl = z
  .string()
  .max(2_000)
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), 'must be an http(s) URL');
const iceUrl = z.string().max(500).regex(/^(stuns?|turns?):\S+$/, 'must be a stun:, stuns:, turn: or turns: URL');

const DevicesSchema = z.object({
  /** How often sources without plug notifications (serial ports) are listed again. */
  pollIntervalMs: z.number().int().min(500).max(60_000).default(2_000),
  /** Look for real USB devices; off on a training-only station. */
  hardware: z.boolean().default(true),
  /** Units the screen shows these metrics in; stored values keep the device's own unit. */
  displayUnits: z
    .object({
      bodyWeight: z.enum(['kg', '[lb_av]']).default('kg'),
      bodyTemperature: z.enum(['Cel', '[degF]']).default('Cel'),
      glucose: z.enum(['mg/dL', 'mmol/L']).default('mmol/L'),
    })
    .prefault({}),
});

const ConsultationSchema = z.object({
  /** An external consultation server; null embeds one. `--consult-server` overrides it. */
  serverUrl: httpUrl.nullable().default(null),
  /** Media only through TURN (no direct peer-to-peer paths); `--relay-only` overrides it. */
  relayOnly: z.boolean().default(false),
  /** STUN/TURN servers of the embedded consultation server; the TURN secret is VITALBRIDGE_TURN_SECRET. */
  stunUrls: z.array(iceUrl).max(10).default([]),
  turnUrls: z.array(iceUrl).max(10).default([]),
});

const KioskSchema = z.object({
  /** Patient self-service kiosk (full screen, one patient per visit); turned on by an administrator on the Kiosk screen, off only with an administrator's sign-in. */
  enabled: z.boolean().default(false),
  /** A kiosk visit nobody touches for this long ends by itself and the screen returns to the welcome (the patient walked away). */
  returnToPatientViewAfterMinutes: z.number().int().min(1).max(60).default(5),
});

const AccessSchema = z.object({
  /** An unused screen locks itself after this long; a shared ward station wants it short. */
  inactivityLockMinutes: z.number().int().min(1).max(60).default(5),
});

const limitSide = z.number().finite();
const LimitOverrideSchema = z.object({ low: limitSide.optional(), high: limitSide.optional() });

/** Overrides of the adult default limits, each side inside the metric's safe bounds, low below high. */
const AlarmsSchema = z.object({
  defaultLimits: z.partialRecord(z.enum(ALARM_METRICS), LimitOverrideSchema).default({}),
}).check((context) => {
  for (const [metric, override] of Object.entries(context.value.defaultLimits) as [AlarmMetric, z.infer<typeof LimitOverrideSchema>][]) {
    const rule = METRIC_ALARM_RULES[metric];
    const merged: MetricLimits = { ...adultDefaultLimits()[metric] };
    for (const side of ['low', 'high'] as const) {
      const value = override[side];
      if (value === undefined) continue;
      const sideRule = rule[side];
      if (sideRule === null) {
        context.issues.push({ code: 'custom', input: value, path: ['defaultLimits', metric, side], message: `${metric} has no ${side} alarm limit` });
      } else if (value < sideRule.min || value > sideRule.max) {
        context.issues.push({ code: 'custom', input: value, path: ['defaultLimits', metric, side], message: `must be between ${sideRule.min} and ${sideRule.max}` });
      }
      merged[side] = value;
    }
    if (merged.low !== null && merged.high !== null && merged.low >= merged.high) {
      context.issues.push({ code: 'custom', input: override, path: ['defaultLimits', metric], message: `low (${merged.low}) must be below high (${merged.high})` });
    }
  }
});

/** A BCP 47 tag Intl accepts ("en-GB", "de-CH"); anything else is refused, not guessed at. */
const localeTag = z
  .string()
  .max(35)
  .refine((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  }, 'must be a BCP 47 locale tag such as en-GB');

const DisplaySchema = z.object({
  /** The locale dates and times follow on every screen (still 24-hour, month in words); null: the browser's. */
  locale: localeTag.nullable().default(null),
  /** Parameters the monitor shows even when no device measures them and they have no value yet (a ward that always charts them). */
  alwaysShowMetrics: z
    .array(z.enum(METRICS))
    .max(METRICS.length)
    .refine((metrics) => new Set(metrics).size === metrics.length, 'must not name a parameter twice')
    .default([]),
});

const days = z.number().int().min(1).max(36_500).nullable();
const RetentionSchema = z.object({
  waveformDays: days.default(DEFAULT_RETENTION.waveformDays),
  numericDays: days.default(DEFAULT_RETENTION.numericDays),
  attachmentDays: days.default(DEFAULT_RETENTION.attachmentDays),
}) satisfies z.ZodType<RetentionPolicy>;

/**
 * An absolute URI (a scheme, then something): FHIR's Identifier.system is a uri, and a system
 * like "MRN" would match nothing on a server.
 */
const identifierSystem = z
  .string()
  .max(500)
  .refine((text) => URL.canParse(text) && /^[a-z][a-z0-9+.-]*:\S+$/i.test(text), 'must be an absolute URI such as https://clinic.example/mrn or urn:oid:1.2.3');

/** What the station's FHIR records say beyond the data itself. */
const RecordsSchema = z.object({
  /** The URI of the clinic's patient identifiers (the record's identifier goes out under it, type MR); null: no system, no matching on it. */
  patientIdentifierSystem: identifierSystem.nullable().default(DEFAULT_FHIR_SETTINGS.patientIdentifierSystem),
  /** Where this station's visits take place: a station or kiosk (Encounter.class AMB) or the patient's home (HH). */
  careSetting: z.enum(['station', 'home']).default('station'),
}) satisfies z.ZodType<FhirSettings>;

/** https://, or http:// to this machine only (src/node/sync/https-transport.ts says why). */
/** https:// (http:// only to this machine, for tests): what the station fetches health data or software from. */
const secureUrl = z
  .string()
  .max(2_000)
  .refine((text) => {
    try {
      checkedUrl(text);
      return true;
    } catch {
      return false;
    }
  }, 'must be an https:// URL (http:// only to this machine)');

/**
 * Where the records are sent (FHIR R4) and how the station signs in there. No secret lives here: the
 * SMART key pair is sealed in the data folder, a static bearer token comes from VITALBRIDGE_FHIR_TOKEN.
 */
const FhirServerSchema = z
  .object({
    /** The server's FHIR base URL; null: the records stay on the station. */
    baseUrl: secureUrl.nullable().default(null),
    /** 'smart': SMART Backend Services with the station's key pair; 'bearer': VITALBRIDGE_FHIR_TOKEN; 'none': an open server (tests, a local proxy). */
    auth: z.enum(['smart', 'bearer', 'none']).default('smart'),
    /** The client id the server's administrator registered the station's JWKS under (SMART). */
    clientId: z.string().trim().min(1).max(200).nullable().default(null),
    /** The server's OAuth token endpoint (SMART; from its .well-known/smart-configuration). */
    tokenUrl: secureUrl.nullable().default(null),
    /** A PEM file of CAs trusted besides the system's (a clinic's own CA). */
    extraCaFile: z.string().min(1).max(4_096).nullable().default(null),
    /** Entries per transaction Bundle the sync sends (Medplum takes at most 8 conditional creates in one). */
    maxEntries: z.number().int().min(1).max(1_000).default(500),
    /**
     * How long one request may take before it counts as failed (and is retried with backoff). A
     * claim on the outbox lasts twice this, so no process takes over a batch still on its way.
     */
    requestTimeoutSeconds: z.number().int().min(1).max(600).default(60),
    /**
     * What is sent of continuous readings (an oximeter's SpO2, pulse, perfusion index: 86,400 a day
     * each): one Observation per device, metric and minute (median, min, max) plus every reading
     * during a physiological alarm, or every reading. Minute summaries by default: a home kit on a
     * poor network would otherwise owe 1.2 million Observations after a week offline.
     */
    volume: z.enum(SYNC_VOLUMES).default('minute-summaries'),
  })
  .check((context) => {
    const { baseUrl, auth, clientId, tokenUrl } = context.value;
    if (baseUrl === null || auth !== 'smart') return;
    if (clientId === null) context.issues.push({ code: 'custom', input: clientId, path: ['clientId'], message: 'SMART Backend Services needs the client id the server registered' });
    if (tokenUrl === null) context.issues.push({ code: 'custom', input: tokenUrl, path: ['tokenUrl'], message: "SMART Backend Services needs the server's token URL" });
  });

const UpdatesSchema = z.object({
  /**
   * The desktop app's update feed: a generic HTTPS folder with electron-builder's latest*.yml and the
   * installers; null: it never looks for updates. Each download is checked against the feed's SHA-512
   * (and on Windows and macOS the installer's code signature) before it is installed.
   */
  feedUrl: secureUrl.nullable().default(null),
  /**
   * A kiosk installs a downloaded update only during this hour (local time, 0-23), and only with no
   * visit open and no alarm active; a staff station installs it when it is next quit.
   */
  kioskInstallHour: z.number().int().min(0).max(23).default(3),
});

export const SETTINGS_SECTIONS = {
  devices: DevicesSchema,
  consultation: ConsultationSchema,
  kiosk: KioskSchema,
  access: AccessSchema,
  alarms: AlarmsSchema,
  retention: RetentionSchema,
  display: DisplaySchema,
  records: RecordsSchema,
  fhirServer: FhirServerSchema,
  updates: UpdatesSchema,
  hl7Output: Hl7OutputSchema,
} as const;
export type SettingsSection = keyof typeof SETTINGS_SECTIONS;

export const StationSettingsSchema = z.object({
  devices: DevicesSchema.prefault({}),
  consultation: ConsultationSchema.prefault({}),
  kiosk: KioskSchema.prefault({}),
  access: AccessSchema.prefault({}),
  alarms: AlarmsSchema.prefault({}),
  retention: RetentionSchema.prefault({}),
  display: DisplaySchema.prefault({}),
  records: RecordsSchema.prefault({}),
  fhirServer: FhirServerSchema.prefault({}),
  updates: UpdatesSchema.prefault({}),
  hl7Output: Hl7OutputSchema.prefault({}),
});
export type StationSettings = z.infer<typeof StationSettingsSchema>;

export const DEFAULT_SETTINGS: StationSettings = StationSettingsSchema.parse({});

/** The alarm limits a new patient starts with: the adult defaults with the settings' overrides. */
export function alarmDefaultLimits(settings: StationSettings): Record<AlarmMetric, MetricLimits> {
  const limits = adultDefaultLimits();
  for (const [metric, override] of Object.entries(settings.alarms.defaultLimits) as [AlarmMetric, z.infer<typeof LimitOverrideSchema>][]) {
    limits[metric] = { low: override.low ?? limits[metric].low, high: override.high ?? limits[metric].high };
  }
  return limits;
}
