/**
 * The records part of the station contract: the patient list, naming the station's current
 * (anonymous) patient, the FHIR export and erasure that answer a data-subject request, and checking
 * the audit trail. contract.ts spreads recordsMethods into stationMethods, so every transport
 * validates them alike; method-access.ts says which right each one needs.
 */
import { z } from 'zod';

const id = z.string().min(1).max(100);
const personName = z.string().trim().min(1).max(200);

export const PATIENT_GENDERS = ['male', 'female', 'other', 'unknown'] as const;

/** A birth date a person can have: ISO, not before 1900, not after today (a day of slack for time zones). */
const BirthDateSchema = z.iso
  .date()
  .refine((date) => date >= '1900-01-01' && Date.parse(date) <= Date.now() + 86_400_000, 'must be a date between 1900 and today');

/** A Patient's logical id on the FHIR server (the server is untrusted: a plain FHIR id, nothing to build a path from). */
const ServerIdSchema = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);

/**
 * The FHIR server's Patient a patient was chosen as (patient lookup): its logical id and the
 * system of the identifier the server gave. The sync references that Patient instead of creating one.
 */
export const ServerPatientLinkSchema = z.strictObject({ serverId: ServerIdSchema, identifierSystem: z.string().max(500).nullable() });
export type ServerPatientLink = z.infer<typeof ServerPatientLinkSchema>;

/** Who a patient is, as the records keep it (the records store validates with this same schema). */
export const PatientDetailsSchema = z.object({
  givenName: personName,
  familyName: personName,
  birthDate: BirthDateSchema.nullable(),
  gender: z.enum(PATIENT_GENDERS),
  /** The clinic's own identifier (e.g. MRN), if any. */
  identifier: z.string().trim().min(1).max(100).nullable(),
  /** Present when the patient was chosen from the FHIR server's patients. */
  serverPatient: ServerPatientLinkSchema.optional(),
});
export type PatientDetails = z.infer<typeof PatientDetailsSchema>;

/** What a nurse or physician types to name the anonymous patient; birth date and identifier may be left out. */
export const NamePatientSchema = z.strictObject({
  givenName: personName,
  familyName: personName,
  birthDate: BirthDateSchema.optional(),
  gender: z.enum(PATIENT_GENDERS),
  identifier: z.string().trim().min(1).max(100).optional(),
  /** The FHIR server's Patient the details were taken from (patient lookup), to keep with the record. */
  serverPatient: ServerPatientLinkSchema.optional(),
});
export type NamePatientInput = z.infer<typeof NamePatientSchema>;

export const UNNAMED_PATIENT_LABEL = 'Unnamed patient';

/** How many of the FHIR server's patients one search answers; more means the search must be narrowed. */
export const MAX_SERVER_PATIENTS = 20;

/** A search of the FHIR server's patients: the clinic's identifier (`value` or `system|value`), or family name and birth date. */
export const ServerPatientQuerySchema = z.union([
  z.strictObject({ identifier: z.string().trim().min(1).max(200) }),
  z.strictObject({ familyName: personName, birthDate: BirthDateSchema }),
]);
export type ServerPatientQuery = z.infer<typeof ServerPatientQuerySchema>;

/** One of the server's Patients as the name form shows it (the server is untrusted: every field bounded). */
export const ServerPatientSchema = z.object({
  /** The Patient's logical id on the server. */
  serverId: ServerIdSchema,
  identifier: z.object({ system: z.string().max(500).nullable(), value: z.string().min(1).max(100) }).nullable(),
  givenName: z.string().max(200).nullable(),
  familyName: z.string().max(200).nullable(),
  birthDate: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/).nullable(),
  gender: z.enum(PATIENT_GENDERS).nullable(),
});
export type ServerPatient = z.infer<typeof ServerPatientSchema>;

export const ServerPatientSearchSchema = z.object({
  patients: z.array(ServerPatientSchema).max(MAX_SERVER_PATIENTS),
  /** The server has more matches than shown. */
  more: z.boolean(),
});
export type ServerPatientSearch = z.infer<typeof ServerPatientSearchSchema>;

/**
 * The patient the station is filing readings under, as the patient banner shows them. Staff get
 * every detail; a kiosk session (the patient themselves, at a public screen) gets the given name
 * only: no family name, identifier, birth date or sex, whatever the record holds.
 */
export const CurrentPatientSchema = z.strictObject({
  /** Null while nobody has named the patient. */
  givenName: personName.nullable(),
  familyName: personName.nullable(),
  identifier: z.string().max(100).nullable(),
  birthDate: z.iso.date().nullable(),
  /** Null when unknown (or not for this screen). */
  gender: z.enum(PATIENT_GENDERS).nullable(),
  /** When the current encounter (visit row) began, station wall clock. */
  encounterStartedAt: z.number().int().nonnegative(),
  /** A video visit is running at this station. */
  videoVisit: z.boolean(),
});
export type CurrentPatient = z.infer<typeof CurrentPatientSchema>;

