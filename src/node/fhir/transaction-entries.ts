/**
 * The entries of a FHIR `transaction` Bundle for a set of records, each a conditional create, but
 * the Encounters, conditional updates.
 *
 *   transactionEntries(stationId: string, records: SyncRecords, options: TransactionOptions): BundleEntry[]
 *
 * - `stationId`: the records' station id (meta table, `stationId(db)` in src/node/audit/audit-log.ts).
 * - `records`: as the store returns them: the patients concerned, their visits (with where each
 *   took place), the peripherals known, readings, NEWS2 charted observations and scores. Every
 *   reading, visit and NEWS2 row must belong to one of `records.patients`. `records.summaries`:
 *   per-minute summaries of continuous readings (./reading-summary.ts), one Observation each.
 *   `records.pleth`: pleth segments staff asked to send (./pleth-segment.ts), one Observation each.
 *   `records.visitSummaries`: ended visits' summaries (./summary-reference.ts), one DocumentReference
 *   each; the visit must be among `records.visits`, so its Encounter is an entry too.
 * - `options.patientIdentifierSystem`: the `records.patientIdentifierSystem` setting, or null.
 * - `options.softwareVersion`: the station's version, for its Device.
 * - `options.recordedAt`: ms since epoch, the batch's Provenance.recorded.
 *
 * Every entry is `{ fullUrl: 'urn:uuid:<stable uuid>', resource, request: { method: 'POST', url:
 * '<Type>', ifNoneExist: 'identifier=<system>|<value>' } }` (the Provenance, which has no
 * identifier element, matches on `_tag=` instead). An Encounter is `{ …, request: { method: 'PUT',
 * url: 'Encounter?identifier=<system>|<value>' } }`, a conditional update: a visit's state changes
 * after it was first sent (its end, a reopening), and the server's copy must follow; the update
 * creates it when the server has none. Entries reference each other by those
 * urn:uuids, which the server replaces with the ids it assigns or finds; so the same records sent
 * twice (a retry after a timeout or a crash) create nothing twice. The Patient, the station's
 * Device, each peripheral a reading names and each visit given are entries of their own in every
 * batch that needs them (a conditional create of something already there costs a search). A visit
 * not given, or a NEWS2 input (charted or a device reading) not in the batch, is referenced by its identifier.
 * A patient chosen from the server's patients (`serverPatient`, from the patient lookup) has no
 * entry: everything references the server's Patient, `Patient/<server id>`.
 * The last entry is the batch's Provenance, targeting its Observations and Encounters.
 */
import type { BundleEntry, BundleEntryRequest, Identifier, Observation, Resource } from '@medplum/fhirtypes';
import type { PatientRecord, StoredNews2Charted, StoredNews2Score, StoredReading, StoredWaveform } from '../records/store';
import { peripheralDevice, stationDevice, type PeripheralRecord } from './devices';
import { encounterResource, type VisitRecord } from './encounter';
import { bundleLinks } from './links';
import { chartedObservation, news2ScoreObservation, type News2InputRefs } from './news2';
import { clinicIdentifier, patientResource } from './patient';
import { batchProvenance } from './provenance';
import { plethObservation } from './pleth-segment';
import { observationKeys, ReadingObservations } from './reading-observations';
import { summaryObservation, type MinuteSummary } from './reading-summary';
import { StationIds } from './stable-ids';
import { syncedSummaryReference, type SyncedSummary } from './summary-reference';

export interface SyncRecords {
  patients: readonly PatientRecord[];
  visits: readonly VisitRecord[];
  devices: readonly PeripheralRecord[];
  readings: readonly StoredReading[];
  summaries: readonly MinuteSummary[];
  /** Pleth segments staff asked to send (RecordStore.queueVisitPleth), one SampledData Observation each (./pleth-segment.ts). */
  pleth: readonly StoredWaveform[];
  /**
   * `inputReadings`: the device readings the scores used, with the other parts of their
   * measurements (RecordStore.news2InputReadings), to name the Observation each became.
   */
  news2: { charted: readonly StoredNews2Charted[]; scores: readonly StoredNews2Score[]; inputReadings: readonly StoredReading[] };
  /** Ended visits' summaries built for this batch (the outbox's 'visit-summary' items). */
  visitSummaries?: readonly SyncedSummary[];
}

export interface TransactionOptions {
  patientIdentifierSystem: string | null;
  softwareVersion: string;
  recordedAt: number;
}

type Identified = Resource & { id: string; identifier?: Identifier[] };

const searchToken = (identifier: Identifier) => `${identifier.system ?? ''}|${identifier.value ?? ''}`;

/** An entry for `resource` named by its stable urn:uuid; the server assigns the id (or finds it), so the body carries none. */
function entryWithoutId(resource: Identified, request: BundleEntryRequest): BundleEntry {
  const { id, ...body } = resource;
  return { fullUrl: `urn:uuid:${id}`, resource: body as Resource, request };
}

/** A conditional create of `resource` matching on `match` (a search on its identifier or tag). */
function conditionalCreate(resource: Identified, match: string): BundleEntry {
  return entryWithoutId(resource, { method: 'POST', url: resource.resourceType, ifNoneExist: match });
}

/** The search on the resource's first identifier with a system: the clinic's for a Patient that has one, else the station's. */
function identifierSearch(resource: Identified): string {
  const identifier = resource.identifier?.find((candidate) => candidate.system !== undefined);
  if (!identifier) throw new Error(`a ${resource.resourceType} without an identifier cannot be matched on the server`);
  return `identifier=${searchToken(identifier)}`;
}

/** Matches on the resource's first identifier: the clinic's for a Patient that has one with a system, else the station's. */
function byIdentifier(resource: Identified): BundleEntry {
  return conditionalCreate(resource, identifierSearch(resource));
}

/**
 * A conditional update (upsert) of `resource` on its identifier: created when the server has none,
 * else that one replaced. For a record whose state changes after it was first sent (a visit that
 * ends, or is reopened): a conditional create would leave the server's copy as it was first sent.
 */
function upsertByIdentifier(resource: Identified): BundleEntry {
  return entryWithoutId(resource, { method: 'PUT', url: `${resource.resourceType}?${identifierSearch(resource)}` });
}