/** Sent when the current patient's details may have changed (named, next patient, video visit started or ended); carries nothing, the screen asks getCurrentPatient again. */
export const recordsEvents = {
  patientChanged: z.strictObject({}),
} as const;

export const PatientSummarySchema = z.object({
  id,
  /** The patient's name, or UNNAMED_PATIENT_LABEL while nobody has named them. */
  displayName: z.string().max(401),
  named: z.boolean(),
  createdAt: z.number(),
  readingCount: z.number().int().nonnegative(),
  /** When the newest reading arrived at the station; null without readings. */
  lastReadingAt: z.number().nullable(),
  /** The patient the station is filing readings under now. */
  current: z.boolean(),
});
export type PatientSummary = z.infer<typeof PatientSummarySchema>;

/**
 * A FHIR bundle travels as JSON text in parts of about this many characters, each written from
 * the records when it is asked for. A bundle grows by about 850 characters per reading (a day of
 * continuous oximetry is over 100 MB), and the web-mode socket is one ordered stream shared with
 * live vitals and alarms: one message of that size would hold every alarm behind it and push the
 * socket past the 1 MiB at which web mode coalesces frames. A part ends after the entry that
 * reaches the size, so it may run over by one entry; MAX_EXPORT_CHUNK_CHARS bounds that.
 */
export const EXPORT_CHUNK_CHARS = 256 * 1024;
export const MAX_EXPORT_CHUNK_CHARS = EXPORT_CHUNK_CHARS + 64 * 1024;
/** Far beyond any real record (a terabyte of JSON); keeps a part number in a sane range. */
export const MAX_EXPORT_CHUNKS = 4_000_000;

export const ExportChunkSchema = z.object({
  index: z.number().int().nonnegative().max(MAX_EXPORT_CHUNKS),
  text: z.string().max(MAX_EXPORT_CHUNK_CHARS),
  /** This was the last part. */
  done: z.boolean(),
  /** How many of the patient's readings the parts so far have covered (for progress). */
  readingsDone: z.number().int().nonnegative(),
});
export type ExportChunk = z.infer<typeof ExportChunkSchema>;

export const PatientExportSchema = z.object({
  exportId: id,
  /** No name, no identifier: vitalbridge-patient-<id prefix>-<date>.fhir.json. */
  fileName: z.string().max(200),
  mediaType: z.literal('application/fhir+json'),
  /** The patient's readings when the export began: what readingsDone counts towards. */
  readingCount: z.number().int().nonnegative(),
  /** Part 0, so a small record needs one round trip. */
  first: ExportChunkSchema,
});
export type PatientExport = z.infer<typeof PatientExportSchema>;

export const ErasedRecordSchema = z.object({
  /** Rows removed per table (patients, readings, waveform_segments, alarms, ...). */
  removed: z.record(z.string().max(40), z.number().int().nonnegative()),
});
export type ErasedRecord = z.infer<typeof ErasedRecordSchema>;

const AuditHeadSchema = z.object({ seq: z.number().int().nonnegative(), hash: z.string().max(64) }).nullable();

export const AuditTrailCheckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), entries: z.number().int().nonnegative(), head: AuditHeadSchema }),
  z.object({
    ok: z.literal(false),
    entries: z.number().int().nonnegative(),
    head: AuditHeadSchema,
    /** The first entry that does not hold; everything from it on is suspect. */
    firstBadSeq: z.number().int().nonnegative(),
    reason: z.string().max(500),
  }),
]);
export type AuditTrailCheck = z.infer<typeof AuditTrailCheckSchema>;

export const recordsMethods = {
  listPatients: { input: z.undefined(), output: z.array(PatientSummarySchema).max(100_000) },
  /** The station's current patient for the patient banner (audited as a view; a kiosk session gets the given name only). */
  getCurrentPatient: { input: z.undefined(), output: CurrentPatientSchema },
  /** Names the station's current patient (the anonymous one of this encounter). */
  nameCurrentPatient: { input: NamePatientSchema, output: PatientSummarySchema },
  /** Searches the FHIR server's patients (settings fhirServer), to name the current patient as the server knows them; audited. */
  findServerPatients: { input: ServerPatientQuerySchema, output: ServerPatientSearchSchema },
  /** Starts the patient's FHIR R4 Bundle (audited once) and answers its first part. */
  exportPatientRecord: { input: z.strictObject({ patientId: id }), output: PatientExportSchema },
  /** The next part of an export this session started, in order (the last index again repeats its answer); the last part ends the export. */
  readPatientExportChunk: {
    input: z.strictObject({ exportId: id, index: z.number().int().min(1).max(MAX_EXPORT_CHUNKS) }),
    output: ExportChunkSchema,
  },
  /** Removes every row of a patient who is not the station's current one. */
  erasePatientRecord: { input: z.strictObject({ patientId: id }), output: ErasedRecordSchema },
  /** Walks the audit trail's hash chain (the `audit-verify` command's check). */
  verifyAuditTrail: { input: z.undefined(), output: AuditTrailCheckSchema },
} as const;