export function transactionEntries(stationId: string, records: SyncRecords, options: TransactionOptions): BundleEntry[] {
  const ids = new StationIds(stationId);
  const patients = new Map(records.patients.map((patient) => [patient.id, patient]));
  const ownPatient = (row: { patientId: string }, what: string) => {
    if (!patients.has(row.patientId)) throw new Error(`a ${what} of a patient not in the batch`);
  };
  records.readings.forEach((row) => ownPatient(row, 'reading'));
  records.summaries.forEach((summary) => ownPatient(summary.key, 'reading summary'));
  records.pleth.forEach((segment) => ownPatient(segment, 'pleth segment'));
  records.visits.forEach((row) => ownPatient(row, 'visit'));
  records.news2.charted.forEach((row) => ownPatient(row, 'charted NEWS2 observation'));
  records.news2.scores.forEach((row) => ownPatient(row, 'NEWS2 score'));
  const visitSummaries = records.visitSummaries ?? [];
  visitSummaries.forEach((summary) => ownPatient(summary, 'visit summary'));

  // A patient chosen from the server's patients is that Patient: referenced, never created again.
  const serverPatients = new Map(records.patients.flatMap((patient) => (patient.serverPatient ? [[patient.id, patient.serverPatient.serverId] as const] : [])));
  const links = bundleLinks(ids, new Set(records.visits.map((visit) => visit.id)), serverPatients);

  // Every peripheral a reading names, with what is known of it (at least its kind, from the reading).
  const known = new Map(records.devices.map((device) => [device.deviceId, device]));
  const peripherals = new Map<string, PeripheralRecord>();
  for (const reading of [...records.readings, ...records.summaries.flatMap((summary) => summary.readings.slice(0, 1))]) {
    if (peripherals.has(reading.deviceId)) continue;
    const device = known.get(reading.deviceId);
    peripherals.set(reading.deviceId, { ...device, deviceId: reading.deviceId, source: device?.source ?? reading.source });
  }
  // Only an oximeter records a pleth.
  for (const segment of records.pleth) {
    if (!peripherals.has(segment.deviceId)) peripherals.set(segment.deviceId, { ...known.get(segment.deviceId), deviceId: segment.deviceId, source: known.get(segment.deviceId)?.source ?? 'pulse-oximeter' });
  }

  const observations = new ReadingObservations(links);
  const readingResources = [
    ...records.readings.flatMap((reading) => observations.add(reading)),
    ...observations.finish(),
    ...records.summaries.map((summary) => summaryObservation(summary, links)),
    ...records.pleth.map((segment) => plethObservation(segment, links)),
  ];
  const inBatch = new Set(readingResources.map((resource) => resource.id));
  const chartedInBatch = new Set(records.news2.charted.map((charted) => charted.id));
  const readingKeys = observationKeys(records.news2.inputReadings, links);
  const inputs: News2InputRefs = {
    charted: (chartedId) =>
      chartedInBatch.has(chartedId) ? ids.reference('Observation', 'news2-charted', chartedId) : ids.logicalReference('Observation', 'news2-charted', chartedId),
    reading: (readingId) => {
      const key = readingKeys.get(readingId);
      if (!key) return undefined;
      return inBatch.has(ids.uuid(key.kind, key.recordId)) ? ids.reference<Observation>('Observation', key.kind, key.recordId) : ids.logicalReference<Observation>('Observation', key.kind, key.recordId);
    },
  };
  const news2Resources = [
    ...records.news2.charted.map((charted) => chartedObservation(charted, links)),
    ...records.news2.scores.map((score) => news2ScoreObservation(score, links, inputs)),
  ];
  const encounters = records.visits.map((visit) => encounterResource(visit, ids, links.subject(visit.patientId)));
  const documents = visitSummaries.map((summary) => syncedSummaryReference(summary, links));
  const clinical = [...readingResources, ...news2Resources, ...documents] as Identified[];

  const patientEntries = records.patients.filter((patient) => !serverPatients.has(patient.id)).map((patient) => {
    const resource = patientResource(patient, ids, options.patientIdentifierSystem);
    const clinic = clinicIdentifier(patient, options.patientIdentifierSystem);
    // The clinic's identifier finds the patient the clinic already has; without one, the station's.
    return conditionalCreate(resource, `identifier=${searchToken(clinic?.system ? clinic : ids.identifier('patient', patient.id))}`);
  });
  const deviceEntries = [stationDevice(ids, options.softwareVersion), ...[...peripherals.values()].map((peripheral) => peripheralDevice(peripheral, ids))].map(byIdentifier);
  // An Encounter carries the visit as it is now (in progress, or finished with its end): an update.
  const clinicalEntries = [...encounters.map(upsertByIdentifier), ...clinical.map(byIdentifier)];
  if (clinicalEntries.length === 0) return [...patientEntries, ...deviceEntries];

  const authors = [...new Set(records.news2.charted.map((charted) => charted.enteredBy))].map((userId) => links.person(userId));
  const provenance = batchProvenance(
    ids,
    clinicalEntries.map((entry) => ({ reference: entry.fullUrl, type: entry.resource?.resourceType })),
    authors,
    new Date(options.recordedAt).toISOString(),
  );
  const tag = provenance.meta?.tag?.[0];
  return [...patientEntries, ...deviceEntries, ...clinicalEntries, conditionalCreate(provenance, `_tag=${tag?.system ?? ''}|${tag?.code ?? ''}`)];
}
